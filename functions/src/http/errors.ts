import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { RejectionError, type FieldError } from '../domain';
import { ApiError, type ApiErrorCode } from '../domain/api';

/**
 * The one place where typed errors become HTTP statuses (the `api` function) and callable error
 * codes (`createApiKey`, `revokeApiKey`). Everything else throws `ApiError` with a stable code.
 */
const HTTP_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  missing_api_key: 401,
  invalid_api_key: 401,
  unauthenticated: 401,
  api_key_revoked: 403,
  tenant_mismatch: 403,
  permission_denied: 403,
  insufficient_scope: 403,
  invalid_json: 400,
  invalid_body: 400,
  invalid_events: 400,
  invalid_argument: 400,
  invalid_cursor: 400,
  unsupported_filter_combination: 400,
  tenant_not_found: 404,
  api_key_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

const CALLABLE_CODE: Readonly<Record<ApiErrorCode, FunctionsErrorCode>> = {
  missing_api_key: 'unauthenticated',
  invalid_api_key: 'unauthenticated',
  unauthenticated: 'unauthenticated',
  api_key_revoked: 'permission-denied',
  tenant_mismatch: 'permission-denied',
  permission_denied: 'permission-denied',
  insufficient_scope: 'permission-denied',
  invalid_json: 'invalid-argument',
  invalid_body: 'invalid-argument',
  invalid_events: 'invalid-argument',
  invalid_argument: 'invalid-argument',
  invalid_cursor: 'invalid-argument',
  unsupported_filter_combination: 'invalid-argument',
  tenant_not_found: 'failed-precondition',
  api_key_not_found: 'not-found',
  not_found: 'not-found',
  method_not_allowed: 'unimplemented',
  payload_too_large: 'invalid-argument',
  rate_limited: 'resource-exhausted',
  unavailable: 'unavailable',
};

/** The JSON body of every error answer: `{"error": {code, message, errors}}` plus any extra members. */
export interface ErrorBody {
  error: { code: string; message: string; errors: readonly FieldError[] };
  [member: string]: unknown;
}

export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
  /** False for errors nobody anticipated: the caller logs those with their stack. */
  expected: boolean;
}

/** Maps any thrown value to the HTTP answer. Unknown errors become a 500 that reveals nothing. */
export function httpErrorResponse(err: unknown): HttpErrorResponse {
  if (err instanceof ApiError) {
    const status = HTTP_STATUS[err.code];
    const headers: Record<string, string> = {};
    if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="audit-api"';
    if (err.details.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.details.retryAfterSeconds);
    if (err.details.allow) headers.Allow = err.details.allow.join(', ');
    const body: ErrorBody = {
      ...err.details.extra,
      error: { code: err.code, message: err.message, errors: err.errors },
    };
    return { status, headers, body, expected: true };
  }
  if (err instanceof RejectionError) {
    const body: ErrorBody = { error: { code: err.reason, message: err.message, errors: err.errors } };
    return { status: err.reason === 'payload_too_large' ? 413 : 400, headers: {}, body, expected: true };
  }
  return {
    status: 500,
    headers: {},
    body: { error: { code: 'internal', message: 'internal error; the request may be retried', errors: [] } },
    expected: false,
  };
}

/** Maps any thrown value to a callable error; field errors travel in `details.errors`. */
export function callableError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  if (err instanceof ApiError) {
    return new HttpsError(CALLABLE_CODE[err.code], err.message, { code: err.code, errors: err.errors });
  }
  if (err instanceof RejectionError) {
    return new HttpsError('invalid-argument', err.message, { code: err.reason, errors: err.errors });
  }
  return new HttpsError('internal', 'internal error');
}
