import type { FieldError } from './contract';

/** Stable codes of the SDK's own failures (invalid events throw the domain's `RejectionError`). */
export const CLIENT_ERROR_CODES = [
  /** Pub/Sub refused or never acknowledged a publish, after every retry. */
  'publish_failed',
  /** The HTTP API answered 400: the server rejected the request; see `errors`. */
  'http_invalid',
  /** 401: the API key is missing, unknown or revoked. */
  'http_unauthorized',
  /** 403: the key may not write events for this tenant. */
  'http_forbidden',
  /** 413: the body is larger than the API accepts. */
  'http_too_large',
  /** 429 after every retry: the tenant exceeds its rate. */
  'http_rate_limited',
  /** Network failure or 5xx after every retry, or an answer the client does not understand. */
  'http_failed',
  /** The client was used after `close()`. */
  'closed',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

/** A publishing failure with a stable code; `cause` keeps the underlying error. */
export class AuditClientError extends Error {
  override readonly name = 'AuditClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly details: { status?: number; errors?: readonly FieldError[]; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** HTTP status, for `http_*` codes. */
  get status(): number | undefined {
    return this.details.status;
  }

  /** Field-level errors the server reported, if any. */
  get errors(): readonly FieldError[] {
    return this.details.errors ?? [];
  }
}
