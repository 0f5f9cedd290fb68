export * from './checkpoint';
export * from './leaves';
export * from './signing';
