export * from './checkpoint';
export * from './leaves';
export * from './signing';
export * from './rows';
export * from './requests';
