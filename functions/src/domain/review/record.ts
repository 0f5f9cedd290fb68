import { REVIEW_ENTRY_FIELDS, reviewRecordOf, type ReviewStatus } from '@audit-log/model';
import type { ReviewRecord } from './model';

/**
 * The review doc `audit_reviews/{logId}` of an entry, in the domain's terms. The entry is never
 * updated (tamper evidence), so this doc holds its review state, plus copies of the entry fields
 * the queue filters, sorts and shows. Generic in how instants are held: the store passes
 * Timestamps, the domain ISO strings.
 */

/** The entry fields copied into a review doc; absent optional fields are left out. */
export function reviewEntryFields(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of REVIEW_ENTRY_FIELDS) if (entry[field] !== undefined) out[field] = entry[field];
  return out;
}

/** A new review doc for an entry that requires review: pending, no action yet. */
export function initialReviewDoc(entry: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { ...reviewEntryFields(entry), status: 'pending' satisfies ReviewStatus, version: 0, decisions: [] };
}

/** A whole review doc after a review action (the doc is rewritten, so cleared members go away). */
export function reviewDocAfter(
  entry: Readonly<Record<string, unknown>>,
  status: ReviewStatus,
  review: ReviewRecord,
): Record<string, unknown> {
  return { ...reviewEntryFields(entry), status, ...review };
}

/**
 * What the review state machine reads of an entry: the entry's own fields and its review state
 * from the review doc. An entry flagged for review whose doc is not there yet (a bulk ingest
 * whose review create is still to be repaired by the deadline trigger) reads as pending.
 */
export function reviewSubjectInput(
  entry: Readonly<Record<string, unknown>>,
  review: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const status = review?.['status'] ?? (entry['requiresReview'] === true ? 'pending' : 'none');
  return { ...entry, reviewStatus: status, review: reviewRecordOf(review) };
}
