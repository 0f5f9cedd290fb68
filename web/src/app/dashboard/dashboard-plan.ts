import { periodDates } from '@audit-log/model/rollup-period';
import { OPEN_REVIEW_STATUSES } from '../core/audit-model';
import { emptyFilter, type LogFilter } from '../logs/filters/log-filter';

/** Periods the dashboard offers, in whole UTC days ending today (today's rollup is partial). */
export const DASHBOARD_RANGES = {
  '7d': { label: 'Last 7 days', days: 7 },
  '30d': { label: 'Last 30 days', days: 30 },
  '90d': { label: 'Last 90 days', days: 90 },
} as const;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;
export const DEFAULT_RANGE: DashboardRange = '30d';

/** The UTC dates of a range, oldest first, ending with today's. */
export function datesFor(range: DashboardRange, now: Date): string[] {
  return periodDates(now.toISOString().slice(0, 10), DASHBOARD_RANGES[range].days);
}

/** A date's axis label, `MM-DD`. */
export function dayLabel(date: string): string {
  return date.slice(5);
}

/**
 * The two counts that are open work rather than history: exact aggregation queries planned by the
 * one query planner, whenever the entries happened.
 */
export interface DashboardCounts {
  readonly openCritical: LogFilter;
  readonly pendingReview: LogFilter;
}

export function dashboardCounts(): DashboardCounts {
  return {
    openCritical: emptyFilter({ range: { preset: 'all' }, levels: ['CRITICAL'], reviewStatuses: OPEN_REVIEW_STATUSES }),
    pendingReview: emptyFilter({ range: { preset: 'all' }, reviewStatuses: ['pending'] }),
  };
}
