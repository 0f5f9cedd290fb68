import { describe, expect, it } from 'vitest';
import {
  compareNewestFirst,
  mergeTiers,
  type MergedCursor,
  type MergedPage,
  type TierPage,
  type TierReader,
  type TieredRow,
} from './tier-merge';

interface Row {
  logId: string;
  atMs: number;
}

const positionOf = (r: Row) => ({ atMs: r.atMs, logId: r.logId });

/** A tier over a sorted array, paged by index, counting its reads. */
function tier(rows: Row[], pageSize: number): { read: TierReader<Row, number>; reads: () => number } {
  const sorted = [...rows].sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));
  let reads = 0;
  return {
    read: (after) => {
      reads++;
      const start = after ?? 0;
      const page: TierPage<Row, number> = {
        rows: sorted.slice(start, start + pageSize),
        next: start + pageSize < sorted.length ? start + pageSize : null,
      };
      return Promise.resolve(page);
    },
    reads: () => reads,
  };
}

const row = (logId: string, atMs: number): Row => ({ logId, atMs });

/** Every page of a merged search, in order. */
async function all(
  hot: TierReader<Row, number>,
  cold: TierReader<Row, number> | undefined,
  pageSize: number,
): Promise<{ pages: TieredRow<Row>[][]; rows: TieredRow<Row>[] }> {
  const pages: TieredRow<Row>[][] = [];
  let cursor: MergedCursor<Row, number, number> | null = null;
  do {
    const page: MergedPage<Row, number, number> = await mergeTiers({ hot, cold, positionOf, pageSize }, cursor);
    pages.push([...page.rows]);
    cursor = page.next;
  } while (cursor !== null && pages.length < 100);
  return { pages, rows: pages.flat() };
}

describe('compareNewestFirst', () => {
  it('orders by time descending, then by log id descending', () => {
    expect(compareNewestFirst({ atMs: 2, logId: 'a' }, { atMs: 1, logId: 'z' })).toBeLessThan(0);
    expect(compareNewestFirst({ atMs: 1, logId: 'b' }, { atMs: 1, logId: 'a' })).toBeLessThan(0);
    expect(compareNewestFirst({ atMs: 1, logId: 'a' }, { atMs: 1, logId: 'b' })).toBeGreaterThan(0);
    expect(compareNewestFirst({ atMs: 1, logId: 'a' }, { atMs: 1, logId: 'a' })).toBe(0);
  });
});

