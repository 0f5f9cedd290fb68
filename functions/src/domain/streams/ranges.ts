/**
 * Inclusive ranges of sequence numbers. A stream's sequences arrive in any order, so what has
 * arrived is kept as sorted, disjoint, non-adjacent ranges: a million events in order are one
 * range, and the state of a stream stays small whatever its volume.
 */
export interface SequenceRange {
  from: number;
  to: number;
}

/** Sorted, merged ranges covering exactly the given numbers (duplicates allowed). */
export function rangesOf(sequences: Iterable<number>): SequenceRange[] {
  const sorted = [...new Set(sequences)].sort((a, b) => a - b);
  const out: SequenceRange[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last.to + 1) last.to = n;
    else out.push({ from: n, to: n });
  }
  return out;
}

/** The union of two range lists, sorted and merged (adjacent ranges join). */
export function mergeRanges(a: readonly SequenceRange[], b: readonly SequenceRange[]): SequenceRange[] {
  const all = [...a, ...b].map((r) => ({ ...r })).sort((x, y) => x.from - y.from);
  const out: SequenceRange[] = [];
  for (const range of all) {
    const last = out[out.length - 1];
    if (last && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else out.push(range);
  }
  return out;
}

/** The parts of `range` that `covered` (sorted, disjoint) does not cover. */
export function uncovered(range: SequenceRange, covered: readonly SequenceRange[]): SequenceRange[] {
  const out: SequenceRange[] = [];
  let next = range.from;
  for (const c of covered) {
    if (c.to < next) continue;
    if (c.from > range.to) break;
    if (c.from > next) out.push({ from: next, to: c.from - 1 });
    next = c.to + 1;
    if (next > range.to) return out;
  }
  if (next <= range.to) out.push({ from: next, to: range.to });
  return out;
}

/** Number of sequence numbers in the ranges. */
export function countOf(ranges: readonly SequenceRange[]): number {
  return ranges.reduce((sum, r) => sum + (r.to - r.from + 1), 0);
}

/** True when `n` lies in one of the (sorted) ranges. */
export function covers(ranges: readonly SequenceRange[], n: number): boolean {
  return ranges.some((r) => r.from <= n && n <= r.to);
}
