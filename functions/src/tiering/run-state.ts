import { FieldPath, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { dayDueAtMs, dayLeaseId, type DayAttempts } from '../domain/archive';

/** Attempts of each (tenant, day) the job works on. Server-only; not part of the contract. */
export const DAY_ATTEMPTS_COLLECTION = 'audit_tiering_days';
/** When the job last started each tenant. Server-only; not part of the contract. */
export const TENANT_RUNS_COLLECTION = 'audit_tiering_tenants';

/**
 * The job's memory across runs: how often each day was attempted without finishing (counted
 * when an attempt starts, so a crash counts too) and when each tenant was last started.
 */
export class TieringRunState {
  constructor(
    private readonly db: Firestore,
    private readonly now: () => number,
  ) {}

  private day(tenantId: string, date: string) {
    return this.db.collection(DAY_ATTEMPTS_COLLECTION).doc(dayLeaseId(tenantId, date));
  }

  /** When the day may be attempted again (null: now). */
  async dayDueAtMs(tenantId: string, date: string): Promise<number | null> {
    const snap = await this.day(tenantId, date).get();
    if (!snap.exists) return null;
    const last = snap.get('lastAttemptAt') as Timestamp | undefined;
    const state: DayAttempts = {
      attempts: (snap.get('attempts') as number | undefined) ?? 0,
      lastAttemptAtMs: last ? last.toMillis() : null,
    };
    return dayDueAtMs(state);
  }

  async attemptStarted(tenantId: string, date: string): Promise<void> {
    const ref = this.day(tenantId, date);
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const attempts = ((snap.get('attempts') as number | undefined) ?? 0) + 1;
      tx.set(ref, { tenantId, date, attempts, lastAttemptAt: Timestamp.fromMillis(this.now()) }, { merge: true });
    });
  }

  async attemptFailed(tenantId: string, date: string, error: { code: string; message: string }): Promise<void> {
    await this.day(tenantId, date).set({ lastError: error }, { merge: true });
  }

  /** The day finished (archived, empty or on hold): the next attempt is due at once. */
  async attemptFinished(tenantId: string, date: string): Promise<void> {
    await this.day(tenantId, date).delete();
  }

  /** When each tenant was last started, for the tenants that ever were. */
  async tenantStarts(): Promise<Map<string, number>> {
    const starts = new Map<string, number>();
    let last: string | undefined;
    for (;;) {
      let q = this.db.collection(TENANT_RUNS_COLLECTION).orderBy(FieldPath.documentId()).limit(500);
      if (last) q = q.startAfter(last);
      const snap = await q.get();
      for (const doc of snap.docs) starts.set(doc.id, (doc.get('lastStartedAt') as Timestamp).toMillis());
      if (snap.size < 500) return starts;
      last = snap.docs[snap.docs.length - 1]!.id;
    }
  }

  async tenantStarted(tenantId: string): Promise<void> {
    await this.db
      .collection(TENANT_RUNS_COLLECTION)
      .doc(tenantId)
      .set({ lastStartedAt: Timestamp.fromMillis(this.now()) });
  }
}