describe('mergeTiers', () => {
  it('interleaves both tiers newest first and marks each row with its tier', async () => {
    const hot = tier([row('h1', 50), row('h2', 30), row('h3', 10)], 10);
    const cold = tier([row('c1', 40), row('c2', 20), row('c3', 5)], 10);
    const { rows } = await all(hot.read, cold.read, 10);
    expect(rows.map((r) => `${r.tier}:${r.row.logId}`)).toEqual([
      'hot:h1',
      'cold:c1',
      'hot:h2',
      'cold:c2',
      'hot:h3',
      'cold:c3',
    ]);
  });

  it('breaks ties on occurredAt by log id, across tiers', async () => {
    const hot = tier([row('b', 10), row('d', 10)], 10);
    const cold = tier([row('a', 10), row('c', 10), row('e', 10)], 10);
    const { rows } = await all(hot.read, cold.read, 10);
    expect(rows.map((r) => r.row.logId)).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('pages across the tier boundary without losing or repeating a row', async () => {
    // Warm days are newer than archived ones: the first pages are hot, later ones cold.
    const hotRows = Array.from({ length: 23 }, (_, i) => row(`h${String(i).padStart(2, '0')}`, 1_000 - i));
    const coldRows = Array.from({ length: 17 }, (_, i) => row(`c${String(i).padStart(2, '0')}`, 500 - i));
    const hot = tier(hotRows, 7);
    const cold = tier(coldRows, 5);
    const { pages, rows } = await all(hot.read, cold.read, 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10]);
    expect(rows.map((r) => r.row.logId)).toEqual([...hotRows, ...coldRows].map((r) => r.logId));
    expect(new Set(rows.map((r) => r.row.logId)).size).toBe(40);
    // The page that crosses the boundary holds the last warm rows and the first archived ones.
    expect(pages[2]!.map((r) => r.tier)).toEqual([
      'hot',
      'hot',
      'hot',
      'cold',
      'cold',
      'cold',
      'cold',
      'cold',
      'cold',
      'cold',
    ]);
  });

  it('keeps the warm copy of an entry that is in both tiers (a day being restored)', async () => {
    const hot = tier([row('x', 30), row('same', 20), row('y', 10)], 2);
    const cold = tier([row('same', 20), row('old', 5)], 2);
    const { rows } = await all(hot.read, cold.read, 2);
    expect(rows.map((r) => `${r.tier}:${r.row.logId}`)).toEqual(['hot:x', 'hot:same', 'hot:y', 'cold:old']);
  });

  it('never reads the cold tier when no archived day is in range', async () => {
    const hot = tier([row('h1', 3), row('h2', 2), row('h3', 1)], 2);
    const { rows, pages } = await all(hot.read, undefined, 2);
    expect(rows.map((r) => r.row.logId)).toEqual(['h1', 'h2', 'h3']);
    expect(rows.every((r) => r.tier === 'hot')).toBe(true);
    expect(pages.length).toBe(2);
    expect(hot.reads()).toBe(2);
  });

  it('reads each tier once for a first page both can fill', async () => {
    const hot = tier(
      Array.from({ length: 50 }, (_, i) => row(`h${i}`, 1000 - i * 2)),
      20,
    );
    const cold = tier(
      Array.from({ length: 50 }, (_, i) => row(`c${i}`, 999 - i * 2)),
      20,
    );
    const page = await mergeTiers({ hot: hot.read, cold: cold.read, positionOf, pageSize: 20 }, null);
    expect(page.rows.length).toBe(20);
    expect(hot.reads()).toBe(1);
    expect(cold.reads()).toBe(1);
    expect(page.next).not.toBeNull();
  });

  it('goes on through cold pages that come back empty with a cursor (a day budget reached)', async () => {
    let calls = 0;
    const cold: TierReader<Row, number> = (after) => {
      calls++;
      const n = after ?? 0;
      return Promise.resolve(n < 3 ? { rows: [], next: n + 1 } : { rows: [row('found', 1)], next: null });
    };
    const hot = tier([row('h', 100)], 10);
    const { rows } = await all(hot.read, cold, 10);
    expect(rows.map((r) => r.row.logId)).toEqual(['h', 'found']);
    expect(calls).toBe(4);
  });

  it('returns an empty last page with no cursor when nothing matches', async () => {
    const page = await mergeTiers({ hot: tier([], 5).read, cold: tier([], 5).read, positionOf, pageSize: 5 }, null);
    expect(page).toEqual({ rows: [], next: null });
  });

  it('does not read the archive while warm rows newer than every archived day fill the page', async () => {
    const hot = tier(
      Array.from({ length: 30 }, (_, i) => row(`h${i}`, 1000 - i)),
      10,
    );
    const cold = tier([row('c1', 500), row('c2', 400)], 10);
    const options = { hot: hot.read, cold: cold.read, positionOf, pageSize: 10, coldBeforeMs: 600 };
    const first: MergedPage<Row, number, number> = await mergeTiers(options, null);
    expect(first.rows.every((r) => r.tier === 'hot')).toBe(true);
    expect(cold.reads()).toBe(0);
    let cursor = first.next;
    const rest: TieredRow<Row>[] = [];
    while (cursor) {
      const page: MergedPage<Row, number, number> = await mergeTiers(options, cursor);
      rest.push(...page.rows);
      cursor = page.next;
    }
    expect([...first.rows, ...rest].map((r) => r.row.logId)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `h${i}`),
      'c1',
      'c2',
    ]);
    expect(cold.reads()).toBe(1);
  });

  it('with the bound, still merges warm rows older than it (late events) in time order', async () => {
    const hot = tier([row('new', 900), row('late', 450), row('later', 300)], 10);
    const cold = tier([row('c1', 500), row('c2', 400)], 10);
    const { rows } = await all(hot.read, cold.read, 10);
    const bounded: MergedPage<Row, number, number> = await mergeTiers(
      { hot: hot.read, cold: cold.read, positionOf, pageSize: 10, coldBeforeMs: 600 },
      null,
    );
    expect(bounded.rows.map((r) => r.row.logId)).toEqual(rows.map((r) => r.row.logId));
    expect(bounded.rows.map((r) => r.row.logId)).toEqual(['new', 'c1', 'late', 'c2', 'later']);
  });
});
