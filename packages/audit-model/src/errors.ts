/** Stable reason codes for input that can never be stored; they appear in dead letters and HTTP 400s. */
export const REJECTION_REASONS = [
  'invalid_json',
  'invalid_encoding',
  'payload_too_large',
  'hostile_payload',
  'schema_violation',
  'unknown_tenant',
  'conflicting_duplicate',
  'system_reserved',
  'unstorable',
  'source_not_allowed',
  'family_not_allowed',
  'rate_limited',
  'backdated',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** One problem with one field, addressed by a dotted path (`actor.id`, `changes.after`). */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * A permanent rejection: retrying the same input can never succeed, so adapters dead-letter it
 * (or answer 400) instead of throwing for a retry.
 */
export class RejectionError extends Error {
  override readonly name = 'RejectionError';
  constructor(
    readonly reason: RejectionReason,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
  }
}

/** Throws a {@link RejectionError} unless `condition` holds. */
export function assertValid(
  condition: unknown,
  reason: RejectionReason,
  message: string,
  errors: readonly FieldError[] = [],
): asserts condition {
  if (!condition) throw new RejectionError(reason, message, errors);
}

/** Formats field errors for a one-line log or error message. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ');
}

/** A schema issue as zod reports it: where in the input, and what is wrong there. */
export interface SchemaIssue {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

/**
 * Field errors of schema issues, each addressed by its dotted path below `prefix` (`filter`,
 * `events.3`); an issue of the whole input is addressed by the prefix itself.
 */
export function fieldErrorsOf(issues: readonly SchemaIssue[], prefix = ''): FieldError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: prefix && path ? `${prefix}.${path}` : prefix || path, message: issue.message };
  });
}

/** One `path: message` line per schema issue, for an operator's log of a malformed setting. */
export function issueLines(issues: readonly SchemaIssue[], prefix = ''): string[] {
  return fieldErrorsOf(issues, prefix).map((e) => `${e.path}: ${e.message}`);
}
