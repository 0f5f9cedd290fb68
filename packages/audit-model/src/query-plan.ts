import { COLLECTIONS } from './collections';
import { IndexCatalog, type IndexShape, type SortDirection } from './index-catalog';
import {
  LOG_FIELDS,
  DEFAULT_ORDER,
  REVIEW_STATUS_FILTER,
  REVIEW_STATUS_VALUES,
  type ContainsField,
  type EqualityField,
  type FilterField,
  type OrderField,
} from './log-fields';
import { LOG_INDEXES } from './log-indexes';

/**
 * The one query planner of `audit_logs` (and, for a review-status filter, of `audit_reviews`,
 * where review state lives because entries never change). Every surface that lists entries (the console, the
 * export, `GET /v1/events`) maps its own filter onto a `LogQueryRequest` and runs the plan it
 * gets back; so a combination is runnable exactly when an index in firestore.indexes.json serves
 * it, and each surface words a refusal in its own names. Pure and free of zod and Node, so the
 * console bundles it.
 */
export * from './index-catalog';
export * from './log-fields';

export type Scalar = string | boolean;
export type RangeOp = '>=' | '>' | '<' | '<=';
export type WhereOp = '==' | 'in' | 'array-contains' | 'array-contains-any' | RangeOp;

/** One condition; an adapter maps it one to one onto `where()`. `T` is the range bound's type. */
export interface WhereClause<T = never> {
  readonly field: string;
  readonly op: WhereOp;
  readonly value: Scalar | readonly Scalar[] | T;
}

export interface LogQueryRequest<T = never> {
  /**
   * Whose entries: always the caller's tenant. `null` means every tenant and is only for server
   * jobs that act for the whole system (e.g. the review escalation sweep), never for a caller.
   */
  readonly tenantId: string | null;
  /**
   * Equality conditions, emitted in this order: one value is `==`, several `in`, none nothing.
   * `reviewStatus` is not a field of the entry: see {@link planLogQuery}.
   */
  readonly equals?: ReadonlyArray<{ readonly field: FilterField; readonly values: readonly Scalar[] }>;
  /**
   * One array condition: `value` is `array-contains`; `anyOf` (e.g. the clear and blind-index
   * tokens of one person, see `actorEmail`) is `array-contains-any`, each value one alternative.
   */
  readonly contains?: ContainsCondition | null;
  /** Defaults to `occurredAt` descending. */
  readonly orderBy?: { readonly field: OrderField; readonly direction: SortDirection };
  /** Bounds on the sort field, the only field a range may constrain. */
  readonly range?: ReadonlyArray<{ readonly op: RangeOp; readonly value: T }>;
}

/** The array condition of a request: one token, or any of a few (at most {@link MAX_DISJUNCTIONS}). */
export type ContainsCondition =
  | { readonly field: ContainsField; readonly value: string }
  | { readonly field: ContainsField; readonly anyOf: readonly string[] };

export interface LogQueryPlan<T = never> {
  /**
   * Where the query runs. `audit_reviews` for a review-status filter: its documents have the
   * entries' ids, `occurredAt` and the filterable copies, so the caller pages them exactly like
   * entries and then loads the entries by id.
   */
  readonly collection: typeof COLLECTIONS.logs | typeof COLLECTIONS.reviews;
  readonly tenantId: string | null;
  /** `tenantId ==` first (when scoped), then equality, array-contains and range conditions. */
  readonly where: ReadonlyArray<WhereClause<T>>;
  readonly orderBy: { readonly field: OrderField; readonly direction: SortDirection };
  /** The fields of the serving composite index, for diagnostics. */
  readonly index: readonly string[];
}

/** Firestore allows at most 30 disjunctions per query once `in` lists are multiplied out. */
export const MAX_DISJUNCTIONS = 30;

const TENANT_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Whether `value` can be a tenant id (the contract's pattern), so a query can be scoped by it. */
export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}

export type PlanErrorCode = 'no_tenant' | 'too_many_alternatives' | 'unsupported_combination';

/**
 * Why a request cannot run, as data: each surface turns it into its own message and field errors
 * in the names its callers use.
 */
