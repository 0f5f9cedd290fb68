/** The cold tier's pure model: schema, row mapping, Merkle root, manifest, layout, states, filters. */
export * from './errors';
export * from './filter';
export * from './instant';
export * from './layout';
export * from './manifest';
export * from './merkle';
export * from './record';
export * from './row';
export * from './schema';
export * from './verify';
export * from './requests';
export * from './access';
export * from './retry-schedule';
export * from './review-state';
