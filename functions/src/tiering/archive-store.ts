import { Timestamp, type DocumentData, type Firestore, type Transaction } from 'firebase-admin/firestore';
import {
  ArchiveError,
  archiveId,
  archiveRecordSchema,
  dayLeaseId,
  nextAction,
  type ArchiveRecord,
} from '../domain/archive';
import { COLLECTIONS } from '../store/collections';

/** Leases of (tenant, day): one writer of a day's archives at a time. Not part of the contract. */
export const LEASES_COLLECTION = 'audit_tiering_leases';

const INSTANT_FIELDS = ['createdAtMs', 'updatedAtMs', 'restoredUntilMs', 'purgedAtMs'] as const;

/**
 * `audit_archives` documents hold Timestamps (`createdAt`, `updatedAt`, ...) for the console, and
 * a `needsWork` flag so the job finds unfinished parts with one equality query.
 */
export function recordToDoc(record: ArchiveRecord): DocumentData {
  const doc: DocumentData = { ...record };
  for (const field of INSTANT_FIELDS) {
    delete doc[field];
    const ms = record[field];
    doc[field.slice(0, -2)] = ms === null ? null : Timestamp.fromMillis(ms);
  }
  doc.history = record.history.map((h) => ({ ...h, at: Timestamp.fromMillis(h.atMs) }));
  // "Not done" includes restored days on hold: the job looks at them and decides by the clock.
  doc.needsWork = nextAction(record, Number.NEGATIVE_INFINITY) !== 'done';
  return doc;
}

export function docToRecord(doc: DocumentData): ArchiveRecord {
  const plain: Record<string, unknown> = { ...doc };
  for (const field of INSTANT_FIELDS) {
    const ts = doc[field.slice(0, -2)] as Timestamp | null | undefined;
    plain[field] = ts ? ts.toMillis() : null;
    delete plain[field.slice(0, -2)];
  }
  plain.history = ((doc.history as Array<Record<string, unknown>> | undefined) ?? []).map((h) => {
    const { at: _at, ...rest } = h;
    return rest;
  });
  delete plain.needsWork;
  return archiveRecordSchema.parse(plain);
}

export class ArchiveStore {
  constructor(
    private readonly db: Firestore,
    /** Identifies this run; lease checks compare it. */
    readonly owner: string,
    private readonly leaseMs: number,
    private readonly clock: () => number,
  ) {}

  private archives() {
    return this.db.collection(COLLECTIONS.archives);
  }

  private lease(tenantId: string, date: string) {
    return this.db.collection(LEASES_COLLECTION).doc(dayLeaseId(tenantId, date));
  }

  /** Takes (or renews) the lease of a day; `lease_held` while another live run has it. */
  async acquire(tenantId: string, date: string, op: string): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      await this.checkLease(tx, tenantId, date, true);
      tx.set(this.lease(tenantId, date), this.leaseDoc(tenantId, date, op));
    });
  }

  async release(tenantId: string, date: string): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.lease(tenantId, date));
      if (snap.exists && snap.get('owner') === this.owner) tx.delete(snap.ref);
    });
  }

  private leaseDoc(tenantId: string, date: string, op: string): DocumentData {
    return { tenantId, date, op, owner: this.owner, expiresAt: Timestamp.fromMillis(this.clock() + this.leaseMs) };
  }

  private async checkLease(tx: Transaction, tenantId: string, date: string, acquiring: boolean): Promise<void> {
    const snap = await tx.get(this.lease(tenantId, date));
    if (!snap.exists) {
      if (acquiring) return;
      throw new ArchiveError('lease_held', `lease of ${tenantId} ${date} was lost`);
    }
    const owner = snap.get('owner') as string;
    const expires = (snap.get('expiresAt') as Timestamp).toMillis();
    if (owner !== this.owner && (expires > this.clock() || !acquiring)) {
      throw new ArchiveError('lease_held', `${tenantId} ${date} is being processed by another run (${owner})`);
    }
  }

  /** All parts of a day, by part number. */
  async parts(tenantId: string, date: string): Promise<ArchiveRecord[]> {
    const snap = await this.archives().where('tenantId', '==', tenantId).where('date', '==', date).get();
    return snap.docs.map((d) => docToRecord(d.data())).sort((a, b) => a.part - b.part);
  }

  /** Days of a tenant with parts that are not done (unfinished steps, missing events, restored days). */
  async unfinishedDays(tenantId: string): Promise<string[]> {
    const snap = await this.archives().where('tenantId', '==', tenantId).where('needsWork', '==', true).get();
    return [...new Set(snap.docs.map((d) => d.get('date') as string))].sort().reverse();
  }

  /**
   * Creates a new part (fails if the id exists) under the day's lease, renewing it. Creation is
   * the claim: two runs can never both write part n.
   */
  async create(record: ArchiveRecord): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      await this.checkLease(tx, record.tenantId, record.date, false);
      tx.create(this.archives().doc(archiveId(record.tenantId, record.date, record.part)), recordToDoc(record));
      tx.set(this.lease(record.tenantId, record.date), this.leaseDoc(record.tenantId, record.date, 'archive'));
    });
  }

  /** Saves a part's new state under the day's lease, renewing it; throws `lease_held` if the lease was lost. */
  async save(record: ArchiveRecord): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      await this.checkLease(tx, record.tenantId, record.date, false);
      tx.set(this.archives().doc(archiveId(record.tenantId, record.date, record.part)), recordToDoc(record));
      tx.set(this.lease(record.tenantId, record.date), this.leaseDoc(record.tenantId, record.date, 'archive'));
    });
  }

  /** Removes a part that never got a file (its day had no entries left by the time it was written). */
  async discard(record: ArchiveRecord): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      await this.checkLease(tx, record.tenantId, record.date, false);
      tx.delete(this.archives().doc(archiveId(record.tenantId, record.date, record.part)));
    });
  }

  /** Searchable parts of a tenant between two days (inclusive), newest day first. */
  async partsBetween(tenantId: string, oldest: string, newest: string): Promise<ArchiveRecord[]> {
    const snap = await this.archives()
      .where('tenantId', '==', tenantId)
      .where('date', '>=', oldest)
      .where('date', '<=', newest)
      .orderBy('date', 'desc')
      .get();
    return snap.docs.map((d) => docToRecord(d.data()));
  }

  /** Parts past cold retention (state `archived`, or a purge that stopped halfway). */
  async expired(beforeDate: string, tenantIds?: readonly string[]): Promise<ArchiveRecord[]> {
    const snap = await this.archives()
      .where('date', '<', beforeDate)
      .where('state', 'in', ['archived', 'purging'])
      .get();
    const all = snap.docs.map((d) => docToRecord(d.data()));
    return tenantIds ? all.filter((r) => tenantIds.includes(r.tenantId)) : all;
  }
}