export class LogQueryPlanError extends Error {
  override readonly name = 'LogQueryPlanError';
  constructor(
    readonly code: PlanErrorCode,
    message: string,
    /** The constrained fields (never `tenantId`), equality in request order, then array-contains. */
    readonly fields: readonly string[] = [],
    /** Fields whose removal alone leaves a combination an index serves. */
    readonly suggestions: readonly string[] = [],
    /** How many alternatives the `in` lists multiply out to. */
    readonly disjunctions = 1,
  ) {
    super(message);
  }
}

/** The catalog of the project's own indexes. */
export const LOG_INDEX_CATALOG = IndexCatalog.fromIndexes(LOG_INDEXES, COLLECTIONS.logs);
/** The catalog of the `audit_reviews` indexes (review-status listings). */
export const REVIEW_INDEX_CATALOG = IndexCatalog.fromIndexes(LOG_INDEXES, COLLECTIONS.reviews);

/** Entry fields a review-status listing can combine with: `audit_reviews` copies them. */
export const REVIEW_COMBINABLE: readonly EqualityField[] = ['level', 'category'];

/** Equality values that constrain anything: a list holding every value of a closed list is none. */
function effectiveValues(field: FilterField, values: readonly Scalar[]): readonly Scalar[] {
  const unique = [...new Set(values)];
  const domain: readonly Scalar[] | undefined =
    field === REVIEW_STATUS_FILTER
      ? REVIEW_STATUS_VALUES
      : (LOG_FIELDS[field] as { values?: readonly Scalar[] }).values;
  return domain !== undefined && domain.every((v) => unique.includes(v)) ? [] : unique;
}

function refusal(
  collection: string,
  equality: readonly string[],
  contains: string | null,
  order: { field: string; direction: SortDirection },
  catalog: IndexCatalog,
): LogQueryPlanError {
  const requested = [...equality.filter((f) => f !== 'tenantId'), ...(contains !== null ? [contains] : [])];
  const suggestions = requested.filter((drop) => {
    const rest = equality.filter((f) => f !== drop);
    return catalog.find(rest, drop === contains ? null : contains, order) !== undefined;
  });
  return new LogQueryPlanError(
    'unsupported_combination',
    `no index on ${collection} serves ${requested.join(' + ') || 'no filter'} sorted by ${order.field} ${order.direction}`,
    requested,
    suggestions,
  );
}

/**
 * Plans `request` against the project's indexes (or `catalog`). Throws `LogQueryPlanError` for a
 * malformed tenant, `in` lists past {@link MAX_DISJUNCTIONS}, or a combination no index serves.
 *
 * A review-status condition is not on the entry: `none` alone (never flagged) is
 * `requiresReview == false` on `audit_logs`; other statuses run on `audit_reviews` (`status`),
 * combined only with the entry fields it copies ({@link REVIEW_COMBINABLE}) and sorted by
 * `occurredAt`. `none` with another status has no single query and is refused.
 */
export function planLogQuery<T = never>(
  request: LogQueryRequest<T>,
  catalog: IndexCatalog = LOG_INDEX_CATALOG,
  reviewCatalog: IndexCatalog = REVIEW_INDEX_CATALOG,
): LogQueryPlan<T> {
  const equals = request.equals ?? [];
  const review = equals.find((e) => e.field === REVIEW_STATUS_FILTER);
  const statuses = review ? effectiveValues(REVIEW_STATUS_FILTER, review.values) : [];
  const others = equals.filter((e) => e.field !== REVIEW_STATUS_FILTER) as ReadonlyArray<{
    field: EqualityField;
    values: readonly Scalar[];
  }>;
  if (statuses.length === 0) return planOn(COLLECTIONS.logs, { ...request, equals: others }, catalog);
  if (statuses.length === 1 && statuses[0] === 'none') {
    return planOn(
      COLLECTIONS.logs,
      { ...request, equals: [...others, { field: 'requiresReview', values: [false] }] },
      catalog,
    );
  }
  const requested = [...others.map((e) => e.field), REVIEW_STATUS_FILTER];
  if (statuses.includes('none')) {
    throw new LogQueryPlanError(
      'unsupported_combination',
      'review status none (never flagged) combines with no other review status',
      requested,
      [REVIEW_STATUS_FILTER],
    );
  }
  const unsupported = [
    ...others.filter((e) => !REVIEW_COMBINABLE.includes(e.field)).map((e) => e.field),
    ...(request.contains ? [request.contains.field] : []),
  ];
  if (unsupported.length > 0) {
    throw new LogQueryPlanError(
      'unsupported_combination',
      `a review status filter combines only with ${REVIEW_COMBINABLE.join(' and ')}, not ${unsupported.join(' + ')}`,
      [...requested, ...(request.contains ? [request.contains.field] : [])],
      [REVIEW_STATUS_FILTER],
    );
  }
  return planOn(
    COLLECTIONS.reviews,
    { ...request, contains: null, equals: [...others, { field: 'status', values: statuses }] },
    reviewCatalog,
  );
}

