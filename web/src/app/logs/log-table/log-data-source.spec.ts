import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ListRange } from '@angular/cdk/collections';
import type { AuditLogEntry } from '../../core/audit-model';
import type { LogPage, LogReader, PageCursor } from '../../core/firestore/log-repository';
import { emptyFilter } from '../filters/log-filter';
import type { LogQueryPlan } from '../query/log-query';
import type { ColdOpening } from './archive-reach';
import type { ColdTier } from './archive-tier';
import { LogDataSource, mergeNewest } from './log-data-source';

const scope = { tenantId: 'tenant-a' };
const now = new Date('2026-05-01T12:00:00Z');

function entry(n: number, at = new Date(now.getTime() - n * 1000)): AuditLogEntry {
  return { logId: `log-${n}`, occurredAt: at, eventType: 'repo.created' } as AuditLogEntry;
}

/** In-memory reader over a fixed, newest-first list; pages are answered when `release()` is called. */
class FakeReader implements LogReader {
  readonly plans: LogQueryPlan[] = [];
  readonly pending: Array<() => void> = [];
  tail: ((entries: AuditLogEntry[]) => void) | null = null;
  tailPlan: LogQueryPlan | null = null;
  failWith: Error | null = null;

  constructor(private readonly all: AuditLogEntry[]) {}

  page(plan: LogQueryPlan, cursor: PageCursor | null): Promise<LogPage> {
    this.plans.push(plan);
    const start = cursor ? (cursor as { opaque: number }).opaque : 0;
    const limit = plan.limit ?? this.all.length;
    return new Promise((resolve, reject) => {
      this.pending.push(() => {
        if (this.failWith) return reject(this.failWith);
        const entries = this.all.slice(start, start + limit);
        const end = start + entries.length;
        resolve({ entries, next: end < this.all.length ? { opaque: end } : null });
      });
    });
  }

  watch(plan: LogQueryPlan, onAdded: (entries: AuditLogEntry[]) => void): () => void {
    this.tailPlan = plan;
    this.tail = onAdded;
    return () => {
      this.tail = null;
    };
  }

  async release(): Promise<void> {
    this.pending.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  }
}

function viewer(): { viewChange: Subject<ListRange> } {
  return { viewChange: new Subject<ListRange>() };
}

