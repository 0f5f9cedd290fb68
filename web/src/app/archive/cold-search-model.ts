import type { CallableInput } from '@audit-log/model/callables';
import type { FieldProblem } from '../commands/commands';
import { CATEGORIES, LEVELS, OPERATIONS, OUTCOMES } from '../core/audit-model';
import { resolveRange, type LogFilter } from '../logs/filters/log-filter';
import type { QueryScope } from '../logs/query/log-query';

/**
 * Cold search with the console's own filter model: the filter bar of log search edits a
 * `LogFilter`, and this maps it onto the `searchArchives` request (which differs in places: one
 * outcome, a list of event types, no review status or correlation id). Pure and unit-tested.
 */

/** The `searchArchives` request of the callable map; the console always names its page size. */
export type ColdSearchRequest = CallableInput<'searchArchives'> & { pageSize: number };

/** The `searchArchives` answer; entries are read defensively with {@link toColdEntry}. */
export interface ColdSearchResponse {
  entries: unknown[];
  nextCursor: string | null;
  partial: boolean;
  days: string[];
}

/** One archived entry as the results table shows it. */
export interface ColdEntry {
  readonly logId: string;
  readonly occurredAt: Date | null;
  readonly eventType: string;
  readonly category: string;
  readonly level: string;
  readonly outcome: string;
  readonly actor: string;
  readonly actorId: string;
  readonly resource: string;
  readonly hash: string;
}

export const COLD_PAGE_SIZE = 50;

/** Filters the cold tier does not have; the archive page hides them in the filter bar. */
export const COLD_UNSUPPORTED: Readonly<Partial<LogFilter>> = { reviewStatuses: [], correlationId: null };

/** The form's name for each request field, so a server message points at the field to fix. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  tenantId: 'Tenant',
  from: 'From',
  to: 'To',
  categories: 'Category',
  levels: 'Level',
  eventTypes: 'Event type',
  actorId: 'Actor id',
  resourceType: 'Resource type',
  resourceId: 'Resource id',
  outcome: 'Outcome',
  operations: 'Operation',
  keyword: 'Keyword',
  actorEmail: 'Actor e-mail',
  pageSize: 'Page size',
  cursor: 'Next page',
  reviewStatuses: 'Review status',
  correlationId: 'Correlation id',
};

/** `categories.1` → `Category`; unknown paths are shown as they are. */
export function fieldLabel(path: string): string {
  const head = path.split('.')[0] ?? '';
  return FIELD_LABELS[head] ?? (path === '' ? 'Search' : path);
}

export type ColdPlan = { readonly request: ColdSearchRequest } | { readonly problems: readonly FieldProblem[] };

export interface ColdPlanOptions {
  /** Instant that resolves relative ranges; the resolved bounds are kept for every page. */
  readonly now: Date;
  readonly pageSize?: number;
  /** Platform admins only: the tenant in view. */
  readonly tenantId?: string | null;
}

/**
 * The request for `filter`, or the field problems that stop it. Relative ranges become absolute
 * bounds here, once: the server binds its cursor to the exact filters, so every "Load more" must
 * send the same bounds as the first page.
 */
export function planColdSearch(filter: LogFilter, options: ColdPlanOptions): ColdPlan {
  const problems: FieldProblem[] = [];
  const request: ColdSearchRequest = { pageSize: options.pageSize ?? COLD_PAGE_SIZE };
  if (options.tenantId) request.tenantId = options.tenantId;

  const { from, to } = resolveRange(filter.range, options.now);
  if (from && to && from.getTime() >= to.getTime()) problems.push({ path: 'from', message: 'must be before To' });
  if (from) request.from = from.toISOString();
  if (to) request.to = to.toISOString();

  // Every value selected means no condition at all.
  if (filter.categories.length > 0 && filter.categories.length < CATEGORIES.length) {
    request.categories = [...filter.categories];
  }
  if (filter.levels.length > 0 && filter.levels.length < LEVELS.length) request.levels = [...filter.levels];
  const [outcome] = filter.outcomes;
  if (filter.outcomes.length === 1 && outcome) request.outcome = outcome;
  else if (filter.outcomes.length > 1 && filter.outcomes.length < OUTCOMES.length) {
    problems.push({ path: 'outcome', message: 'archives are searched by one outcome at a time (or all of them)' });
  }
  if (filter.operations.length > 0 && filter.operations.length < OPERATIONS.length) {
    request.operations = [...filter.operations];
  }
  if (filter.eventType) request.eventTypes = [filter.eventType];
  if (filter.actorId) request.actorId = filter.actorId;
  if (filter.resourceType) request.resourceType = filter.resourceType;
  if (filter.resourceId) {
    if (!filter.resourceType) problems.push({ path: 'resourceId', message: 'needs a resource type as well' });
    request.resourceId = filter.resourceId;
  }
  if (filter.keyword) request.keyword = filter.keyword.toLowerCase();
  // The address itself: the server resolves the person's tokens (the blind one only for readers
  // who may open the tenant's personal data).
  if (filter.actorEmail) request.actorEmail = filter.actorEmail.toLowerCase();

  if (filter.reviewStatuses.length > 0) {
    problems.push({ path: 'reviewStatuses', message: 'is not kept in archives; clear it to search them' });
  }
  if (filter.correlationId) {
    problems.push({ path: 'correlationId', message: 'is not searchable in archives; clear it to search them' });
  }
  return problems.length > 0 ? { problems } : { request };
}

/** One line per problem, named after the form field: `From: must be before To`. */
export function describeProblems(problems: readonly FieldProblem[]): string[] {
  return problems.map((p) => `${fieldLabel(p.path)}: ${p.message}`);
}

/**
 * The filter bar's check on the archive page: the same rules as {@link planColdSearch}, instead
 * of the hot planner's index rules (the cold tier serves every combination).
 */
export function checkColdFilter(filter: LogFilter, scope: QueryScope): { message: string } | null {
  if (scope.tenantId === '')
    return { message: 'Your account is not assigned to a tenant, so there is nothing to search.' };
  // No rule depends on the clock (relative ranges always end now), so any instant does.
  const plan = planColdSearch(filter, { now: new Date(0) });
  return 'problems' in plan ? { message: describeProblems(plan.problems).join(' ') } : null;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Reads one entry of the answer; null for anything without an id (never shown half-broken). */
export function toColdEntry(raw: unknown): ColdEntry | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as Record<string, unknown>;
  const logId = text(e['logId']);
  if (logId === '') return null;
  const actor = (e['actor'] ?? {}) as Record<string, unknown>;
  const resource = e['resource'] as Record<string, unknown> | undefined | null;
  const when = typeof e['occurredAt'] === 'string' ? new Date(e['occurredAt']) : null;
  return {
    logId,
    occurredAt: when && !Number.isNaN(when.getTime()) ? when : null,
    eventType: text(e['eventType']),
    category: text(e['category']),
    level: text(e['level']),
    outcome: text(e['outcome']),
    actor: text(actor['name']) || text(actor['email']) || text(actor['id']) || text(actor['type']),
    actorId: text(actor['id']),
    resource: resource ? `${text(resource['type'])}/${text(resource['name']) || text(resource['id'])}` : '—',
    hash: text(e['hash']),
  };
}
