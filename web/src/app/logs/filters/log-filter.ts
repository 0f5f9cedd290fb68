import type { Category, Level, Operation, Outcome, ReviewStatus } from '../../core/audit-model';
import { filterSummaryParts } from '@audit-log/model/filter-summary';

/** Relative ranges offered in the filter bar; `all` means no time condition at all. */
export const RANGE_PRESETS = ['15m', '1h', '24h', '7d', '30d', '90d', 'all'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const RANGE_LABELS: Readonly<Record<RangePreset | 'custom', string>> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  all: 'All time',
  custom: 'Custom range',
};

const PRESET_MS: Readonly<Record<Exclude<RangePreset, 'all'>, number>> = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
  '30d': 30 * 24 * 60 * 60_000,
  '90d': 90 * 24 * 60 * 60_000,
};

/** A relative preset, or explicit bounds (either may be open). */
export type TimeRange = { preset: RangePreset } | { preset: 'custom'; from: Date | null; to: Date | null };

/**
 * Everything a user can filter the log by. Multi-valued fields mean "any of"; an empty list means
 * "no condition". The tenant is deliberately absent: it comes from the signed-in user's claims.
 */
export interface LogFilter {
  range: TimeRange;
  categories: readonly Category[];
  levels: readonly Level[];
  outcomes: readonly Outcome[];
  /** What the entry did to its resource: created, changed, deleted, read or executed. */
  operations: readonly Operation[];
  reviewStatuses: readonly ReviewStatus[];
  eventType: string | null;
  actorId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  correlationId: string | null;
  keyword: string | null;
  /**
   * A person's e-mail: finds their entries whether stored in clear or sealed. The server turns it
   * into the person's search tokens (`personSearchTokens`), which the data source then queries.
   */
  actorEmail?: string | null;
  /** The tokens the server answered for `actorEmail`; set by the data source, never by a user. */
  actorTokens?: readonly string[] | null;
}

export const DEFAULT_RANGE: TimeRange = { preset: '7d' };

/** The filter a fresh search page starts with. */
export function emptyFilter(overrides: Partial<LogFilter> = {}): LogFilter {
  return {
    range: DEFAULT_RANGE,
    categories: [],
    levels: [],
    outcomes: [],
    operations: [],
    reviewStatuses: [],
    eventType: null,
    actorId: null,
    resourceType: null,
    resourceId: null,
    correlationId: null,
    keyword: null,
    actorEmail: null,
    ...overrides,
  };
}

/** Absolute bounds of a range at `now`: `from` inclusive, `to` exclusive, null = open. */
export function resolveRange(range: TimeRange, now: Date): { from: Date | null; to: Date | null } {
  if (range.preset === 'custom') return { from: range.from, to: range.to };
  if (range.preset === 'all') return { from: null, to: null };
  return { from: new Date(now.getTime() - PRESET_MS[range.preset]), to: null };
}

/** True when new entries can still fall into the range, i.e. a live tail makes sense. */
export function rangeIsOpenEnded(range: TimeRange, now: Date): boolean {
  const { to } = resolveRange(range, now);
  return to === null || to.getTime() > now.getTime();
}

/** Trims text fields and turns blanks into null, so `" "` never becomes a condition. */
export function cleanText(value: string | null | undefined): string | null {
  const trimmed = (value ?? '').trim();
  return trimmed === '' ? null : trimmed;
}

/** A short human summary of the active filters, for headings and empty states. */
export function describeFilter(filter: LogFilter): string {
  const parts = filterSummaryParts(filter);
  if (filter.actorEmail) parts.push(`e-mail ${filter.actorEmail}`);
  return parts.length > 0 ? parts.join(', ') : 'no filters';
}
