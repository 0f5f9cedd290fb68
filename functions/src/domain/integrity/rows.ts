import { CheckpointLeaves, leafOf } from './leaves';

/**
 * What an archive manifest says about one checkpoint whose window holds some of its rows: the
 * checkpoint as signed (id, seq, window, count, root) and how many of the part's rows lie in it.
 */
export interface CheckpointRef {
  id: string;
  seq: number;
  /** ISO instants with milliseconds, window `[windowStart, windowEnd)` by `recordedAt`. */
  windowStart: string;
  windowEnd: string;
  count: number;
  merkleRoot: string;
}

/** A row as far as the checkpoint chain cares: its id, its hash and when it was recorded. */
export interface CheckpointedRow {
  logId: string;
  hash: string;
  /** ISO instant, with milliseconds or microseconds. */
  recordedAt: string;
}

export interface CheckpointRowRoot {
  id: string;
  /** Rows that fall in the checkpoint's window. */
  rows: number;
  /** Root over those rows' leaves (the checkpoint's own leaf order). */
  root: string;
  /** The rows are as many as the checkpoint counted, so `root` must be its root. */
  complete: boolean;
  /** `complete` and the roots agree. */
  rootMatches: boolean;
}

export interface CheckpointRowRoots {
  checkpoints: CheckpointRowRoot[];
  /** Rows in no listed checkpoint's window (first few ids, and how many in all). */
  outside: string[];
  outsideCount: number;
}

/** ISO instant → microsecond ISO (same width for every instant, so strings compare as times). */
export function isoMicros(iso: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(iso)) return `${iso.slice(0, 23)}000Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(iso)) return iso;
  return `${new Date(Date.parse(iso)).toISOString().slice(0, 23)}000Z`;
}

/**
 * Folds rows into the checkpoints whose windows hold them. Rows arrive in any order and in
 * batches; each checkpoint keeps 32 bytes per row, never the rows.
 */
export class CheckpointRowFold {
  private readonly windows: Array<{ ref: CheckpointRef; start: string; end: string; leaves: CheckpointLeaves }>;
  private readonly outside: string[] = [];
  private outsideCount = 0;

  constructor(checkpoints: readonly CheckpointRef[]) {
    this.windows = [...checkpoints]
      .map((ref) => ({
        ref,
        start: isoMicros(ref.windowStart),
        end: isoMicros(ref.windowEnd),
        leaves: new CheckpointLeaves(),
      }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** The checkpoint whose window holds `recordedAt`, or undefined (binary search; windows do not overlap). */
  checkpointOf(recordedAt: string): CheckpointRef | undefined {
    return this.windowOf(isoMicros(recordedAt))?.ref;
  }

  private windowOf(t: string) {
    let lo = 0;
    let hi = this.windows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = this.windows[mid]!;
      if (t < w.start) hi = mid - 1;
      else if (t >= w.end) lo = mid + 1;
      else return w;
    }
    return undefined;
  }

  add(row: CheckpointedRow): void {
    const w = this.windowOf(isoMicros(row.recordedAt));
    if (!w) {
      this.outsideCount++;
      if (this.outside.length < 5) this.outside.push(row.logId);
      return;
    }
    w.leaves.add(row.logId, row.hash);
  }

  finish(): CheckpointRowRoots {
    return {
      checkpoints: this.windows.map(({ ref, leaves }) => {
        const root = leaves.root();
        const complete = leaves.count === ref.count;
        return { id: ref.id, rows: leaves.count, root, complete, rootMatches: complete && root === ref.merkleRoot };
      }),
      outside: this.outside,
      outsideCount: this.outsideCount,
    };
  }
}

/**
 * The Merkle root of the given rows inside each checkpoint's window, as that checkpoint computes
 * it. Where a checkpoint's entries are all among the rows (`complete`), the root must be the
 * signed one; otherwise the rest of its entries live elsewhere (another archived day, or still
 * in Firestore), and the rows can only be checked one by one against its leaves.
 */
export function checkpointRootsOfRows(
  rows: Iterable<CheckpointedRow>,
  checkpoints: readonly CheckpointRef[],
): CheckpointRowRoots {
  const fold = new CheckpointRowFold(checkpoints);
  for (const row of rows) fold.add(row);
  return fold.finish();
}

/** Leaf values (hex) of a checkpoint's leaves file, to check rows of a partly covered window. */
export function leafSetOf(leaves: ReadonlyArray<readonly [string, string]>): Set<string> {
  return new Set(leaves.map(([logId, hash]) => leafOf(logId, hash)));
}
