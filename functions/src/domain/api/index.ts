/** The pure side of the HTTP API and of API key management (no Firebase imports here either). */
export * from './api-key-admin';
export * from './api-keys';
export * from './errors';
export * from './event-query';
export * from './ingest-request';
export * from './rate-limit';
export * from './read-audit';
