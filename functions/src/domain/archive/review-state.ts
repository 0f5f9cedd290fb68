import { reviewRecordOf, reviewStatusOf } from '@audit-log/model';
import { reviewEntryFields } from '../review/record';

/**
 * The archive keeps an entry's review state with it: the `reviewStatus` column and the review
 * record in `extra` (as `review`), the layout archives had when review state lived on the entry,
 * so files of either age read the same. Entries are never updated, so the state comes from the
 * review doc `audit_reviews/{logId}` when the row is built, and goes back there on restore.
 */

/** The document an archive row is built from: the entry plus its review state. */
export function withReviewState(
  entry: Readonly<Record<string, unknown>>,
  review: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return { ...entry, reviewStatus: reviewStatusOf(review), ...(review ? { review: reviewRecordOf(review) } : {}) };
}

/**
 * Splits a restored row's document into the entry (without review state) and its review doc,
 * or null for an entry that was never under review.
 */
export function splitReviewState(doc: Readonly<Record<string, unknown>>): {
  entry: Record<string, unknown>;
  review: Record<string, unknown> | null;
} {
  const { reviewStatus, review, ...entry } = doc;
  if (entry['requiresReview'] !== true) return { entry, review: null };
  const status = typeof reviewStatus === 'string' ? reviewStatus : 'none';
  const record = (review ?? {}) as Record<string, unknown>;
  return {
    entry,
    review: {
      ...reviewEntryFields(entry),
      status: status === 'none' ? 'pending' : status,
      version: 0,
      decisions: [],
      ...record,
    },
  };
}
