import { covers, mergeRanges, rangesOf, uncovered, type SequenceRange } from './ranges';

/**
 * A missing range of one producer stream. `pending` while it may still arrive (within the
 * tenant's grace period), `open` once reported, `closed` when every number in it arrived later.
 */
export interface StreamGap extends SequenceRange {
  /** When the detector first saw the range missing (ISO 8601). */
  firstSeenAt: string;
  /** When it was reported as an audit entry; null while pending. */
  reportedAt: string | null;
  /** The event id of the report (deterministic, so a rerun stores it once). */
  eventId: string | null;
  /** When the last missing number arrived; null while open. */
  closedAt: string | null;
}

/** What the detector keeps per `(tenantId, source)`: one document, written once per run. */
export interface StreamState {
  tenantId: string;
  source: string;
  /** Highest n such that 0..n have all arrived; -1 when 0 has not. */
  contiguous: number;
  /** Numbers that arrived above `contiguous + 1`, as sorted disjoint ranges. */
  received: SequenceRange[];
  gaps: StreamGap[];
}

/** Closed gaps kept per stream for the console; older ones are in the audit log as reports. */
export const MAX_CLOSED_GAPS = 20;

export function emptyStream(tenantId: string, source: string): StreamState {
  return { tenantId, source, contiguous: -1, received: [], gaps: [] };
}

/** Everything that has arrived, as ranges from 0. */
function arrived(state: StreamState): SequenceRange[] {
  return state.contiguous >= 0 ? mergeRanges([{ from: 0, to: state.contiguous }], state.received) : state.received;
}

/** The highest sequence number seen; -1 when none. */
export function highestSeen(state: StreamState): number {
  const last = state.received[state.received.length - 1];
  return last ? last.to : state.contiguous;
}

/** Adds arrived sequence numbers (any order, duplicates and old numbers allowed). */
export function absorb(state: StreamState, sequences: Iterable<number>): StreamState {
  let received = mergeRanges(state.received, rangesOf(sequences));
  let contiguous = state.contiguous;
  // Ranges at or below the contiguous prefix add nothing; one starting right after extends it.
  while (received.length > 0 && received[0]!.from <= contiguous + 1) {
    contiguous = Math.max(contiguous, received[0]!.to);
    received = received.slice(1);
  }
  return { ...state, contiguous, received };
}

/**
 * Brings the gap list up to date with what has arrived: reported gaps whose every number arrived
 * are closed; the missing ranges not yet reported become (or stay) pending, keeping the time
 * they were first seen so the grace period runs from then.
 */
export function reconcileGaps(state: StreamState, now: Date): { state: StreamState; closed: StreamGap[] } {
  const have = arrived(state);
  const at = now.toISOString();
  const closed: StreamGap[] = [];
  const reported = state.gaps
    .filter((g) => g.reportedAt !== null)
    .map((g) => {
      if (g.closedAt !== null || uncovered(g, have).length > 0) return g;
      const done = { ...g, closedAt: at };
      closed.push(done);
      return done;
    });
  const openReported = mergeRanges(
    reported.filter((g) => g.closedAt === null).map(({ from, to }) => ({ from, to })),
    [],
  );
  const previous = state.gaps.filter((g) => g.reportedAt === null);
  const top = highestSeen(state);
  const holes = top > state.contiguous ? uncovered({ from: state.contiguous + 1, to: top }, have) : [];
  const pending: StreamGap[] = holes
    .flatMap((hole) => uncovered(hole, openReported))
    .map((piece) => {
      const seen = previous
        .filter((p) => p.from <= piece.to && piece.from <= p.to)
        .map((p) => p.firstSeenAt)
        .sort()[0];
      return { ...piece, firstSeenAt: seen ?? at, reportedAt: null, eventId: null, closedAt: null };
    });
  const stillOpen = reported.filter((g) => g.closedAt === null);
  const recentlyClosed = reported
    .filter((g) => g.closedAt !== null)
    .sort((a, b) => (a.closedAt! < b.closedAt! ? 1 : -1))
    .slice(0, MAX_CLOSED_GAPS);
  const gaps = [...stillOpen, ...pending, ...recentlyClosed].sort((a, b) => a.from - b.from);
  return { state: { ...state, gaps }, closed };
}

/** Pending gaps whose grace period is over: the ones to confirm and report now. */
export function dueGaps(state: StreamState, now: Date, graceMs: number): StreamGap[] {
  return state.gaps.filter((g) => g.reportedAt === null && Date.parse(g.firstSeenAt) + graceMs <= now.getTime());
}

/** Reported gaps that have not closed. */
export function openGaps(state: StreamState): StreamGap[] {
  return state.gaps.filter((g) => g.reportedAt !== null && g.closedAt === null);
}

/** True while anything is pending or open: the detector must look at the stream again. */
export function needsAttention(state: StreamState): boolean {
  return state.gaps.some((g) => g.closedAt === null);
}

/** The report's event id: one per stream and range, so reporting twice stores one entry. */
export function gapEventId(source: string, range: SequenceRange): string {
  return `gap:${source}:${range.from}-${range.to}`;
}

/** Marks the given pending gaps reported (their report entries are stored). */
export function markReported(state: StreamState, reported: readonly StreamGap[], now: Date): StreamState {
  const at = now.toISOString();
  const keys = new Set(reported.map((g) => `${g.from}-${g.to}`));
  return {
    ...state,
    gaps: state.gaps.map((g) =>
      g.reportedAt === null && keys.has(`${g.from}-${g.to}`)
        ? { ...g, reportedAt: at, eventId: gapEventId(state.source, g) }
        : g,
    ),
  };
}

/** True when `n` has arrived in this stream. */
export function hasArrived(state: StreamState, n: number): boolean {
  return n <= state.contiguous || covers(state.received, n);
}
