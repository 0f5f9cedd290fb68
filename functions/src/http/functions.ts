/** The functions of the HTTP API: `api` (ingest and query) and the API key callables. */
export { api } from './api';
export { createApiKey, revokeApiKey } from './api-keys';
