import type { Category, Level } from './catalog';
import type { EntryActor, EntryResource } from './entry';
import type { Outcome, ReviewStatus } from './enums';

/**
 * The review state of one entry that requires review: `audit_reviews/{logId}` (contract.md,
 * "Stored entry"). The entry itself is never updated, so everything review changes lives here.
 * Server-written only. Created with the entry at ingest (or, as a backstop, by the deadline
 * trigger); an entry that does not require review has none and its status reads as `none`.
 */
export interface ReviewPersonRecord {
  uid: string;
  email?: string;
}

export interface ReviewDecisionRecord<Instant = string> {
  action: string;
  by: ReviewPersonRecord | null;
  note: string;
  at: Instant;
  status: ReviewStatus;
  eventId: string;
}

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
] as const;

export interface StoredReviewState<Instant = string> {
  logId: string;
  tenantId: string;
  status: ReviewStatus;
  eventType: string;
  level: Level;
  category: Category;
  outcome: Outcome;
  occurredAt: Instant;
  recordedAt: Instant;
  actor: EntryActor;
  resource?: EntryResource;
  /** Number of review actions so far. */
  version: number;
  assignee?: ReviewPersonRecord;
  assignedAt?: Instant;
  assignedBy?: ReviewPersonRecord;
  dueAt?: Instant;
  decisions: ReviewDecisionRecord<Instant>[];
  awaitingConfirmation?: { by: ReviewPersonRecord; note: string; at: Instant };
  investigationId?: string;
  overdueEscalatedAt?: Instant;
  closedAt?: Instant;
}

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
] as const;

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
