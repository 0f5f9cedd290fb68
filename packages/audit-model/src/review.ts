import type { ReviewStatus } from './enums';
import type { StoredReviewState } from './stored-review';

// The review doc's shape is derived from its schema (`stored-review.ts`), imported as types
// only so this module stays free of zod.
export type { ReviewDecisionRecord, ReviewPersonRecord, StoredReviewState } from './stored-review';

/** The entry fields the review queue filters, sorts and shows, copied so it never reads `audit_logs` per row. */
export const REVIEW_ENTRY_FIELDS = [
  'logId',
  'tenantId',
  'eventType',
  'level',
  'category',
  'outcome',
  'occurredAt',
  'recordedAt',
  'actor',
  'resource',
] as const satisfies ReadonlyArray<keyof StoredReviewState>;

/** The members of the review record proper (what the API answers as an entry's `review` map). */
export const REVIEW_RECORD_FIELDS = [
  'version',
  'assignee',
  'assignedAt',
  'assignedBy',
  'dueAt',
  'decisions',
  'awaitingConfirmation',
  'investigationId',
  'overdueEscalatedAt',
  'closedAt',
] as const satisfies ReadonlyArray<keyof StoredReviewState>;

/** The review record of a stored review doc (or of none: an empty record). */
export function reviewRecordOf(doc: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (!doc) return record;
  for (const field of REVIEW_RECORD_FIELDS) if (doc[field] !== undefined) record[field] = doc[field];
  return record;
}

/** The status of an entry given its review doc: `none` without one. */
export function reviewStatusOf(doc: Readonly<Record<string, unknown>> | undefined): ReviewStatus {
  return (doc?.['status'] as ReviewStatus | undefined) ?? 'none';
}
