import { AuditFailure, assertionFor, type FailureAssertion, type FailureCode } from '../failure';

/**
 * Stable codes of the tiering, cold search, restore and purge paths. What each tells a callable
 * client is in the one table of `../failure.ts`.
 */
export const ARCHIVE_ERROR_CODES = [
  /** A stored entry has a field the archive schema cannot hold losslessly; the day is not archived. */
  'unarchivable_entry',
  /** Some entries of the day are not yet signed by a checkpoint; the day waits for the checkpoint job. */
  'awaiting_checkpoint',
  /** The file read back does not match its manifest or its rows do not match their hashes. */
  'verification_failed',
  /** Another run holds the lease on this tenant and day. */
  'lease_held',
  /** Request arguments break a rule (field-level errors attached). */
  'invalid_argument',
  /** The cursor is malformed or was issued for other filters or another tenant. */
  'invalid_cursor',
  /** No archive matches (restore of a day that was never archived, for example). */
  'not_found',
  /** Restoring would overwrite a different entry with the same id. */
  'restore_conflict',
  /** The caller is not signed in. */
  'unauthenticated',
  /** The caller's role does not allow the operation. */
  'permission_denied',
] as const satisfies readonly FailureCode[];
export type ArchiveErrorCode = (typeof ARCHIVE_ERROR_CODES)[number];

/** A typed error of the archive paths with a stable code. */
export class ArchiveError extends AuditFailure<ArchiveErrorCode> {
  override readonly name = 'ArchiveError';
}

/** Throws an {@link ArchiveError} unless `condition` holds. */
export const assertArchive: FailureAssertion<ArchiveErrorCode> = assertionFor(ArchiveError);
