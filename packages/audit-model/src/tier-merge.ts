/**
 * One search over two tiers: the warm entries (Firestore) and the archived ones (Parquet), each
 * already ordered newest first (`occurredAt desc`, then `logId desc`, the order of every query of
 * `audit_logs` and of cold search), merged into one order with one cursor. Pure and zod-free: the
 * console bundles it and the export worker uses it too.
 *
 * A day that is restored is in both tiers for a moment (its parts are `restoring` while its
 * entries are written back, and cold search still reads them). The same entry then comes from both
 * sides with the same position; the warm copy wins, because it carries live review state and is
 * what entry detail and review act on. The archived copy is dropped, so no entry is listed twice.
 */

/** The tier an entry was read from. */
export type Tier = 'hot' | 'cold';

/** Where an entry sits in the newest-first order. */
export interface TierPosition {
  /** `occurredAt` in epoch milliseconds (every instant this system writes has milliseconds). */
  readonly atMs: number;
  readonly logId: string;
}

/** Negative when `a` comes first (is newer), positive when `b` does, 0 for the same position. */
export function compareNewestFirst(a: TierPosition, b: TierPosition): number {
  if (a.atMs !== b.atMs) return b.atMs - a.atMs;
  if (a.logId === b.logId) return 0;
  return a.logId < b.logId ? 1 : -1;
}

/** One page of one tier: rows newest first, and where its next page starts (null: no more). */
export interface TierPage<T, C> {
  readonly rows: readonly T[];
  readonly next: C | null;
}

/** Reads the page of a tier after `after` (null: its first page). */
export type TierReader<T, C> = (after: C | null) => Promise<TierPage<T, C>>;

/**
 * One tier's side of a merged cursor: rows read but not yet handed out, and where that tier's
 * next page starts. `done` once the tier has no page left (or takes no part in the search).
 */
export interface TierSide<T, C> {
  readonly buffer: readonly T[];
  readonly next: C | null;
  readonly done: boolean;
}

/** The merged search's one cursor: the position of each tier. */
export interface MergedCursor<T, HC, CC> {
  readonly hot: TierSide<T, HC>;
  readonly cold: TierSide<T, CC>;
}

/** A merged row: the entry and the tier it came from. */
export interface TieredRow<T> {
  readonly row: T;
  readonly tier: Tier;
}

export interface MergedPage<T, HC, CC> {
  readonly rows: readonly TieredRow<T>[];
  /** Null when both tiers are exhausted. */
  readonly next: MergedCursor<T, HC, CC> | null;
}

export interface MergeTiersOptions<T, HC, CC> {
  readonly hot: TierReader<T, HC>;
  /** Left out when no archived day is in the range: the cold tier is never asked. */
  readonly cold?: TierReader<T, CC> | undefined;
  readonly positionOf: (row: T) => TierPosition;
  readonly pageSize: number;
  /**
   * Every archived row is older than this instant (epoch ms): the end of the newest archived day
   * in range. Warm rows at or after it are handed out without asking the cold tier, so a page that
   * recent warm rows fill costs no archive read at all.
   */
  readonly coldBeforeMs?: number | undefined;
}

/** The cursor of a search that has not started: each tier reads from its first page. */
export function startCursor<T, HC, CC>(withCold: boolean): MergedCursor<T, HC, CC> {
  return {
    hot: { buffer: [], next: null, done: false },
    cold: { buffer: [], next: null, done: !withCold },
  };
}

/** A bound on reads per side and page: a tier that keeps answering empty pages with a cursor
 *  (cold search stops at its day budget on days without matches) cannot spin forever. */
const MAX_EMPTY_READS = 64;

async function refill<T, C>(side: TierSide<T, C>, read: TierReader<T, C> | undefined): Promise<TierSide<T, C>> {
  let current = side;
  for (let reads = 0; current.buffer.length === 0 && !current.done; reads++) {
    if (!read) return { buffer: [], next: null, done: true };
    if (reads >= MAX_EMPTY_READS) return current;
    const page = await read(current.next);
    current = { buffer: [...page.rows], next: page.next, done: page.next === null };
  }
  return current;
}

/**
 * The next page of the merged search after `cursor` (null: the first page). Each tier is read only
 * when its buffered rows run out, and both are read at once when both do, so the first page of a
 * hot+cold search costs one query of each, concurrently; with `coldBeforeMs`, the cold tier is read
 * only once the warm rows reach back to the archived days. Rows are handed out strictly newest first
 * across tiers; ties on `occurredAt` are broken by `logId`, as within each tier.
 */
export async function mergeTiers<T, HC, CC>(
  options: MergeTiersOptions<T, HC, CC>,
  cursor: MergedCursor<T, HC, CC> | null,
): Promise<MergedPage<T, HC, CC>> {
  let { hot, cold } = cursor ?? startCursor<T, HC, CC>(options.cold !== undefined);
  const rows: TieredRow<T>[] = [];
  const bound = options.coldBeforeMs;
  // The cold tier matters for the next row only when the warm head is not provably newer than it.
  const coldMatters = (head: T | undefined) =>
    bound === undefined || head === undefined || options.positionOf(head).atMs < bound;
  while (rows.length < options.pageSize) {
    const hotEmpty = hot.buffer.length === 0 && !hot.done;
    const coldEmpty = cold.buffer.length === 0 && !cold.done;
    if (hotEmpty && coldEmpty && bound === undefined) {
      [hot, cold] = await Promise.all([refill(hot, options.hot), refill(cold, options.cold)]);
    } else {
      if (hotEmpty) hot = await refill(hot, options.hot);
      if (cold.buffer.length === 0 && !cold.done && coldMatters(hot.buffer[0])) cold = await refill(cold, options.cold);
    }
    const h = hot.buffer[0];
    const c = cold.buffer[0];
    if ((h === undefined && !hot.done) || (c === undefined && !cold.done && coldMatters(h))) {
      // A tier hit its read bound with a cursor left: stop here, the next page resumes it.
      return { rows, next: { hot, cold } };
    }
    if (h === undefined && c === undefined) break;
    const order =
      h === undefined ? 1 : c === undefined ? -1 : compareNewestFirst(options.positionOf(h), options.positionOf(c));
    if (order <= 0) {
      rows.push({ row: h!, tier: 'hot' });
      hot = { ...hot, buffer: hot.buffer.slice(1) };
      // The same entry in both tiers (a day being restored): the warm copy was taken, drop the other.
      if (order === 0) cold = { ...cold, buffer: cold.buffer.slice(1) };
    } else {
      rows.push({ row: c!, tier: 'cold' });
      cold = { ...cold, buffer: cold.buffer.slice(1) };
    }
  }
  const exhausted = hot.done && cold.done && hot.buffer.length === 0 && cold.buffer.length === 0;
  return { rows, next: exhausted ? null : { hot, cold } };
}
