import { OPERATIONS, type Category, type Operation } from '../core/audit-model';
import { resolveRange, type LogFilter } from '../logs/filters/log-filter';
import { REPORT_KINDS, type DayInput, type ReportKind } from './report-model';

/**
 * How a listing page hands its view to the Reports page: the report kind that covers what the
 * page lists, and the page's time range as the report form's days. Pure, so it is unit-tested.
 */

/** Longest period one report covers (the server refuses more: MAX_REPORT_DAYS). */
const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;

/** The report that covers entries of each category (report-kinds.ts on the server). */
const KIND_OF_CATEGORY: Readonly<Record<Category, ReportKind | null>> = {
  AUTHENTICATION: 'access',
  AUTHORIZATION: 'access',
  DATA_ACCESS: 'access',
  DATA_MODIFICATION: 'change',
  SYSTEM_CONFIGURATION: 'change',
  SECURITY: 'security',
  COMPLIANCE: 'compliance',
  BUSINESS_OPERATION: null,
};

/**
 * The report kind whose population holds what `filter` lists, or null when none does: the
 * categories all belong to one report, CRITICAL entries are the security report's, flagged
 * entries under review the compliance report's.
 */
export function reportKindFor(filter: LogFilter): ReportKind | null {
  if (filter.categories.length > 0) {
    const kinds = new Set(filter.categories.map((c) => KIND_OF_CATEGORY[c]));
    const [only] = kinds;
    return kinds.size === 1 && only ? only : null;
  }
  if (filter.levels.length === 1 && filter.levels[0] === 'CRITICAL') return 'security';
  if (filter.reviewStatuses.length > 0 && !filter.reviewStatuses.includes('none')) return 'compliance';
  return null;
}

const day = (ms: number): DayInput => new Date(ms).toISOString().slice(0, 10);

/**
 * The Reports page's query parameters for `kind` over the filter's range at `now`: inclusive UTC
 * days, the open end being today, an open start the longest period a report covers.
 */
export function reportLinkParams(kind: ReportKind, filter: LogFilter, now: Date): Record<string, string> {
  const { from, to } = resolveRange(filter.range, now);
  // `to` is exclusive; the form's last day is inclusive.
  const lastMs = to ? Math.min(to.getTime(), now.getTime()) - 1 : now.getTime();
  const earliest = lastMs - (MAX_REPORT_DAYS - 1) * DAY_MS;
  const firstMs = from ? Math.max(from.getTime(), earliest) : earliest;
  const params: Record<string, string> = { kind, from: day(Math.min(firstMs, lastMs)), to: day(lastMs) };
  // A report takes the page's operation filter too ("what was deleted" in the change report).
  if (filter.operations.length > 0) params['op'] = filter.operations.join(',');
  return params;
}

/** Reads the Reports page's query parameters back; anything malformed is left out. */
export function reportFormOf(params: Readonly<Record<string, unknown>>): {
  kind?: ReportKind;
  from?: DayInput;
  to?: DayInput;
  operations?: Operation[];
} {
  const out: { kind?: ReportKind; from?: DayInput; to?: DayInput; operations?: Operation[] } = {};
  const op = params['op'];
  if (typeof op === 'string') {
    const listed = op.split(',');
    const operations = OPERATIONS.filter((o) => listed.includes(o));
    if (operations.length > 0) out.operations = operations;
  }
  const kind = params['kind'];
  if (typeof kind === 'string' && (REPORT_KINDS as readonly string[]).includes(kind)) out.kind = kind as ReportKind;
  for (const key of ['from', 'to'] as const) {
    const value = params[key];
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) out[key] = value;
  }
  return out;
}
