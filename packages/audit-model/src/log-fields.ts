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

/**
 * The shared filter key of a search by a person's e-mail. The address itself never reaches a
 * query: the server resolves it to the person's search tokens (the lower-cased address, which
 * entries stored in clear carry, and the tenant's blind-index token, which sealed entries carry),
 * and the query matches any of them.
 */
export const ACTOR_EMAIL_KEY = 'actorEmail';

/** A filter with the shared keys; null, undefined and an empty list all mean "no condition". */
export type LogFilterValues = {
  readonly [K in LogFilterKey]?: string | readonly string[] | null;
} & {
  readonly keyword?: string | null;
  /** The search tokens the server resolved for an `actorEmail` filter (see {@link ACTOR_EMAIL_KEY}). */
  readonly actorTokens?: readonly string[] | null;
};

/** The equality conditions and keyword of a shared filter, ready for `planLogQuery`. */
export function filterConditions(filter: LogFilterValues): {
  equals: Array<{ field: FilterField; values: readonly string[] }>;
  contains: { field: ContainsField; value: string } | { field: ContainsField; anyOf: readonly string[] } | null;
} {
  const equals = LOG_FILTER_KEYS.map(({ key, field }) => {
    const value = filter[key];
    const values = value === null || value === undefined ? [] : typeof value === 'string' ? [value] : value;
    return { field, values };
  }).filter((c) => c.values.length > 0);
  const keyword = filter.keyword;
  const people = filter.actorTokens;
  // Both match search tokens and a query holds one array condition: each surface refuses the
  // pair with a field error before it gets here, so keeping the person's tokens is never a guess.
  if (people && people.length > 0) return { equals, contains: { field: KEYWORD_FIELD, anyOf: people } };
  const contains = typeof keyword === 'string' ? { field: KEYWORD_FIELD, value: keyword } : null;
  return { equals, contains };
}
