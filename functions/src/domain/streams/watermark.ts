import { rangesOf, type SequenceRange } from './ranges';

/** What `GET /v1/streams/{source}/watermark` answers. */
export interface StreamWatermark {
  source: string;
  /** Highest n such that 0..n are all stored, as far as the answer knows; -1 when 0 is not. */
  highestContiguous: number;
  /** First sequence number the answer looked at (`from`, or just above the detector's known prefix). */
  scannedFrom: number;
  /** Highest stored sequence number the answer saw; `scannedFrom - 1` when it saw none. */
  scannedThrough: number;
  /** Ranges within `[scannedFrom, scannedThrough]` above `highestContiguous` that are not stored. */
  missing: SequenceRange[];
  /** True when every stored number from `scannedFrom` up was seen: nothing above `scannedThrough` is stored. */
  complete: boolean;
}

/**
 * The watermark of a stream from the detector's last known contiguous prefix and one bounded,
 * ascending page of the stored numbers from `scannedFrom` up. The contiguous prefix only grows
 * when the page starts right after it; a producer that asks `from` its oldest unconfirmed
 * number learns about exactly its own events either way.
 */
export function watermarkOf(
  source: string,
  knownContiguous: number,
  scannedFrom: number,
  stored: readonly number[],
  complete: boolean,
): StreamWatermark {
  let contiguous = knownContiguous;
  const ranges = rangesOf(stored.filter((n) => n >= scannedFrom));
  if (scannedFrom <= contiguous + 1) {
    while (ranges.length > 0 && ranges[0]!.from <= contiguous + 1)
      contiguous = Math.max(contiguous, ranges.shift()!.to);
  }
  const missing: SequenceRange[] = [];
  let next = Math.max(scannedFrom, contiguous + 1);
  for (const r of ranges) {
    if (r.from > next) missing.push({ from: next, to: r.from - 1 });
    next = Math.max(next, r.to + 1);
  }
  const last = ranges[ranges.length - 1];
  const scannedThrough = Math.max(last ? last.to : scannedFrom - 1, contiguous);
  return { source, highestContiguous: contiguous, scannedFrom, scannedThrough, missing, complete };
}
