import { AuditFailure, assertionFor, type FailureAssertion, type FailureCode } from '../failure';

/**
 * Stable codes of the export and report paths. What each tells a callable or HTTP client is in
 * the one table of `../failure.ts`.
 */
export const EXPORT_ERROR_CODES = [
  /** The caller is not signed in (or the ID token is invalid). */
  'unauthenticated',
  /** The caller's role or tenant does not allow the operation. */
  'permission_denied',
  /** A request argument breaks a rule (field-level errors attached). */
  'invalid_argument',
  /** The filters combine in a way no composite index serves. */
  'unsupported_filter_combination',
  /** No export, report or download link with that id exists for the caller. */
  'not_found',
  /** The job is not in a state that allows the operation (download before success, cancel after it). */
  'failed_precondition',
  /** A download link has expired or was already used. */
  'link_expired',
  /** No font that covers the report's text is installed (see the REPORT_FONT parameter). */
  'font_unavailable',
  /** The job was canceled while it ran. */
  'canceled',
] as const satisfies readonly FailureCode[];
export type ExportErrorCode = (typeof EXPORT_ERROR_CODES)[number];

/** A typed error of the export and report paths with a stable code. */
export class ExportError extends AuditFailure<ExportErrorCode> {
  override readonly name = 'ExportError';
}

/** Throws an {@link ExportError} unless `condition` holds. */
export const assertExport: FailureAssertion<ExportErrorCode> = assertionFor(ExportError);
