/** The pure audit domain: no Firebase or Google Cloud imports below this folder. */
export * from './canonical';
export * from './catalog';
export * from './classify';
export * from './diff';
export * from './entry';
export * from './envelope';
export * from './errors';
export * from './ids';
export * from './metadata';
export * from './operation';
export * from './pipeline';
export * from './redact';
export * from './reserved-sources';
export * from './storable';
export * from './tenant';
export * from './tokens';
export * from './validate';
