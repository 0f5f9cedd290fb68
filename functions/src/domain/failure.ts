import { StoredDocumentError } from '@audit-log/model/stored-document';
import { RejectionError, type FieldError, type RejectionReason } from './errors';

/**
 * The one error model of the audit system: every expected failure is an {@link AuditFailure} with
 * a stable code, and {@link FAILURE_ROUTES} says, once for every code, what a callable client and
 * an HTTP client are told. The adapters (`commands/callable.ts` for callables, `http/errors.ts`
 * for the `api` function) only read this table, so one code can never mean two things.
 */

/** The error codes of callable functions (gRPC's canonical codes as Firebase spells them). */
export type CallableCode =
  | 'cancelled'
  | 'unknown'
  | 'invalid-argument'
  | 'deadline-exceeded'
  | 'not-found'
  | 'already-exists'
  | 'permission-denied'
  | 'resource-exhausted'
  | 'failed-precondition'
  | 'aborted'
  | 'out-of-range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data-loss'
  | 'unauthenticated';

/** What a client is told for one code: the callable error code and the HTTP status. */
export interface FailureRoute {
  readonly callable: CallableCode;
  readonly status: number;
}

// The callable codes and the statuses of the API and download codes are a public contract:
// clients and the emulator suites branch on them, so a change here is a breaking change. Codes
// that only callables raise got the status their callable code suggests, with 409 for "the
// resource's state forbids it" and 500 for faults of the server's own data or setup, as the
// export codes already did.
export const FAILURE_ROUTES = {
  // Who is asking
  unauthenticated: { callable: 'unauthenticated', status: 401 },
  missing_api_key: { callable: 'unauthenticated', status: 401 },
  invalid_api_key: { callable: 'unauthenticated', status: 401 },
  permission_denied: { callable: 'permission-denied', status: 403 },
  api_key_revoked: { callable: 'permission-denied', status: 403 },
  tenant_mismatch: { callable: 'permission-denied', status: 403 },
  insufficient_scope: { callable: 'permission-denied', status: 403 },
  not_assignee: { callable: 'permission-denied', status: 403 },
  two_person_rule: { callable: 'permission-denied', status: 403 },
  self_review: { callable: 'permission-denied', status: 403 },
  // 410 tells a browser the link is gone for good; callables have no such code.
  link_expired: { callable: 'permission-denied', status: 410 },
  // What was asked
  invalid_argument: { callable: 'invalid-argument', status: 400 },
  invalid_json: { callable: 'invalid-argument', status: 400 },
  invalid_body: { callable: 'invalid-argument', status: 400 },
  invalid_events: { callable: 'invalid-argument', status: 400 },
  invalid_cursor: { callable: 'invalid-argument', status: 400 },
  invalid_assignee: { callable: 'invalid-argument', status: 400 },
  unsupported_filter_combination: { callable: 'invalid-argument', status: 400 },
  payload_too_large: { callable: 'invalid-argument', status: 413 },
  method_not_allowed: { callable: 'unimplemented', status: 405 },
  // What it names
  not_found: { callable: 'not-found', status: 404 },
  api_key_not_found: { callable: 'not-found', status: 404 },
  tenant_not_found: { callable: 'failed-precondition', status: 404 },
  // The state it finds
  failed_precondition: { callable: 'failed-precondition', status: 409 },
  not_reviewable: { callable: 'failed-precondition', status: 409 },
  review_closed: { callable: 'failed-precondition', status: 409 },
  invalid_transition: { callable: 'failed-precondition', status: 409 },
  awaiting_confirmation: { callable: 'failed-precondition', status: 409 },
  nothing_to_confirm: { callable: 'failed-precondition', status: 409 },
  payload_truncated: { callable: 'failed-precondition', status: 409 },
  restore_conflict: { callable: 'failed-precondition', status: 409 },
  review_history_full: { callable: 'resource-exhausted', status: 409 },
  already_replayed: { callable: 'already-exists', status: 409 },
  lease_held: { callable: 'aborted', status: 409 },
  canceled: { callable: 'cancelled', status: 409 },
  // Limits and dependencies
  rate_limited: { callable: 'resource-exhausted', status: 429 },
  unavailable: { callable: 'unavailable', status: 503 },
  // The server's own data or setup
  unarchivable_entry: { callable: 'failed-precondition', status: 500 },
  awaiting_checkpoint: { callable: 'failed-precondition', status: 500 },
  verification_failed: { callable: 'data-loss', status: 500 },
  font_unavailable: { callable: 'failed-precondition', status: 500 },
  capture_config_invalid: { callable: 'failed-precondition', status: 500 },
  // A stored document that does not match its schema (`StoredDocumentError` of the model).
  malformed_document: { callable: 'data-loss', status: 500 },
} as const satisfies Readonly<Record<string, FailureRoute>>;