describe('LogDataSource', () => {
  it('loads pages by cursor as the viewport nears the end, and stops at the last page', async () => {
    const reader = new FakeReader(Array.from({ length: 250 }, (_, i) => entry(i)));
    const source = new LogDataSource(reader, () => now, 100);
    const v = viewer();
    source.connect(v);
    source.query(emptyFilter(), scope);
    expect(source.loading()).toBe(true);
    await reader.release();
    expect(source.rows()).toHaveLength(100);
    expect(source.firstPageMs()).not.toBeNull();
    expect(reader.plans[0]?.where[0]).toEqual({ field: 'tenantId', op: '==', value: 'tenant-a' });

    v.viewChange.next({ start: 0, end: 20 });
    expect(reader.pending).toHaveLength(0);
    v.viewChange.next({ start: 30, end: 60 });
    await reader.release();
    expect(source.rows()).toHaveLength(200);
    v.viewChange.next({ start: 150, end: 190 });
    await reader.release();
    expect(source.rows()).toHaveLength(250);
    expect(source.exhausted()).toBe(true);
    v.viewChange.next({ start: 220, end: 250 });
    expect(reader.pending).toHaveLength(0);
    expect(source.rows().map((r) => r.logId)).toEqual(Array.from({ length: 250 }, (_, i) => `log-${i}`));
  });

  it('discards a page that arrives after the filter changed', async () => {
    const reader = new FakeReader([entry(1), entry(2)]);
    const source = new LogDataSource(reader, () => now, 100);
    source.connect(viewer());
    source.query(emptyFilter(), scope);
    source.query(emptyFilter({ levels: ['ERROR'] }), scope);
    expect(reader.plans).toHaveLength(2);
    await reader.release(); // the first, stale answer
    expect(source.rows()).toEqual([]);
    expect(source.loading()).toBe(true);
    await reader.release();
    expect(source.rows()).toHaveLength(2);
    expect(source.loading()).toBe(false);
  });

  it('shows a refused plan without querying', () => {
    const reader = new FakeReader([]);
    const source = new LogDataSource(reader, () => now, 100);
    source.query(emptyFilter({ actorId: 'u', keyword: 'x' }), scope);
    expect(reader.plans).toHaveLength(0);
    expect(source.problem()).toMatchObject({ kind: 'plan', error: { code: 'unsupported_combination' } });
  });

  it('turns a denied query into a clear problem instead of an empty table', async () => {
    const reader = new FakeReader([entry(1)]);
    reader.failWith = Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' });
    const source = new LogDataSource(reader, () => now, 100);
    source.query(emptyFilter(), scope);
    await reader.release();
    expect(source.problem()).toMatchObject({
      kind: 'firestore',
      error: { code: 'permission-denied', title: 'Access denied' },
    });
    expect(source.exhausted()).toBe(true);
  });

  it('streams new entries to the top with the live tail, once each', async () => {
    const reader = new FakeReader([entry(10), entry(20)]);
    const source = new LogDataSource(reader, () => now, 100);
    source.query(emptyFilter(), scope);
    await reader.release();
    source.setLiveTail(true);
    expect(reader.tailPlan?.where).toContainEqual({ field: 'occurredAt', op: '>', value: entry(10).occurredAt });
    const fresh = entry(0, new Date(now.getTime() + 5000));
    reader.tail?.([fresh]);
    reader.tail?.([fresh]);
    expect(source.rows().map((r) => r.logId)).toEqual(['log-0', 'log-10', 'log-20']);
    expect(source.tailed()).toBe(1);
    source.setLiveTail(false);
    expect(reader.tail).toBeNull();
  });

  it('merges out-of-order arrivals into time order', () => {
    const merged = mergeNewest([entry(5)], [entry(1), entry(9)]);
    expect(merged.map((e) => e.logId)).toEqual(['log-1', 'log-5', 'log-9']);
  });

  describe('with archived days in range', () => {
    const tick = () => new Promise((r) => setTimeout(r, 0));
    /** A cold tier answering from a fixed list, one page, counting how often it was asked. */
    function coldTier(opening: (archived: AuditLogEntry[]) => ColdOpening, archived: AuditLogEntry[]) {
      const asked: string[] = [];
      const tier: ColdTier = {
        open: (filter) => {
          asked.push(filter.range.preset);
          return Promise.resolve(opening(archived));
        },
      };
      return { tier, asked };
    }

    it('merges archived entries into the warm ones, newest first, marked as archived', async () => {
      const warm = [entry(1), entry(3)];
      const old = [
        { ...entry(2), logId: 'arch-2', archived: true },
        { ...entry(4), logId: 'arch-4', archived: true },
      ];
      const archive = { queryId: 'query-0000000000000001', request: { pageSize: 100 } };
      const { tier } = coldTier(
        (rows) => ({
          kind: 'read',
          read: () => Promise.resolve({ rows, next: null }),
          coldBeforeMs: now.getTime(),
          archive,
        }),
        old,
      );
      const reader = new FakeReader(warm);
      const source = new LogDataSource(reader, () => now, 100, tier);
      source.query(emptyFilter({ range: { preset: 'all' } }), scope);
      await tick(); // the archive is asked before the first warm page
      await reader.release();
      await new Promise((r) => setTimeout(r, 0));
      expect(source.rows().map((r) => [r.logId, r.archived === true])).toEqual([
        ['log-1', false],
        ['arch-2', true],
        ['log-3', false],
        ['arch-4', true],
      ]);
      expect(source.withArchive()).toBe(true);
      expect(source.exhausted()).toBe(true);
      // The query's archive side, for its one access record; a new query forgets it.
      expect(source.archiveQuery()).toEqual(archive);
      source.query(emptyFilter({ range: { preset: '24h' } }), scope);
      expect(source.archiveQuery()).toBeNull();
    });

    it('says which filter keeps archived days out, and still shows the warm entries', async () => {
      const { tier } = coldTier(() => ({ kind: 'skipped', reasons: ['Review status: is not kept in archives'] }), []);
      const reader = new FakeReader([entry(1)]);
      const source = new LogDataSource(reader, () => now, 100, tier);
      source.query(emptyFilter({ range: { preset: 'all' } }), scope);
      await tick(); // the archive is asked before the first warm page
      await reader.release();
      await new Promise((r) => setTimeout(r, 0));
      expect(source.rows().map((r) => r.logId)).toEqual(['log-1']);
      expect(source.withArchive()).toBe(false);
      expect(source.archiveLeftOut()).toEqual(['Review status: is not kept in archives']);
    });

    it('asks the archive once per search, not once per page', async () => {
      const { tier, asked } = coldTier(() => ({ kind: 'none' }), []);
      const reader = new FakeReader(Array.from({ length: 30 }, (_, i) => entry(i)));
      const source = new LogDataSource(reader, () => now, 10, tier);
      source.query(emptyFilter(), scope);
      await tick(); // the archive is asked before the first warm page
      await reader.release();
      await new Promise((r) => setTimeout(r, 0));
      void source.loadNext();
      await tick(); // the archive is asked before the first warm page
      await reader.release();
      await new Promise((r) => setTimeout(r, 0));
      expect(source.rows()).toHaveLength(20);
      expect(asked).toEqual(['7d']);
    });
  });
});
