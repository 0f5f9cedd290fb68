import { addDays, dayBounds, utcDate } from '../archive';

/**
 * When the rollup job computes a tenant's day again (docs/analytics.md). Pure: the job passes
 * what it read.
 */

/** Entries normally land within seconds; a day is final once this long has passed since it ended. */
export const SETTLE_MS = 60 * 60_000;
/** The most days one run may cover (a callable's range, or the default lookback). */
export const MAX_RUN_DAYS = 400;

/** A day is final when it ended more than `SETTLE_MS` ago. */
export function isFinalDay(date: string, nowMs: number): boolean {
  return dayBounds(date).endMs + SETTLE_MS <= nowMs;
}

/**
 * The days of a run, newest first: `from`..`to` when given, else the tenant's warm window (its
 * retention, where entries still live in Firestore) up to today. Older days belong to tiering,
 * which computes a day's rollup before it deletes the day's entries.
 */
export function runDays(nowMs: number, retentionDays: number, from?: string, to?: string): string[] {
  const today = utcDate(nowMs);
  const last = to !== undefined && to < today ? to : today;
  const first = from ?? addDays(today, -Math.min(retentionDays, MAX_RUN_DAYS - 1));
  const days: string[] = [];
  for (let d = last; d >= first && days.length < MAX_RUN_DAYS; d = addDays(d, -1)) days.push(d);
  return days;
}

/** What the job knows of a day's stored rollup. */
export interface StoredRollupState {
  final: boolean;
  entries: number;
  /** Tiering took the day over: its entries are (being) deleted, only tiering changes it now. */
  archived: boolean;
}

export type DayDecision = 'compute' | 'fresh' | 'archived';

/**
 * A warm day is computed when it has no rollup, when its rollup is not final, or when Firestore
 * now holds more of its entries than the rollup counted (entries back-dated into it since): the
 * count aggregation that decides costs one read per 1,000 entries. Entries are never deleted
 * except by tiering, so the count can only grow while the day is warm.
 */
export function decideDay(stored: StoredRollupState | null, warmCount: number, archiveStarted: boolean): DayDecision {
  if (stored?.archived || archiveStarted) return 'archived';
  if (stored === null || !stored.final || warmCount !== stored.entries) return 'compute';
  return 'fresh';
}
