import { AuditFailure, assertionFor, type FailureAssertion, type FailureCode } from '../failure';

/**
 * Stable codes of the console's command callables (review, alerts, tenant settings, operator
 * actions). The console and tests branch on these; the callable error code of each is chosen in
 * the one table of `../failure.ts`, never here.
 */
export const COMMAND_ERROR_CODES = [
  /** The callable was used without signing in. */
  'unauthenticated',
  /** The caller's role or tenant does not allow the command. */
  'permission_denied',
  /** An argument breaks its rule; `errors` says which. */
  'invalid_argument',
  /** The tenant of the caller does not exist. */
  'tenant_not_found',
  /** No such document in the caller's tenant (other tenants' documents are "not found" too). */
  'not_found',
  /** The entry was never flagged for review. */
  'not_reviewable',
  /** The review is closed (approved); nothing can change it any more. */
  'review_closed',
  /** The decision does not apply to the entry's current review status. */
  'invalid_transition',
  /** The entry is assigned to someone else; only that reviewer or an admin may decide. */
  'not_assignee',
  /** The user named as reviewer is not a reviewer or admin of the tenant. */
  'invalid_assignee',
  /** An approval already waits for a second reviewer; confirm it instead of approving again. */
  'awaiting_confirmation',
  /** There is no approval waiting for confirmation. */
  'nothing_to_confirm',
  /** The confirming reviewer is the one who approved: two different people are required. */
  'two_person_rule',
  /** The entry's review history reached its size limit. */
  'review_history_full',
  /** A dead letter's stored payload was truncated, so it cannot be replayed. */
  'payload_truncated',
  /** The dead letter was already replayed successfully. */
  'already_replayed',
  /** A dependency failed; the command may be retried as a whole. */
  'unavailable',
  /** The user performed the reviewed action: nobody reviews their own entry. */
  'self_review',
] as const satisfies readonly FailureCode[];
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/** A typed error of a console command, with a stable code and optional field-level errors. */
export class CommandError extends AuditFailure<CommandErrorCode> {
  override readonly name = 'CommandError';
}

/** Throws a {@link CommandError} unless `condition` holds. */
export const assertCommand: FailureAssertion<CommandErrorCode> = assertionFor(CommandError);
