/** Streams of a tenant's entries to external sinks: cursor, batches, signing, backoff, leases. */
export * from './backoff';
export * from './batch';
export * from './cursor';
export * from './encodings';
export * from './events';
export * from './inputs';
export * from './lease';
export * from './targets';
