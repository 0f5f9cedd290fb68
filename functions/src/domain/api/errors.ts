import type { FieldError } from '../errors';

/**
 * Stable codes of the HTTP API and of the API key callables. Producers and machine consumers
 * branch on these; the HTTP status and the callable error code of each are chosen in one adapter
 * (`functions/src/http/errors.ts`), never here.
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
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorDetails {
  errors?: readonly FieldError[];
  /** For `rate_limited`: whole seconds until the request can succeed. */
  retryAfterSeconds?: number;
  /** For `method_not_allowed`: the methods the route accepts. */
  allow?: readonly string[];
  /** Further members of the error response, e.g. the per-event `results` of an all-invalid batch. */
  extra?: Readonly<Record<string, unknown>>;
}

/** A typed error of the API with a stable code and, where useful, field-level errors. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: ApiErrorDetails = {},
  ) {
    super(message);
  }

  /** Field-level errors, empty when the problem has no single field. */
  get errors(): readonly FieldError[] {
    return this.details.errors ?? [];
  }
}

/** Throws an {@link ApiError} unless `condition` holds. */
export function assertApi(
  condition: unknown,
  code: ApiErrorCode,
  message: string,
  details: ApiErrorDetails = {},
): asserts condition {
  if (!condition) throw new ApiError(code, message, details);
}

/** Field errors of a zod failure, with an optional path prefix (`events[3].`). */
export function fieldErrorsOf(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = '',
): FieldError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: prefix && path ? `${prefix}.${path}` : prefix || path, message: issue.message };
  });
}
