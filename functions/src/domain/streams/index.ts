/** Per-producer sequence streams: gap detection and delivery watermarks (pure). */
export * from './gap-report';
export * from './ranges';
export * from './stream-state';
export * from './watermark';
