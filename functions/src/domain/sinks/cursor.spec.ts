import { describe, expect, it } from 'vitest';
import {
  batchOrderProblems,
  comparePositions,
  cursorAfter,
  isAfterCursor,
  lagMsOf,
  readHorizonMs,
  replayCursor,
  type EntryPosition,
} from './cursor';

const at = (recordedAtMs: number, logId: string): EntryPosition => ({ recordedAtMs, logId });

describe('stream order and cursor', () => {
  it('orders by recordedAt, then by log id for entries of the same millisecond', () => {
    const shuffled = [at(2, 'a'), at(1, 'c'), at(1, 'a'), at(2, '0')];
    expect([...shuffled].sort(comparePositions)).toEqual([at(1, 'a'), at(1, 'c'), at(2, '0'), at(2, 'a')]);
  });

  it('a cursor after a batch excludes the batch and keeps what shares its last millisecond', () => {
    const cursor = cursorAfter(at(5, 'm'));
    expect(isAfterCursor(at(5, 'm'), cursor)).toBe(false);
    expect(isAfterCursor(at(5, 'a'), cursor)).toBe(false);
    expect(isAfterCursor(at(5, 'z'), cursor)).toBe(true);
    expect(isAfterCursor(at(6, 'a'), cursor)).toBe(true);
    expect(isAfterCursor(at(4, 'z'), cursor)).toBe(false);
  });

  it('a replay cursor includes its instant and everything after it', () => {
    const cursor = replayCursor(1000);
    expect(isAfterCursor(at(1000, '0'), cursor)).toBe(true);
    expect(isAfterCursor(at(999, 'f'), cursor)).toBe(false);
  });

  it('reads only up to the settle horizon', () => {
    expect(readHorizonMs(100_000, 15_000)).toBe(85_000);
    expect(readHorizonMs(100_000)).toBe(85_000);
  });

  it('accepts a batch in order, after the cursor, within the horizon', () => {
    expect(batchOrderProblems([at(1, 'b'), at(2, 'a'), at(2, 'b')], cursorAfter(at(1, 'a')), 2)).toEqual([]);
  });

  it('refuses a batch with an entry at or before the cursor, a repeat, disorder or one past the horizon', () => {
    const cursor = cursorAfter(at(1, 'b'));
    expect(batchOrderProblems([at(1, 'b')], cursor, 10)).toEqual(['entry b is not after the cursor']);
    expect(batchOrderProblems([at(3, 'a'), at(3, 'a')], cursor, 10)).toEqual(['entry a is out of order']);
    expect(batchOrderProblems([at(4, 'a'), at(3, 'a')], cursor, 10)).toEqual(['entry a is out of order']);
    expect(batchOrderProblems([at(11, 'a')], cursor, 10)).toEqual(['entry a is newer than the read horizon']);
  });

  it('reports no lag when caught up, else how far the cursor trails the horizon', () => {
    expect(lagMsOf(cursorAfter(at(1000, 'a')), 5000, true)).toBe(0);
    expect(lagMsOf(cursorAfter(at(1000, 'a')), 5000, false)).toBe(4000);
    expect(lagMsOf(replayCursor(9000), 5000, false)).toBe(0);
  });
});
