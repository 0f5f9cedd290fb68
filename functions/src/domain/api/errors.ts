import { AuditFailure, assertionFor, type FailureAssertion, type FailureCode } from '../failure';

/**
 * Stable codes of the HTTP API and of the API key callables. Producers and machine consumers
 * branch on these; the HTTP status and the callable error code of each are chosen in the one
 * table of `../failure.ts`, never here.
 */
export const API_ERROR_CODES = [
  /** No `Authorization: Bearer <key>` header, or one that is not an API key. */
  'missing_api_key',
  /** The key is well formed but unknown, or its secret does not match. */
  'invalid_api_key',
  /** The key was revoked by a tenant admin. */
  'api_key_revoked',
  /** An event names a tenant other than the key's. */
  'tenant_mismatch',
  /** A callable was used without signing in. */
  'unauthenticated',
  /** A signed-in caller lacks the role (tenant admin) the operation needs. */
  'permission_denied',
  /** The body is not JSON, or not UTF-8. */
  'invalid_json',
  /** The body is JSON but neither an envelope nor `{"events": [...]}`. */
  'invalid_body',
  /** Every event of the request was rejected (per-event results say why). */
  'invalid_events',
  /** A query parameter or callable argument breaks its rule. */
  'invalid_argument',
  /** The cursor is not one this API issued for the same tenant and filters. */
  'invalid_cursor',
  /** The filters combine in a way no composite index serves. */
  'unsupported_filter_combination',
  /** The body, an event, or the number of events exceeds a limit. */
  'payload_too_large',
  /** The tenant sent more events than its rate allows; retry after `retryAfterSeconds`. */
  'rate_limited',
  /** The key is valid but lacks the scope (`ingest` or `read`) the route needs. */
  'insufficient_scope',
  /** The tenant of the caller does not exist. */
  'tenant_not_found',
  /** No API key with that id exists in the caller's tenant. */
  'api_key_not_found',
  /** No such route. */
  'not_found',
  /** The route exists but not for this method. */
  'method_not_allowed',
  /** A dependency failed; the request may be retried as a whole (events are idempotent). */
  'unavailable',
] as const satisfies readonly FailureCode[];
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** A typed error of the API with a stable code and, where useful, field-level errors. */
export class ApiError extends AuditFailure<ApiErrorCode> {
  override readonly name = 'ApiError';
}

/** Throws an {@link ApiError} unless `condition` holds. */
export const assertApi: FailureAssertion<ApiErrorCode> = assertionFor(ApiError);

/** Field errors of a zod failure (the model's one formatter), for the API's importers. */
export { fieldErrorsOf } from '@audit-log/model';