/** Plans an already resolved request on one collection. */
function planOn<T>(
  collection: LogQueryPlan['collection'],
  request: Omit<LogQueryRequest<T>, 'equals'> & {
    equals: ReadonlyArray<{ readonly field: string; readonly values: readonly Scalar[] }>;
  },
  catalog: IndexCatalog,
): LogQueryPlan<T> {
  const { tenantId } = request;
  if (tenantId !== null && !isTenantId(tenantId)) {
    throw new LogQueryPlanError('no_tenant', 'a query needs the tenant id of its caller');
  }
  const where: Array<WhereClause<T>> = tenantId === null ? [] : [{ field: 'tenantId', op: '==', value: tenantId }];
  const equality: string[] = tenantId === null ? [] : ['tenantId'];
  let disjunctions = 1;
  for (const { field, values } of request.equals) {
    const effective = field === 'status' ? values : effectiveValues(field as EqualityField, values);
    if (effective.length === 0) continue;
    equality.push(field);
    const [only] = effective;
    if (effective.length === 1 && only !== undefined) where.push({ field, op: '==', value: only });
    else {
      where.push({ field, op: 'in', value: effective });
      disjunctions *= effective.length;
    }
  }
  const contains = request.contains ?? null;
  const anyOf = contains && 'anyOf' in contains ? [...new Set(contains.anyOf)] : null;
  if (anyOf !== null && anyOf.length > 1) disjunctions *= anyOf.length;
  const requested = [...equality.filter((f) => f !== 'tenantId'), ...(contains ? [contains.field] : [])];
  if (disjunctions > MAX_DISJUNCTIONS) {
    throw new LogQueryPlanError(
      'too_many_alternatives',
      `the conditions expand to ${disjunctions} alternatives; Firestore allows ${MAX_DISJUNCTIONS}`,
      requested,
      [],
      disjunctions,
    );
  }
  if (contains) {
    // One alternative is a plain array-contains (the shape every keyword query already has).
    const values = anyOf ?? [(contains as { value: string }).value];
    const [only] = values;
    if (values.length === 1 && only !== undefined)
      where.push({ field: contains.field, op: 'array-contains', value: only });
    else where.push({ field: contains.field, op: 'array-contains-any', value: values });
  }
  const orderBy = request.orderBy ?? DEFAULT_ORDER;
  const shape: IndexShape | undefined = catalog.find(equality, contains?.field ?? null, orderBy);
  if (shape === undefined) throw refusal(collection, equality, contains?.field ?? null, orderBy, catalog);
  for (const bound of request.range ?? []) where.push({ field: orderBy.field, op: bound.op, value: bound.value });
  return { collection, tenantId, where, orderBy, index: shape.fields };
}

/** Whether a request would plan, without planning it (to offer only runnable choices). */
export function logQueryServed(request: LogQueryRequest<unknown>, catalog: IndexCatalog = LOG_INDEX_CATALOG): boolean {
  try {
    planLogQuery(request, catalog);
    return true;
  } catch (err) {
    if (err instanceof LogQueryPlanError) return false;
    throw err;
  }
}
