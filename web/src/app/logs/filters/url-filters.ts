import { CATEGORIES, LEVELS, OPERATIONS, OUTCOMES, REVIEW_STATUSES } from '../../core/audit-model';
import { DEFAULT_RANGE, RANGE_PRESETS, cleanText, emptyFilter, type LogFilter, type TimeRange } from './log-filter';

/**
 * Filters live in the URL so that a view can be shared or bookmarked. Short, stable parameter
 * names; lists are comma-separated; defaults are left out so plain links stay plain.
 */
export const URL_PARAMS = {
  range: 'range',
  from: 'from',
  to: 'to',
  categories: 'category',
  levels: 'level',
  outcomes: 'outcome',
  operations: 'op',
  reviewStatuses: 'review',
  eventType: 'type',
  actorId: 'actor',
  resourceType: 'rtype',
  resourceId: 'rid',
  correlationId: 'corr',
  keyword: 'q',
  actorEmail: 'email',
} as const;

export type QueryParams = Readonly<Record<string, string | readonly string[] | null | undefined>>;

export interface ParsedFilter {
  filter: LogFilter;
  /** What was ignored and why, to tell the user rather than silently change their link. */
  problems: string[];
}

function single(params: QueryParams, name: string): string | null {
  const raw = params[name];
  const value = Array.isArray(raw) ? (raw as readonly string[])[0] : (raw as string | null | undefined);
  return cleanText(value);
}

function parseList<T extends string>(
  params: QueryParams,
  name: string,
  allowed: readonly T[],
  problems: string[],
): T[] {
  const raw = single(params, name);
  if (!raw) return [];
  const out: T[] = [];
  for (const part of raw.split(',')) {
    const value = part.trim();
    if (value === '') continue;
    if ((allowed as readonly string[]).includes(value)) {
      if (!out.includes(value as T)) out.push(value as T);
    } else {
      problems.push(`Ignored unknown ${name} "${value}".`);
    }
  }
  // Keep the canonical order so equal filters give equal URLs.
  return allowed.filter((v) => out.includes(v));
}

function parseInstant(params: QueryParams, name: string, problems: string[]): Date | null {
  const raw = single(params, name);
  if (!raw) return null;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) {
    problems.push(`Ignored invalid time "${raw}" for ${name}.`);
    return null;
  }
  return date;
}

function parseRange(params: QueryParams, problems: string[], fallback: TimeRange): TimeRange {
  const preset = single(params, URL_PARAMS.range);
  if (preset === null) return fallback;
  if (preset === 'custom') {
    const from = parseInstant(params, URL_PARAMS.from, problems);
    const to = parseInstant(params, URL_PARAMS.to, problems);
    if (from && to && from.getTime() >= to.getTime()) {
      problems.push('Ignored a custom range whose start is not before its end.');
      return fallback;
    }
    return { preset: 'custom', from, to };
  }
  if ((RANGE_PRESETS as readonly string[]).includes(preset))
    return { preset: preset as TimeRange['preset'] } as TimeRange;
  problems.push(`Ignored unknown time range "${preset}".`);
  return fallback;
}

/**
 * Reads a filter from URL query parameters; unknown values are dropped and reported. A missing
 * `range` means `defaultRange` (pages differ: search shows a week, an entity's history all of it).
 */
export function filterFromParams(params: QueryParams, defaultRange: TimeRange = DEFAULT_RANGE): ParsedFilter {
  const problems: string[] = [];
  const keyword = single(params, URL_PARAMS.keyword);
  const filter = emptyFilter({
    range: parseRange(params, problems, defaultRange),
    categories: parseList(params, URL_PARAMS.categories, CATEGORIES, problems),
    levels: parseList(params, URL_PARAMS.levels, LEVELS, problems),
    outcomes: parseList(params, URL_PARAMS.outcomes, OUTCOMES, problems),
    operations: parseList(params, URL_PARAMS.operations, OPERATIONS, problems),
    reviewStatuses: parseList(params, URL_PARAMS.reviewStatuses, REVIEW_STATUSES, problems),
    eventType: single(params, URL_PARAMS.eventType),
    actorId: single(params, URL_PARAMS.actorId),
    resourceType: single(params, URL_PARAMS.resourceType),
    resourceId: single(params, URL_PARAMS.resourceId),
    correlationId: single(params, URL_PARAMS.correlationId),
    // Search tokens are stored lower-cased, so the keyword is too.
    keyword: keyword ? keyword.toLowerCase() : null,
    actorEmail: single(params, URL_PARAMS.actorEmail)?.toLowerCase() ?? null,
  });
  return { filter, problems };
}

/**
 * Writes a filter as URL query parameters. Every known parameter is present, set to null when at
 * its default, so `router.navigate(..., { queryParamsHandling: 'merge' })` removes stale ones.
 */
export function filterToParams(
  filter: LogFilter,
  defaultRange: TimeRange = DEFAULT_RANGE,
): Record<string, string | null> {
  const list = (values: readonly string[]) => (values.length > 0 ? values.join(',') : null);
  const isDefault = filter.range.preset !== 'custom' && filter.range.preset === defaultRange.preset;
  const custom = filter.range.preset === 'custom' ? filter.range : null;
  return {
    [URL_PARAMS.range]: isDefault ? null : filter.range.preset,
    [URL_PARAMS.from]: custom?.from ? custom.from.toISOString() : null,
    [URL_PARAMS.to]: custom?.to ? custom.to.toISOString() : null,
    [URL_PARAMS.categories]: list(filter.categories),
    [URL_PARAMS.levels]: list(filter.levels),
    [URL_PARAMS.outcomes]: list(filter.outcomes),
    [URL_PARAMS.operations]: list(filter.operations),
    [URL_PARAMS.reviewStatuses]: list(filter.reviewStatuses),
    [URL_PARAMS.eventType]: cleanText(filter.eventType),
    [URL_PARAMS.actorId]: cleanText(filter.actorId),
    [URL_PARAMS.resourceType]: cleanText(filter.resourceType),
    [URL_PARAMS.resourceId]: cleanText(filter.resourceId),
    [URL_PARAMS.correlationId]: cleanText(filter.correlationId),
    [URL_PARAMS.keyword]: filter.keyword ? cleanText(filter.keyword.toLowerCase()) : null,
    [URL_PARAMS.actorEmail]: filter.actorEmail ? cleanText(filter.actorEmail.toLowerCase()) : null,
  };
}

/** The same parameters without the nulls, e.g. for a shareable link or a routerLink. */
export function compactParams(filter: LogFilter, defaultRange: TimeRange = DEFAULT_RANGE): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(filterToParams(filter, defaultRange))) {
    if (value !== null) out[key] = value;
  }
  return out;
}
