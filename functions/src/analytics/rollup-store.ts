import {
  RollupAccumulator,
  rollupId,
  type StoredDailyRollup,
  type RollupEntryView,
  type RollupFigures,
} from '@audit-log/model';
import { parseStoredDocument } from '@audit-log/model/stored-document';
import { dailyRollupSchema } from '@audit-log/model/stored-rollup';
import { Timestamp, type Firestore, type Query, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { dayBounds } from '../domain/archive';
import type { StoredRollupState } from '../domain/analytics';
import { COLLECTIONS } from '../store/collections';
import { isAlreadyExists, isFailedPrecondition } from '../store/write-errors';

/** The fields of an entry a rollup reads: `select` keeps each page small whatever the entries hold. */
const ROLLUP_FIELDS = ['eventType', 'category', 'level', 'outcome', 'actor', 'occurredAt'] as const;

export type StoredRollup = StoredDailyRollup;

/** Reads and writes `audit_rollups`, and reads a day of `audit_logs` for them. Server-only writes. */
export class RollupStore {
  /** Firestore reads and writes this store made (documents read, count pages, documents written). */
  readonly meter = { reads: 0, writes: 0 };

  constructor(
    readonly db: Firestore,
    readonly pageSize = 1000,
  ) {}

  private ref(tenantId: string, date: string) {
    return this.db.collection(COLLECTIONS.rollups).doc(rollupId(tenantId, date));
  }

  private dayQuery(tenantId: string, date: string): Query {
    const { startMs, endMs } = dayBounds(date);
    return this.db
      .collection(COLLECTIONS.logs)
      .where('tenantId', '==', tenantId)
      .where('occurredAt', '>=', Timestamp.fromMillis(startMs))
      .where('occurredAt', '<', Timestamp.fromMillis(endMs));
  }

  async read(tenantId: string, date: string): Promise<StoredRollup | null> {
    return (await this.readVersioned(tenantId, date)).rollup;
  }

  /** The rollup and the version it was read at, for a write that must not overwrite a newer one. */
  async readVersioned(
    tenantId: string,
    date: string,
  ): Promise<{ rollup: StoredRollup | null; version: Timestamp | null }> {
    const snap = await this.ref(tenantId, date).get();
    this.meter.reads++;
    // A malformed rollup throws StoredDocumentError naming the day and the field: the job reports
    // that day and goes on with the others rather than summing figures it cannot trust.
    const rollup = snap.exists ? parseStoredDocument(dailyRollupSchema, snap.ref.path, snap.data()) : null;
    return { rollup, version: snap.updateTime ?? null };
  }

  /** The version (update time) of a day's rollup document, null when there is none. */
  async versionOf(tenantId: string, date: string): Promise<Timestamp | null> {
    const snap = await this.ref(tenantId, date).get();
    this.meter.reads++;
    return snap.updateTime ?? null;
  }

  /**
   * Writes the rollup only if nobody changed it since `version` was read (null: only if it still
   * does not exist). Tiering may take a day over while the job reads it: then tiering's rollup
   * stands and this write is dropped (false); the next run looks at the day again.
   */
  async writeIfUnchanged(rollup: StoredRollup, version: Timestamp | null): Promise<boolean> {
    const ref = this.ref(rollup.tenantId, rollup.date);
    try {
      if (version === null) await ref.create(rollup);
      else await ref.update({ ...rollup }, { lastUpdateTime: version });
      this.meter.writes++;
      return true;
    } catch (err) {
      if (isAlreadyExists(err) || isFailedPrecondition(err)) return false;
      throw err;
    }
  }

  static state(r: StoredRollup | null): StoredRollupState | null {
    return r ? { final: r.final, entries: r.entries, archived: r.archived } : null;
  }

  /** Entries of the day in Firestore, by a count aggregation (billed one read per 1,000). */
  async warmCount(tenantId: string, date: string): Promise<number> {
    const snap = await this.dayQuery(tenantId, date).count().get();
    const count = snap.data().count;
    this.meter.reads += Math.max(1, Math.ceil(count / 1000));
    return count;
  }

  /** True once tiering began deleting any part of the day (its warm entries are no longer all of it). */
  async archiveStarted(tenantId: string, date: string): Promise<boolean> {
    const snap = await this.db
      .collection(COLLECTIONS.archives)
      .where('tenantId', '==', tenantId)
      .where('date', '==', date)
      .get();
    this.meter.reads += Math.max(1, snap.size);
    return snap.docs.some((d) => DELETION_STATES.has(d.get('state') as string));
  }

  /**
   * Streams the day's warm entries, page by page on the `(tenantId, occurredAt desc)` index with
   * the last document as cursor, calling `each` with every entry's id and fields; memory stays one page.
   */
  async forEachEntry(
    tenantId: string,
    date: string,
    each: (logId: string, entry: RollupEntryView) => void,
  ): Promise<number> {
    let seen = 0;
    let last: QueryDocumentSnapshot | undefined;
    for (;;) {
      let q = this.dayQuery(tenantId, date)
        .orderBy('occurredAt', 'desc')
        .select(...ROLLUP_FIELDS)
        .limit(this.pageSize);
      if (last !== undefined) q = q.startAfter(last);
      const snap = await q.get();
      this.meter.reads += Math.max(1, snap.size);
      for (const doc of snap.docs) each(doc.id, doc.data() as RollupEntryView);
      seen += snap.size;
      if (snap.size < this.pageSize) return seen;
      last = snap.docs[snap.docs.length - 1]!;
    }
  }

  /** Reads the whole warm day once into fresh figures. */
  async computeFigures(tenantId: string, date: string): Promise<RollupFigures> {
    const acc = new RollupAccumulator();
    await this.forEachEntry(tenantId, date, (_, e) => acc.add(e));
    return acc.result();
  }

  async write(rollup: StoredRollup): Promise<void> {
    await this.ref(rollup.tenantId, rollup.date).set(rollup);
    this.meter.writes++;
  }

  /** Marks that tiering took the day over. */
  async markArchived(tenantId: string, date: string): Promise<void> {
    await this.ref(tenantId, date).update({ archived: true });
    this.meter.writes++;
  }

  async setUncounted(tenantId: string, date: string, uncounted: number): Promise<void> {
    await this.ref(tenantId, date).update({ uncounted });
    this.meter.writes++;
  }
}

/** Archive states in which some of the part's entries may be gone from Firestore. */
export const DELETION_STATES: ReadonlySet<string> = new Set([
  'deleting',
  'archived',
  'restoring',
  'restored',
  'purging',
  'purged',
]);

/** A rollup document from fresh figures. */
export function rollupDoc(
  tenantId: string,
  date: string,
  figures: RollupFigures,
  opts: { final: boolean; archived: boolean; computedAt: Date; lateLogIds?: string[]; uncounted?: number },
): StoredRollup {
  return {
    tenantId,
    date,
    final: opts.final,
    archived: opts.archived,
    computedAt: Timestamp.fromDate(opts.computedAt),
    lateLogIds: opts.lateLogIds ?? [],
    uncounted: opts.uncounted ?? 0,
    ...figures,
  };
}