/** Every stable failure code; each family (API, export, archive, commands) throws a subset. */
export type FailureCode = keyof typeof FAILURE_ROUTES;
export const FAILURE_CODES = Object.keys(FAILURE_ROUTES) as FailureCode[];

/** What a failure carries besides its code and message; adapters pass it on to the client. */
export interface FailureDetails {
  /** Field-level errors, so a form or a producer can point at the offending field. */
  errors?: readonly FieldError[];
  /** For `rate_limited`: whole seconds until the request can succeed. */
  retryAfterSeconds?: number;
  /** For `method_not_allowed`: the methods the route accepts. */
  allow?: readonly string[];
  /** Further members of an HTTP error body, e.g. the per-event `results` of an all-invalid batch. */
  extra?: Readonly<Record<string, unknown>>;
}

/** Details, or just the field errors: most failures carry nothing else. */
export type FailureDetailsInput = FailureDetails | readonly FieldError[];

function detailsOf(input: FailureDetailsInput): FailureDetails {
  return Array.isArray(input) ? { errors: input as readonly FieldError[] } : (input as FailureDetails);
}

/**
 * An expected failure with a stable code. Families narrow `C` to the codes they may throw
 * (`ExportError extends AuditFailure<ExportErrorCode>`), so `instanceof` still tells the paths
 * apart where a caller handles one family only.
 */
export class AuditFailure<C extends FailureCode = FailureCode> extends Error {
  override readonly name: string = 'AuditFailure';
  readonly details: FailureDetails;
  /** Field-level errors, empty when the problem has no single field. */
  readonly errors: readonly FieldError[];
  constructor(
    readonly code: C,
    message: string,
    details: FailureDetailsInput = {},
  ) {
    super(message);
    this.details = detailsOf(details);
    this.errors = this.details.errors ?? [];
  }
}

/** A family's `assert…` helper: throws that family's failure unless `condition` holds. */
export type FailureAssertion<C extends FailureCode> = (
  condition: unknown,
  code: C,
  message: string,
  details?: FailureDetailsInput,
) => asserts condition;

/** Builds the `assert…` helper of a failure class. */
export function assertionFor<C extends FailureCode>(
  Failure: new (code: C, message: string, details?: FailureDetailsInput) => AuditFailure<C>,
): FailureAssertion<C> {
  return (condition, code, message, details) => {
    if (!condition) throw new Failure(code, message, details);
  };
}

/**
 * An ingest rejection is always the producer's input: invalid-argument, and 413 rather than 400
 * for size so a producer knows to split the batch instead of fixing an event.
 */
export function rejectionRoute(reason: RejectionReason): FailureRoute {
  return { callable: 'invalid-argument', status: reason === 'payload_too_large' ? 413 : 400 };
}

/** An expected failure as an adapter answers it: everything here may be shown to the caller. */
export interface ClientFailure {
  code: FailureCode | RejectionReason;
  message: string;
  errors: readonly FieldError[];
  details: FailureDetails;
  route: FailureRoute;
}

// `instanceof` alone narrows a generic class to `AuditFailure<any>`; this keeps the code typed.
function isAuditFailure(err: unknown): err is AuditFailure {
  return err instanceof AuditFailure;
}

/**
 * The answerable view of a thrown value, or `undefined` for anything nobody anticipated (a bug,
 * a dependency's error): adapters answer those with a bare `internal` so nothing leaks.
 */
export function clientFailureOf(err: unknown): ClientFailure | undefined {
  if (isAuditFailure(err)) {
    const { code, message, errors, details } = err;
    return { code, message, errors, details, route: FAILURE_ROUTES[code] };
  }
  if (err instanceof RejectionError) {
    const { reason, message, errors } = err;
    return { code: reason, message, errors, details: {}, route: rejectionRoute(reason) };
  }
  if (err instanceof StoredDocumentError) {
    const { code, message, errors } = err;
    return { code, message, errors, details: { errors }, route: FAILURE_ROUTES[code] };
  }
  return undefined;
}
