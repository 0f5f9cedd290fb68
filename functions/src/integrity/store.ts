import { FieldPath, Timestamp, type Firestore, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { signedCheckpointOf, type CheckpointKey, type SignedCheckpoint } from '@audit-log/model/integrity';
import { COLLECTIONS } from '../store/collections';
import type { Meter } from './meter';
import { isAlreadyExists } from '../store/write-errors';

// The Firestore side of the checkpoint job. Every query here has its composite index in
// firestore.indexes.json and reports what it read to the run's meter.

/** A stored checkpoint's signed fields, in the fixed order its anchor's JSON is compared in. */
export const signedOf = signedCheckpointOf;

export class CheckpointStore {
  constructor(
    readonly db: Firestore,
    private readonly meter: Meter,
  ) {}

  private get checkpoints() {
    return this.db.collection(COLLECTIONS.checkpoints);
  }

  private get logs() {
    return this.db.collection(COLLECTIONS.logs);
  }

  /** The newest `limit` checkpoints of a tenant, newest first (the head is the first). */
  async newest(tenantId: string, limit: number): Promise<SignedCheckpoint[]> {
    const snap = await this.checkpoints.where('tenantId', '==', tenantId).orderBy('seq', 'desc').limit(limit).get();
    this.meter.query(snap.size);
    return snap.docs.map((d) => signedOf(d.data()));
  }

  async exists(id: string): Promise<boolean> {
    const snap = await this.checkpoints.doc(id).get();
    this.meter.query(1);
    return snap.exists;
  }

  /** Creates a checkpoint; false when one with its id exists (a concurrent run won). */
  async create(c: SignedCheckpoint): Promise<boolean> {
    this.meter.writes++;
    try {
      await this.checkpoints.doc(c.id).create(c);
      return true;
    } catch (err) {
      if (isAlreadyExists(err)) return false;
      throw err;
    }
  }

  /** `recordedAt` (ms) of the tenant's oldest entry in `[fromMs, beforeMs)`, or null. */
  async firstRecordedAt(tenantId: string, fromMs: number, beforeMs: number): Promise<number | null> {
    const snap = await this.logs
      .where('tenantId', '==', tenantId)
      .where('recordedAt', '>=', Timestamp.fromMillis(fromMs))
      .where('recordedAt', '<', Timestamp.fromMillis(beforeMs))
      .orderBy('recordedAt', 'asc')
      .select('recordedAt')
      .limit(1)
      .get();
    this.meter.query(snap.size);
    const doc = snap.docs[0];
    return doc ? (doc.get('recordedAt') as Timestamp).toMillis() : null;
  }

  /**
   * Every entry of a window as `(logId, hash)`, a page at a time: only the hash is read
   * (`select`, with `recordedAt`, which the next page's cursor needs), and the caller folds each
   * page before the next one is fetched.
   */
  async *window(
    tenantId: string,
    startMs: number,
    endMs: number,
    pageSize: number,
  ): AsyncGenerator<Array<[string, string]>> {
    let after: QueryDocumentSnapshot | undefined;
    for (;;) {
      let q = this.logs
        .where('tenantId', '==', tenantId)
        .where('recordedAt', '>=', Timestamp.fromMillis(startMs))
        .where('recordedAt', '<', Timestamp.fromMillis(endMs))
        .orderBy('recordedAt', 'asc')
        .orderBy(FieldPath.documentId(), 'asc')
        .select('hash', 'recordedAt')
        .limit(pageSize);
      if (after) q = q.startAfter(after);
      const snap = await q.get();
      this.meter.query(snap.size);
      if (snap.size > 0) yield snap.docs.map((d) => [d.id, String(d.get('hash') ?? '')]);
      if (snap.size < pageSize) return;
      after = snap.docs[snap.docs.length - 1];
    }
  }

  /** How many entries a window holds now (one aggregation: a read per 1,000 entries). */
  async countWindow(tenantId: string, startMs: number, endMs: number): Promise<number> {
    const snap = await this.logs
      .where('tenantId', '==', tenantId)
      .where('recordedAt', '>=', Timestamp.fromMillis(startMs))
      .where('recordedAt', '<', Timestamp.fromMillis(endMs))
      .count()
      .get();
    const n = snap.data().count;
    this.meter.counted(n);
    return n;
  }

  /** Publishes a public key of the chain (create-only: a key id always names one key). */
  async publishKey(key: CheckpointKey): Promise<void> {
    this.meter.writes++;
    try {
      await this.db.collection(COLLECTIONS.checkpointKeys).doc(key.keyId).create(key);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  /** Every tenant id, paged by document id. */
  async tenantIds(): Promise<string[]> {
    const ids: string[] = [];
    let last: string | undefined;
    for (;;) {
      let q = this.db.collection(COLLECTIONS.tenants).orderBy(FieldPath.documentId()).select().limit(500);
      if (last) q = q.startAfter(last);
      const snap = await q.get();
      this.meter.query(snap.size);
      ids.push(...snap.docs.map((d) => d.id));
      if (snap.size < 500) return ids;
      last = snap.docs[snap.docs.length - 1]!.id;
    }
  }
}
