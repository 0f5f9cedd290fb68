import {
  LOG_INDEX_CATALOG,
  LogQueryPlanError,
  MAX_DISJUNCTIONS,
  isTenantId,
  filterConditions,
  planLogQuery as planRequest,
  type IndexCatalog,
  type LogQueryPlan as ModelPlan,
  type WhereClause as ModelWhereClause,
} from '@audit-log/model/query-plan';
import { resolveRange, type LogFilter } from '../filters/log-filter';

/**
 * The console's side of the one query planner (`@audit-log/model/query-plan`): it resolves the
 * filter's time range, asks the planner for the query and words a refusal in the filter bar's
 * terms. The planner always constrains `tenantId` to the caller's tenant (security rules refuse,
 * but never filter, other tenants' documents) and only plans what an index in
 * `firestore.indexes.json` serves; plans are plain data, so this stays unit-testable.
 */

export { MAX_DISJUNCTIONS, type WhereOp } from '@audit-log/model/query-plan';
export type WhereClause = ModelWhereClause<Date>;

export interface LogQueryPlan extends ModelPlan<Date> {
  readonly tenantId: string;
  /** Page size; null for aggregation (count) queries. */
  readonly limit: number | null;
}

export type QueryErrorCode = 'no_tenant' | 'unsupported_combination' | 'too_many_alternatives' | 'incomplete_filter';

/** Why a filter cannot be run, in words a user can act on. */
export class QueryPlanError extends Error {
  constructor(
    readonly code: QueryErrorCode,
    message: string,
    /** Filters the user could remove to get a runnable query. */
    readonly suggestions: readonly string[] = [],
  ) {
    super(message);
    this.name = 'QueryPlanError';
  }
}

/** An address as the server accepts one: one `@` between non-empty parts, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Whose data a query may touch; from the signed-in user's custom claims, never from the URL. */
export interface QueryScope {
  readonly tenantId: string;
}

export interface PlanOptions {
  /** Instant used to resolve relative ranges such as "last 24 hours". */
  readonly now: Date;
  /** Page size; null plans a count query. */
  readonly limit: number | null;
  /** Live tail: only entries strictly newer than this instant. */
  readonly newerThan?: Date | null;
}

/** The filter bar's name of each stored field, for messages. */
const LABELS: Readonly<Record<string, string>> = {
  category: 'category',
  level: 'level',
  outcome: 'outcome',
  operation: 'operation',
  reviewStatus: 'review status',
  status: 'review status',
  eventType: 'event type',
  'actor.id': 'actor',
  'resource.type': 'resource type',
  'resource.id': 'resource id',
  'context.correlationId': 'correlation id',
  searchTokens: 'keyword',
  actorEmail: 'actor e-mail',
};

function fieldList(fields: readonly string[]): string {
  const names = fields.map((f) => LABELS[f] ?? f);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function noTenant(): QueryPlanError {
  return new QueryPlanError('no_tenant', 'Your account is not assigned to a tenant, so there is nothing to show.');
}

/** The planner's refusal in the filter bar's words. */
function toConsoleError(err: LogQueryPlanError, byEmail: boolean): QueryPlanError {
  if (byEmail) {
    const named = (fields: readonly string[]) => fields.map((f) => (f === 'searchTokens' ? 'actorEmail' : f));
    err = new LogQueryPlanError(err.code, err.message, named(err.fields), named(err.suggestions), err.disjunctions);
  }
  if (err.code === 'no_tenant') return noTenant();
  if (err.code === 'too_many_alternatives') {
    return new QueryPlanError(
      'too_many_alternatives',
      `These choices expand to ${err.disjunctions} alternatives; Firestore allows ${MAX_DISJUNCTIONS}. Select fewer values.`,
    );
  }
  const suggestions = err.suggestions.map((f) => LABELS[f] ?? f);
  const hint =
    suggestions.length > 0 ? ` Remove the ${suggestions.join(' or the ')} filter to run it.` : ' Use fewer filters.';
  return new QueryPlanError(
    'unsupported_combination',
    `Filtering by ${fieldList(err.fields)} together is not supported: no index serves that combination.${hint}`,
    suggestions,
  );
}

/**
 * Plans the query for `filter` within `scope`. Throws `QueryPlanError` for a filter that cannot
 * be run, so the page can show why instead of an empty table.
 */
export function planLogQuery(
  filter: LogFilter,
  scope: QueryScope,
  options: PlanOptions,
  catalog: IndexCatalog = LOG_INDEX_CATALOG,
): LogQueryPlan {
  if (!isTenantId(scope.tenantId)) throw noTenant();
  if (filter.resourceId !== null && filter.resourceType === null) {
    throw new QueryPlanError('incomplete_filter', 'Choose a resource type to search by resource id.', []);
  }
  const email = filter.actorEmail ?? null;
  if (email !== null && filter.keyword !== null) {
    throw new QueryPlanError(
      'unsupported_combination',
      'Search by e-mail or by keyword, not both: a query matches one kind of search token.',
      ['keyword'],
    );
  }
  if (email !== null && !EMAIL.test(email)) {
    throw new QueryPlanError('incomplete_filter', 'Enter a whole e-mail address (name@domain) to search by e-mail.');
  }
  // Until the server answers the person's tokens, the address alone is planned: the same
  // indexes serve it, and it finds the entries stored in clear.
  const actorTokens = filter.actorTokens ?? (email !== null ? [email.trim().toLowerCase()] : null);
  const { from, to } = resolveRange(filter.range, options.now);
  const newerThan = options.newerThan ?? null;
  const range: Array<{ op: '>' | '>=' | '<'; value: Date }> = [];
  // A live tail asks only for what is newer than the newest row it has, when that is the tighter bound.
  if (newerThan && (!from || newerThan.getTime() >= from.getTime())) range.push({ op: '>', value: newerThan });
  else if (from) range.push({ op: '>=', value: from });
  if (to) range.push({ op: '<', value: to });

  let plan: ModelPlan<Date>;
  try {
    plan = planRequest<Date>(
      { tenantId: scope.tenantId, ...filterConditions({ ...filter, actorTokens }), range },
      catalog,
    );
  } catch (err) {
    throw err instanceof LogQueryPlanError ? toConsoleError(err, email !== null) : err;
  }
  return { ...plan, tenantId: scope.tenantId, limit: options.limit };
}

/** Whether a filter can be run, without planning it (for disabling controls). */
export function checkLogFilter(
  filter: LogFilter,
  scope: QueryScope,
  catalog: IndexCatalog = LOG_INDEX_CATALOG,
): QueryPlanError | null {
  try {
    planLogQuery(filter, scope, { now: new Date(0), limit: 1 }, catalog);
    return null;
  } catch (err) {
    if (err instanceof QueryPlanError) return err;
    throw err;
  }
}
