import { CATEGORIES, LEVELS } from './catalog';
import { OPERATIONS, OUTCOMES, REVIEW_STATUSES } from './enums';

/**
 * The filter model of `audit_logs`: which stored fields a query may constrain and how. Equality
 * fields take `==` (one value) or `in` (several); the contains field takes one `array-contains`;
 * an order field is what a query sorts by, and the only field it may bound with a range, because
 * Firestore requires an inequality to be on the first sort field. A closed value list lets the
 * planner drop a condition that selects every value, which needs one index fewer.
 */
export const LOG_FIELDS = {
  tenantId: { kind: 'equality' },
  category: { kind: 'equality', values: CATEGORIES },
  level: { kind: 'equality', values: LEVELS },
  outcome: { kind: 'equality', values: OUTCOMES },
  operation: { kind: 'equality', values: OPERATIONS },
  requiresReview: { kind: 'equality', values: [true, false] },
  eventType: { kind: 'equality' },
  'actor.id': { kind: 'equality' },
  'resource.type': { kind: 'equality' },
  'resource.id': { kind: 'equality' },
  'context.correlationId': { kind: 'equality' },
  source: { kind: 'equality' },
  searchTokens: { kind: 'contains' },
  occurredAt: { kind: 'order' },
  recordedAt: { kind: 'order' },
  sequence: { kind: 'order' },
} as const satisfies Readonly<
  Record<string, { kind: 'equality' | 'contains' | 'order'; values?: readonly (string | boolean)[] }>
>;

type FieldsOfKind<K> = {
  [F in keyof typeof LOG_FIELDS]: (typeof LOG_FIELDS)[F]['kind'] extends K ? F : never;
}[keyof typeof LOG_FIELDS];
export type LogField = keyof typeof LOG_FIELDS;
export type EqualityField = FieldsOfKind<'equality'>;
export type ContainsField = FieldsOfKind<'contains'>;
export type OrderField = FieldsOfKind<'order'>;

/**
 * The review-status filter. Not a field of `audit_logs` (entries never change; review state is
 * `status` of `audit_reviews/{logId}`): the planner runs a listing that filters by it on
 * `audit_reviews`, which copies the entry fields it can combine with.
 */
export const REVIEW_STATUS_FILTER = 'reviewStatus';
export const REVIEW_STATUS_VALUES = REVIEW_STATUSES;
/** What a shared filter key constrains: a field of `audit_logs`, or the review status. */
export type FilterField = EqualityField | typeof REVIEW_STATUS_FILTER;

/** Where every tenant-facing listing starts: newest first by when the event happened. */
export const DEFAULT_ORDER = { field: 'occurredAt', direction: 'desc' } as const satisfies {
  field: OrderField;
  direction: 'asc' | 'desc';
};

/**
 * The filter keys the console's search (web `LogFilter`) and the export share, and the field each
 * constrains, in the order their conditions are emitted. List keys match any of their values.
 */
export const LOG_FILTER_KEYS = [
  { key: 'categories', field: 'category' },
  { key: 'levels', field: 'level' },
  { key: 'outcomes', field: 'outcome' },
  { key: 'operations', field: 'operation' },
  { key: 'reviewStatuses', field: 'reviewStatus' },
  { key: 'eventType', field: 'eventType' },
  { key: 'actorId', field: 'actor.id' },
  { key: 'resourceType', field: 'resource.type' },
  { key: 'resourceId', field: 'resource.id' },
  { key: 'correlationId', field: 'context.correlationId' },
] as const satisfies ReadonlyArray<{ key: string; field: FilterField }>;
export type LogFilterKey = (typeof LOG_FILTER_KEYS)[number]['key'];

/** The shared filter's keyword: one lower-cased search token. */
export const KEYWORD_FIELD: ContainsField = 'searchTokens';

/** A filter with the shared keys; null, undefined and an empty list all mean "no condition". */
export type LogFilterValues = {
  readonly [K in LogFilterKey]?: string | readonly string[] | null;
} & { readonly keyword?: string | null };

/** The equality conditions and keyword of a shared filter, ready for `planLogQuery`. */
export function filterConditions(filter: LogFilterValues): {
  equals: Array<{ field: FilterField; values: readonly string[] }>;
  contains: { field: ContainsField; value: string } | null;
} {
  const equals = LOG_FILTER_KEYS.map(({ key, field }) => {
    const value = filter[key];
    const values = value === null || value === undefined ? [] : typeof value === 'string' ? [value] : value;
    return { field, values };
  }).filter((c) => c.values.length > 0);
  const keyword = filter.keyword;
  const contains = typeof keyword === 'string' ? { field: KEYWORD_FIELD, value: keyword } : null;
  return { equals, contains };
}
