import * as logger from 'firebase-functions/logger';

// Named, structured log events of the HTTP API (ECS-like keys, as in ../logs.ts). API keys and
// payloads are never logged: only the key's non-secret display prefix or id.

/** Tenant rate settings or the shared rate counters could not be read or written (`step` says which). */
export function rateStoreUnavailable(tenantId: string, step: string, error: unknown): void {
  logger.warn('rate limit store unavailable', {
    'event.type': 'api.rate_store_unavailable',
    'tenant.id': tenantId,
    'rate.step': step,
    'error.message': String(error),
    'error.stack_trace': error instanceof Error ? error.stack : undefined,
  });
}

export function requestRefused(code: string, status: number, method: string, path: string): void {
  logger.info('api request refused', {
    'event.type': 'api.request_refused',
    'error.code': code,
    'http.response.status_code': status,
    'http.request.method': method,
    'url.path': path,
  });
}

export function requestFailed(method: string, path: string, error: unknown): void {
  logger.error('api request failed', {
    'event.type': 'api.request_failed',
    'http.request.method': method,
    'url.path': path,
    'error.message': String(error),
    'error.stack_trace': error instanceof Error ? error.stack : undefined,
  });
}

export function eventsIngested(tenantId: string, keyId: string, accepted: number, rejected: number): void {
  logger.info('api events ingested', {
    'event.type': 'api.events_ingested',
    'tenant.id': tenantId,
    'api_key.id': keyId,
    'audit.accepted': accepted,
    'audit.rejected': rejected,
  });
}

export function apiKeyChanged(action: 'created' | 'revoked', tenantId: string, keyId: string, uid: string): void {
  logger.info(`api key ${action}`, {
    'event.type': `api.key_${action}`,
    'tenant.id': tenantId,
    'api_key.id': keyId,
    'user.id': uid,
  });
}
