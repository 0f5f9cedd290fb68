// A stream's position in its tenant's entries. Entries are read in `(recordedAt, logId)` order:
// `recordedAt` alone is not unique (many entries share a millisecond), the log id breaks ties, and
// the pair is what a Firestore range query orders and starts after. The cursor moves only after
// the sink acknowledged a batch, so a crash between the two re-sends the batch: at least once,
// never a gap.

/** Where an entry sits in the stream's order. */
export interface EntryPosition {
  /** `recordedAt` in milliseconds since the epoch. */
  recordedAtMs: number;
  logId: string;
}

/**
 * The durable position of a stream. With a `logId`, the next batch starts strictly after the
 * pair; with `logId: null` (a new stream, or a replay), it starts at `recordedAtMs` inclusive.
 */
export interface SinkCursor {
  recordedAtMs: number;
  logId: string | null;
}

/**
 * How long an entry's `recordedAt` must lie in the past before a stream reads it. Ingest takes
 * `recordedAt` from its clock just before its `create()` commits, so an entry can become visible
 * after an entry with a later `recordedAt` that committed first. A cursor that ran past the later
 * entry would skip the earlier one forever; reading only up to `now - settle` leaves every commit
 * that takes less than this long its place in the order. See docs/streams.md.
 */
export const DEFAULT_SETTLE_MS = 15_000;

/** Negative when `a` comes first in the stream's order, positive when `b` does, 0 when the same. */
export function comparePositions(a: EntryPosition, b: EntryPosition): number {
  if (a.recordedAtMs !== b.recordedAtMs) return a.recordedAtMs - b.recordedAtMs;
  return a.logId < b.logId ? -1 : a.logId > b.logId ? 1 : 0;
}

/** True when the entry at `position` is still to be delivered by a stream at `cursor`. */
export function isAfterCursor(position: EntryPosition, cursor: SinkCursor): boolean {
  if (cursor.logId === null) return position.recordedAtMs >= cursor.recordedAtMs;
  return comparePositions(position, { recordedAtMs: cursor.recordedAtMs, logId: cursor.logId }) > 0;
}

/** The cursor after a delivered batch: just past its last entry. */
export function cursorAfter(last: EntryPosition): SinkCursor {
  return { recordedAtMs: last.recordedAtMs, logId: last.logId };
}

/** The cursor of a replay from `fromMs`: every entry recorded at or after it is sent again. */
export function replayCursor(fromMs: number): SinkCursor {
  return { recordedAtMs: fromMs, logId: null };
}

/** The newest `recordedAt` (inclusive, ms) a run at `nowMs` may read. */
export function readHorizonMs(nowMs: number, settleMs: number = DEFAULT_SETTLE_MS): number {
  return nowMs - settleMs;
}

/**
 * Why a batch read from the store cannot be sent (an empty list when it can): every entry must
 * lie after the cursor, within the horizon, and in strictly increasing order. The store query
 * promises all three; this check keeps a wrong query or index from ever sending entries out of
 * order or twice within a batch.
 */
export function batchOrderProblems(
  positions: readonly EntryPosition[],
  cursor: SinkCursor,
  horizonMs: number,
): string[] {
  const problems: string[] = [];
  positions.forEach((p, i) => {
    if (!isAfterCursor(p, cursor)) problems.push(`entry ${p.logId} is not after the cursor`);
    if (p.recordedAtMs > horizonMs) problems.push(`entry ${p.logId} is newer than the read horizon`);
    const prev = positions[i - 1];
    if (prev !== undefined && comparePositions(prev, p) >= 0) problems.push(`entry ${p.logId} is out of order`);
  });
  return problems;
}

/**
 * The stream's lag as the health view shows it: 0 when the last run found nothing more to send,
 * otherwise how far the cursor trails the read horizon.
 */
export function lagMsOf(cursor: SinkCursor, horizonMs: number, caughtUp: boolean): number {
  if (caughtUp) return 0;
  return Math.max(0, horizonMs - cursor.recordedAtMs);
}
