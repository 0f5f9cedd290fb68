import { COLLECTIONS } from './collections';
import { IndexCatalog, type IndexShape, type SortDirection } from './index-catalog';
import { LOG_FIELDS, DEFAULT_ORDER, type ContainsField, type EqualityField, type OrderField } from './log-fields';
import { LOG_INDEXES } from './log-indexes';

/**
 * The one query planner of `audit_logs`. Every surface that lists entries (the console, the
 * export, `GET /v1/events`) maps its own filter onto a `LogQueryRequest` and runs the plan it
 * gets back; so a combination is runnable exactly when an index in firestore.indexes.json serves
 * it, and each surface words a refusal in its own names. Pure and free of zod and Node, so the
 * console bundles it.
 */
export * from './index-catalog';
export * from './log-fields';

export type Scalar = string | boolean;
export type RangeOp = '>=' | '>' | '<' | '<=';
export type WhereOp = '==' | 'in' | 'array-contains' | RangeOp;

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
  /** Equality conditions, emitted in this order: one value is `==`, several `in`, none nothing. */
  readonly equals?: ReadonlyArray<{ readonly field: EqualityField; readonly values: readonly Scalar[] }>;
  readonly contains?: { readonly field: ContainsField; readonly value: string } | null;
  /** Defaults to `occurredAt` descending. */
  readonly orderBy?: { readonly field: OrderField; readonly direction: SortDirection };
  /** Bounds on the sort field, the only field a range may constrain. */
  readonly range?: ReadonlyArray<{ readonly op: RangeOp; readonly value: T }>;
}

export interface LogQueryPlan<T = never> {
  readonly collection: typeof COLLECTIONS.logs;
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

/** Equality values that constrain anything: a list holding every value of a closed list is none. */
function effectiveValues(field: EqualityField, values: readonly Scalar[]): readonly Scalar[] {
  const unique = [...new Set(values)];
  const domain: readonly Scalar[] | undefined = (LOG_FIELDS[field] as { values?: readonly Scalar[] }).values;
  return domain !== undefined && domain.every((v) => unique.includes(v)) ? [] : unique;
}

function refusal(
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
    `no index on ${COLLECTIONS.logs} serves ${requested.join(' + ') || 'no filter'} sorted by ${order.field} ${order.direction}`,
    requested,
    suggestions,
  );
}

/**
 * Plans `request` against the project's indexes (or `catalog`). Throws `LogQueryPlanError` for a
 * malformed tenant, `in` lists past {@link MAX_DISJUNCTIONS}, or a combination no index serves.
 */
export function planLogQuery<T = never>(
  request: LogQueryRequest<T>,
  catalog: IndexCatalog = LOG_INDEX_CATALOG,
): LogQueryPlan<T> {
  const { tenantId } = request;
  if (tenantId !== null && !isTenantId(tenantId)) {
    throw new LogQueryPlanError('no_tenant', 'a query needs the tenant id of its caller');
  }
  const where: Array<WhereClause<T>> = tenantId === null ? [] : [{ field: 'tenantId', op: '==', value: tenantId }];
  const equality: string[] = tenantId === null ? [] : ['tenantId'];
  let disjunctions = 1;
  for (const { field, values } of request.equals ?? []) {
    const effective = effectiveValues(field, values);
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
  if (contains) where.push({ field: contains.field, op: 'array-contains', value: contains.value });
  const orderBy = request.orderBy ?? DEFAULT_ORDER;
  const shape: IndexShape | undefined = catalog.find(equality, contains?.field ?? null, orderBy);
  if (shape === undefined) throw refusal(equality, contains?.field ?? null, orderBy, catalog);
  for (const bound of request.range ?? []) where.push({ field: orderBy.field, op: bound.op, value: bound.value });
  return { collection: COLLECTIONS.logs, tenantId, where, orderBy, index: shape.fields };
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
