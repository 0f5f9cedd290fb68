import { Timestamp, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { LEVELS, type Level } from '../domain';
import { reviewDueAt } from '../domain/review';
import { tenantSettingsReader } from '../tenants/tenant-settings';
import { entryRef } from './apply';

/**
 * Stamps `review.dueAt` on a newly stored entry that requires review: its recording time plus
 * the tenant's deadline for its level. Idempotent (a transaction leaves an existing due date
 * alone), so a redelivered trigger changes nothing, and neither does a restored entry that
 * kept its `review` map. Restored or backfilled entries (recorded long ago) never get here: the
 * trigger `reactToEntry` lets only new activity through (`isNewActivity`), so a review clock
 * that ran out long ago never starts again. Returns the due date, or null if none applies.
 */
export async function stampReviewDeadline(db: Firestore, logId: string, data: DocumentData): Promise<Date | null> {
  if (data.requiresReview !== true || typeof data.tenantId !== 'string') return null;
  const level = data.level as Level;
  const recordedAt = data.recordedAt instanceof Timestamp ? data.recordedAt.toDate() : null;
  if (!LEVELS.includes(level) || !recordedAt) return null;
  const settings = await tenantSettingsReader(db).settings(data.tenantId);
  if (!settings) return null;
  const dueAt = reviewDueAt(level, recordedAt, settings.review);
  const ref = entryRef(db, logId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get('review.dueAt') !== undefined) return null;
    tx.update(ref, { 'review.dueAt': Timestamp.fromDate(dueAt) });
    return dueAt;
  });
}
