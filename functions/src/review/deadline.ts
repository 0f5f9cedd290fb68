import { Timestamp, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { LEVELS, type Level } from '../domain';
import { initialReviewDoc, reviewDueAt } from '../domain/review';
import { tenantSettingsReader } from '../tenants/tenant-settings';
import { reviewRef } from './apply';

/**
 * Stamps `dueAt` on the review doc of a newly stored entry that requires review: its recording
 * time plus the tenant's deadline for its level. Writes `audit_reviews/{logId}` only, never the
 * entry (entries are never updated). Ingest creates the review doc with the entry; should it be
 * missing (a bulk store whose pair write was lost), it is created here, pending, so the queue
 * never misses a flagged entry. Idempotent (a transaction leaves an existing due date alone), so
 * a redelivered trigger changes nothing. Restored or backfilled entries (recorded long ago)
 * never get here: the trigger `reactToEntry` lets only new activity through (`isNewActivity`),
 * so a review clock that ran out long ago never starts again. Returns the due date, or null if
 * none applies.
 */
export async function stampReviewDeadline(db: Firestore, logId: string, data: DocumentData): Promise<Date | null> {
  if (data.requiresReview !== true || typeof data.tenantId !== 'string') return null;
  const level = data.level as Level;
  const recordedAt = data.recordedAt instanceof Timestamp ? data.recordedAt.toDate() : null;
  if (!LEVELS.includes(level) || !recordedAt) return null;
  const settings = await tenantSettingsReader(db).settings(data.tenantId);
  if (!settings) return null;
  const dueAt = Timestamp.fromDate(reviewDueAt(level, recordedAt, settings.review));
  const ref = reviewRef(db, logId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) {
      tx.create(ref, { ...initialReviewDoc({ ...data, logId }), dueAt });
      return dueAt.toDate();
    }
    if (snap.get('dueAt') !== undefined) return null;
    tx.update(ref, { dueAt });
    return dueAt.toDate();
  });
}
