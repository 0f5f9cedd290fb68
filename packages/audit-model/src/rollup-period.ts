import { CATEGORIES, LEVELS, type Category, type Level } from './catalog';
import { RollupAccumulator, type ActorTally, type OtherActors, type RollupFigures } from './rollup';

/** Days of a period, oldest first: `days` UTC dates ending with `last` (`YYYY-MM-DD`). */
export function periodDates(last: string, days: number): string[] {
  const end = Date.parse(`${last}T00:00:00.000Z`);
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/** A period's figures, summed from its daily rollups. */
export interface PeriodSummary {
  dates: string[];
  /** Dates whose rollup is missing (not computed yet, or a day before analytics existed). */
  missing: string[];
  /** Dates whose rollup is not final (today, or recomputed later). */
  partial: string[];
  entries: number;
  /** Per level, one count per date. */
  trend: Record<Level, number[]>;
  categories: Array<{ category: Category; count: number }>;
  /** The riskiest actors over the whole period. */
  riskyActors: ActorTally[];
  otherActors: OtherActors;
  /** Per detector pattern, one count per date; patterns by total, most first. */
  anomalies: Array<{ pattern: string; total: number; perDay: number[] }>;
  eventTypes: Array<{ eventType: string; count: number }>;
}

/**
 * Sums daily rollups over `dates`. Risk over the period is the sum of each day's components,
 * so an actor's rank reflects the whole period, not a sample of it.
 */
export function summarizePeriod(
  dates: readonly string[],
  rollups: ReadonlyArray<RollupFigures & { date: string; final: boolean }>,
  topActors = 10,
  topEventTypes = 10,
): PeriodSummary {
  const byDate = new Map(rollups.map((r) => [r.date, r]));
  const acc = new RollupAccumulator(topActors, topEventTypes);
  const trend = Object.fromEntries(LEVELS.map((l) => [l, dates.map(() => 0)])) as Record<Level, number[]>;
  const patterns = new Map<string, number[]>();
  dates.forEach((date, i) => {
    const r = byDate.get(date);
    if (!r) return;
    acc.merge(r);
    for (const l of LEVELS) trend[l][i] = r.byLevel[l] ?? 0;
    for (const a of r.anomalies) {
      const perDay = patterns.get(a.pattern) ?? dates.map(() => 0);
      perDay[i] = (perDay[i] ?? 0) + a.count;
      patterns.set(a.pattern, perDay);
    }
  });
  const sum = acc.result();
  return {
    dates: [...dates],
    missing: dates.filter((d) => !byDate.has(d)),
    partial: dates.filter((d) => byDate.get(d)?.final === false),
    entries: sum.entries,
    trend,
    categories: CATEGORIES.map((category) => ({ category, count: sum.byCategory[category] })),
    riskyActors: sum.actors,
    otherActors: sum.otherActors,
    anomalies: [...patterns.entries()]
      .map(([pattern, perDay]) => ({ pattern, total: perDay.reduce((a, b) => a + b, 0), perDay }))
      .sort((a, b) => b.total - a.total || (a.pattern < b.pattern ? -1 : 1)),
    eventTypes: sum.eventTypes,
  };
}
