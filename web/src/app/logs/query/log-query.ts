import { CATEGORIES, LEVELS, OUTCOMES, REVIEW_STATUSES } from '../../core/audit-model';
import { resolveRange, type LogFilter } from '../filters/log-filter';
import { IndexCatalog, KEYWORD_FIELD, LOG_COLLECTION, TENANT_FIELD, TIME_FIELD } from './index-catalog';
import indexConfig from '../../../../../firestore.indexes.json';

/**
 * The one place where log queries are planned. It turns a filter into a plain description of a
 * Firestore query (no SDK types, so it is unit-testable), always constrains `tenantId` to the
 * caller's tenant (security rules refuse, but never filter, other tenants' documents) and only
 * produces combinations an index in `firestore.indexes.json` serves.
 */

/** The conditions the planner emits; the Firestore adapter maps them one to one onto `where()`. */
export type WhereOp = '==' | 'in' | 'array-contains' | '>=' | '>' | '<';

export interface WhereClause {
  readonly field: string;
  readonly op: WhereOp;
  readonly value: string | boolean | Date | readonly string[];
}

export interface LogQueryPlan {
  readonly collection: typeof LOG_COLLECTION;
  readonly tenantId: string;
  readonly where: readonly WhereClause[];
  readonly orderBy: { readonly field: typeof TIME_FIELD; readonly direction: 'desc' };
  /** Page size; null for aggregation (count) queries. */
  readonly limit: number | null;
  /** Fields of the composite index that serves the plan, for diagnostics. */
  readonly index: readonly string[];
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

/** Firestore allows at most 30 disjunctions per query once `in` lists are multiplied out. */
export const MAX_DISJUNCTIONS = 30;

const TENANT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Filter keys and the stored fields they constrain, in the order conditions are emitted. */
const EQUALITY_FILTERS = [
  { key: 'categories', field: 'category', label: 'category', all: CATEGORIES.length },
  { key: 'levels', field: 'level', label: 'level', all: LEVELS.length },
  { key: 'outcomes', field: 'outcome', label: 'outcome', all: OUTCOMES.length },
  { key: 'reviewStatuses', field: 'reviewStatus', label: 'review status', all: REVIEW_STATUSES.length },
  { key: 'eventType', field: 'eventType', label: 'event type', all: Infinity },
  { key: 'actorId', field: 'actor.id', label: 'actor', all: Infinity },
  { key: 'resourceType', field: 'resource.type', label: 'resource type', all: Infinity },
  { key: 'resourceId', field: 'resource.id', label: 'resource id', all: Infinity },
  { key: 'correlationId', field: 'context.correlationId', label: 'correlation id', all: Infinity },
] as const satisfies ReadonlyArray<{ key: keyof LogFilter; field: string; label: string; all: number }>;

const LABELS: Readonly<Record<string, string>> = Object.fromEntries([
  ...EQUALITY_FILTERS.map((f) => [f.field, f.label] as const),
  [KEYWORD_FIELD, 'keyword'],
]);

/** The catalog built from the project's own index file. */
export const PROJECT_INDEXES = IndexCatalog.fromConfig(indexConfig);

function valuesOf(filter: LogFilter, key: (typeof EQUALITY_FILTERS)[number]['key']): readonly string[] {
  const value = filter[key];
  if (value === null) return [];
  return typeof value === 'string' ? [value] : value;
}

function fieldList(fields: readonly string[]): string {
  const names = fields.map((f) => LABELS[f] ?? f);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function unsupported(equality: readonly string[], keyword: boolean, catalog: IndexCatalog): QueryPlanError {
  const requested = [...equality, ...(keyword ? [KEYWORD_FIELD] : [])];
  // Suggest the single filters whose removal leaves a combination an index serves.
  const suggestions = requested
    .filter((drop) => {
      const rest = equality.filter((f) => f !== drop);
      return catalog.serves(rest, keyword && drop !== KEYWORD_FIELD ? KEYWORD_FIELD : null);
    })
    .map((f) => LABELS[f] ?? f);
  const hint =
    suggestions.length > 0 ? ` Remove the ${suggestions.join(' or the ')} filter to run it.` : ' Use fewer filters.';
  return new QueryPlanError(
    'unsupported_combination',
    `Filtering by ${fieldList(requested)} together is not supported: no index serves that combination.${hint}`,
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
  catalog: IndexCatalog = PROJECT_INDEXES,
): LogQueryPlan {
  if (!TENANT_ID.test(scope.tenantId)) {
    throw new QueryPlanError('no_tenant', 'Your account is not assigned to a tenant, so there is nothing to show.');
  }
  if (filter.resourceId !== null && filter.resourceType === null) {
    throw new QueryPlanError('incomplete_filter', 'Choose a resource type to search by resource id.', []);
  }

  const where: WhereClause[] = [{ field: TENANT_FIELD, op: '==', value: scope.tenantId }];
  const equality: string[] = [];
  let disjunctions = 1;
  for (const spec of EQUALITY_FILTERS) {
    const values = valuesOf(filter, spec.key);
    // Every value selected is the same as no condition; leaving it out needs one index fewer.
    if (values.length === 0 || values.length >= spec.all) continue;
    equality.push(spec.field);
    if (values.length === 1) {
      where.push({ field: spec.field, op: '==', value: values[0] as string });
    } else {
      where.push({ field: spec.field, op: 'in', value: [...values] });
      disjunctions *= values.length;
    }
  }
  if (disjunctions > MAX_DISJUNCTIONS) {
    throw new QueryPlanError(
      'too_many_alternatives',
      `These choices expand to ${disjunctions} alternatives; Firestore allows ${MAX_DISJUNCTIONS}. Select fewer values.`,
    );
  }
  const keyword = filter.keyword !== null;
  if (keyword) where.push({ field: KEYWORD_FIELD, op: 'array-contains', value: filter.keyword as string });
  if (!catalog.serves(equality, keyword ? KEYWORD_FIELD : null)) throw unsupported(equality, keyword, catalog);

  const { from, to } = resolveRange(filter.range, options.now);
  const newerThan = options.newerThan ?? null;
  if (newerThan && (!from || newerThan.getTime() >= from.getTime())) {
    where.push({ field: TIME_FIELD, op: '>', value: newerThan });
  } else if (from) {
    where.push({ field: TIME_FIELD, op: '>=', value: from });
  }
  if (to) where.push({ field: TIME_FIELD, op: '<', value: to });

  return {
    collection: LOG_COLLECTION,
    tenantId: scope.tenantId,
    where,
    orderBy: { field: TIME_FIELD, direction: 'desc' },
    limit: options.limit,
    index: [TENANT_FIELD, ...[...equality].sort(), ...(keyword ? [KEYWORD_FIELD] : []), `${TIME_FIELD} desc`],
  };
}

/** Whether a filter can be run, without planning it (for disabling controls). */
export function checkLogFilter(
  filter: LogFilter,
  scope: QueryScope,
  catalog: IndexCatalog = PROJECT_INDEXES,
): QueryPlanError | null {
  try {
    planLogQuery(filter, scope, { now: new Date(0), limit: 1 }, catalog);
    return null;
  } catch (err) {
    if (err instanceof QueryPlanError) return err;
    throw err;
  }
}
