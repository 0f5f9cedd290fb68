export * from './checkpoint';
export * from './leaves';
export * from './signing';
export * from './rows';
export * from './requests';
export * from './verify';
export * from './verify-chain';
export * from './verify-entries';
