import { CATEGORIES, LEVELS, OPEN_REVIEW_STATUSES, type Category, type Level } from '../core/audit-model';
import { emptyFilter, type LogFilter } from '../logs/filters/log-filter';

/** Ranges the dashboard offers, and how each is cut into chart buckets. */
export const DASHBOARD_RANGES = {
  '24h': { label: 'Last 24 hours', buckets: 12, bucketMs: 2 * 3_600_000 },
  '7d': { label: 'Last 7 days', buckets: 7, bucketMs: 24 * 3_600_000 },
  '30d': { label: 'Last 30 days', buckets: 10, bucketMs: 3 * 24 * 3_600_000 },
} as const;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;

export interface Bucket {
  readonly from: Date;
  readonly to: Date;
  readonly label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Consecutive windows that end at `now`, oldest first. Rolling windows (rather than calendar
 * days) keep every bucket the same length, so bars are comparable.
 */
export function bucketsFor(range: DashboardRange, now: Date): Bucket[] {
  const { buckets, bucketMs } = DASHBOARD_RANGES[range];
  const end = now.getTime();
  const hourly = bucketMs < 24 * 3_600_000;
  return Array.from({ length: buckets }, (_, i) => {
    const from = new Date(end - (buckets - i) * bucketMs);
    const to = new Date(end - (buckets - i - 1) * bucketMs);
    const label = hourly
      ? `${pad(to.getHours())}:${pad(to.getMinutes())}`
      : `${pad(to.getMonth() + 1)}-${pad(to.getDate())}`;
    return { from, to, label };
  });
}

/** The filters of every count the dashboard shows; each is planned by the one query planner. */
export interface DashboardCounts {
  readonly total: LogFilter;
  readonly openCritical: LogFilter;
  readonly pendingReview: LogFilter;
  readonly trend: ReadonlyArray<{ bucket: Bucket; level: Level; filter: LogFilter }>;
  readonly categories: ReadonlyArray<{ category: Category; filter: LogFilter }>;
}

export function dashboardCounts(range: DashboardRange, now: Date): DashboardCounts {
  const inRange = emptyFilter({ range: { preset: range } });
  return {
    total: inRange,
    // Open work is open whenever it happened, so these two ignore the chosen range.
    openCritical: emptyFilter({ range: { preset: 'all' }, levels: ['CRITICAL'], reviewStatuses: OPEN_REVIEW_STATUSES }),
    pendingReview: emptyFilter({ range: { preset: 'all' }, reviewStatuses: ['pending'] }),
    trend: bucketsFor(range, now).flatMap((bucket) =>
      LEVELS.map((level) => ({
        bucket,
        level,
        filter: emptyFilter({ range: { preset: 'custom', from: bucket.from, to: bucket.to }, levels: [level] }),
      })),
    ),
    categories: CATEGORIES.map((category) => ({ category, filter: { ...inRange, categories: [category] } })),
  };
}

/** The most frequent keys of a sample, most frequent first (ties by key, for stable charts). */
export function topKeys(values: readonly (string | undefined)[], n: number): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([key]) => key);
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
