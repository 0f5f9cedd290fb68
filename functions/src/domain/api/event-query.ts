import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../canonical';
import { CATEGORIES, LEVELS } from '../catalog';
import { normalizeInstant } from '../entry';
import { OPERATIONS, OUTCOMES } from '../envelope';
import { actorEmailSchema, actorEmailTokens, type BlindIndexOf } from '../privacy/person-search';
import { ApiError, assertApi, fieldErrorsOf } from './errors';
import {
  KEYWORD_FIELD,
  LogQueryPlanError,
  logQueryServed,
  planLogQuery,
  type LogQueryPlan,
} from '@audit-log/model/query-plan';

/**
 * `GET /v1/events`: the query parameters of machine consumers, the query plan they map to, and
 * the opaque cursor. Every plan is `tenantId ==` (always the key's tenant), equality filters,
 * an optional `occurredAt` range, newest first; so each served combination of equality filters
 * needs one composite index `(tenantId, ...fields, occurredAt DESC)` in firestore.indexes.json.
 */

/** Query parameter → stored field, for the equality filters. */
export const FILTER_FIELDS = {
  actor_id: 'actor.id',
  event_type: 'eventType',
  category: 'category',
  level: 'level',
  outcome: 'outcome',
  operation: 'operation',
} as const;
export type FilterParam = keyof typeof FILTER_FIELDS;
export type FilterField = (typeof FILTER_FIELDS)[FilterParam];

/**
 * Combinations of equality filters the API serves: every set of parameters whose fields a
 * composite index in firestore.indexes.json serves, as the model's planner reads it. `from`/`to`
 * combine with all of them: the range is on `occurredAt`, the index's last field. Anything else is
 * refused rather than left to fail in production with a missing-index error (the emulator does
 * not enforce indexes).
 */
export const SERVED_COMBINATIONS: ReadonlyArray<readonly FilterParam[]> = servedCombinations();

function servedCombinations(): FilterParam[][] {
  const params = Object.keys(FILTER_FIELDS) as FilterParam[];
  const served: FilterParam[][] = [];
  for (let mask = 0; mask < 1 << params.length; mask++) {
    const combo = params.filter((_, i) => mask & (1 << i));
    const equals = combo.map((name) => ({ field: FILTER_FIELDS[name], values: ['x'] }));
    if (logQueryServed({ tenantId: 'x', equals })) served.push(combo);
  }
  // Fewest filters first, so the list reads from single filters to pairs.
  return served.sort((a, b) => a.length - b.length);
}

export const QUERY_LIMITS = { defaultPageSize: 50, maxPageSize: 500, maxEventTypes: 30 } as const;

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

const paramsSchema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  actor_id: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters').optional(),
  actor_email: actorEmailSchema.optional(),
  event_type: z
    .string()
    .transform((value) => [...new Set(value.split(',').map((t) => t.trim()))])
    .pipe(
      z
        .array(z.string().regex(EVENT_TYPE, 'must list dotted lower_snake_case event types, separated by commas'))
        .max(QUERY_LIMITS.maxEventTypes, `must list at most ${QUERY_LIMITS.maxEventTypes} event types`),
    )
    .optional(),
  category: z.enum(CATEGORIES, `must be one of ${CATEGORIES.join(', ')}`).optional(),
  level: z.enum(LEVELS, `must be one of ${LEVELS.join(', ')}`).optional(),
  outcome: z.enum(OUTCOMES, `must be one of ${OUTCOMES.join(', ')}`).optional(),
  operation: z.enum(OPERATIONS, `must be one of ${OPERATIONS.join(', ')}`).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, 'must be at least 1')
        .max(QUERY_LIMITS.maxPageSize, `must be at most ${QUERY_LIMITS.maxPageSize}`),
    )
    .optional(),
  cursor: z.string().max(1024, 'must be at most 1024 characters').optional(),
});

/** A position in the newest-first order: the entry's `occurredAt` (as a Timestamp holds it) and id. */
export interface CursorPosition {
  seconds: number;
  nanos: number;
  logId: string;
}

export interface EqualityFilter {
  field: FilterField;
  op: '==' | 'in';
  value: string | string[];
}

/** `actor_email`: the person's search tokens (clear and blind), any of which matches. */
export interface PersonFilter {
  field: typeof KEYWORD_FIELD;
  op: 'array-contains' | 'array-contains-any';
  value: string | string[];
}

/** What the store adapter runs. `fingerprint` binds cursors to the tenant and filters. */
export interface EventQueryPlan {
  tenantId: string;
  filters: Array<EqualityFilter | PersonFilter>;
  /** Inclusive lower bound of `occurredAt` (ISO, UTC). */
  from?: string;
  /** Exclusive upper bound of `occurredAt` (ISO, UTC). */
  to?: string;
  pageSize: number;
  after?: CursorPosition;
  fingerprint: string;
}

function describeCombination(params: readonly string[]): string {
  return params.length === 0 ? 'no filter' : params.join('+');
}

/** Filters `actor_email` combines with: those an index serves together with search tokens. */
export const COMBINABLE_WITH_EMAIL: readonly FilterParam[] = (Object.keys(FILTER_FIELDS) as FilterParam[]).filter(
  (name) =>
    logQueryServed({
      tenantId: 'x',
      equals: [{ field: FILTER_FIELDS[name], values: ['x'] }],
      contains: { field: KEYWORD_FIELD, value: 'x' },
    }),
);

/** A refused combination as an API error, one field error per parameter involved. */
function unsupported(used: readonly string[], byEmail: boolean): ApiError {
  const combos = byEmail
    ? `actor_email alone or with one of ${COMBINABLE_WITH_EMAIL.join(', ')}`
    : `any single filter, ${SERVED_COMBINATIONS.filter((c) => c.length > 1)
        .map(describeCombination)
        .join(', ')}`;
  return new ApiError('unsupported_filter_combination', `filters ${describeCombination(used)} cannot be combined`, {
    errors: used.map((name) => ({ path: name, message: `combines only as: ${combos}` })),
  });
}

/**
 * Turns query parameters (every value of every name, as a URL holds them) into a plan for the
 * caller's tenant, or throws `invalid_argument`, `unsupported_filter_combination` or
 * `invalid_cursor` with field-level errors addressed by parameter name. `blindIndex` computes the
 * tenant's blind-index token of an `actor_email` (absent without a KEK: then only entries stored
 * in clear can hold the address).
 */
export function planEventQuery(
  tenantId: string,
  query: Readonly<Record<string, readonly string[]>>,
  blindIndex?: BlindIndexOf,
): EventQueryPlan {
  const repeated = Object.entries(query).filter(([, values]) => values.length > 1);
  assertApi(repeated.length === 0, 'invalid_argument', 'a query parameter was given more than once', {
    errors: repeated.map(([name]) => ({ path: name, message: 'must be given at most once' })),
  });
  const known = Object.keys(paramsSchema.shape);
  const unknown = Object.keys(query).filter((name) => !known.includes(name));
  assertApi(unknown.length === 0, 'invalid_argument', 'unknown query parameter', {
    errors: unknown.map((name) => ({ path: name, message: `is not a parameter; known: ${known.join(', ')}` })),
  });
  const single = Object.fromEntries(Object.entries(query).map(([name, values]) => [name, values[0]]));
  const parsed = paramsSchema.safeParse(single);
  if (!parsed.success) {
    throw new ApiError('invalid_argument', 'a query parameter breaks a rule', {
      errors: fieldErrorsOf(parsed.error.issues),
    });
  }
  const params = parsed.data;
  const from = params.from === undefined ? undefined : normalizeInstant(params.from);
  const to = params.to === undefined ? undefined : normalizeInstant(params.to);
  assertApi(from === undefined || to === undefined || from < to, 'invalid_argument', 'the time range is empty', {
    errors: [{ path: 'to', message: 'must be later than from' }],
  });

  const used = (Object.keys(FILTER_FIELDS) as FilterParam[]).filter((name) => params[name] !== undefined);
  const email = params.actor_email;
  let planned: LogQueryPlan;
  try {
    planned = planLogQuery({
      tenantId,
      equals: used.map((name) => {
        const value = params[name]!;
        return { field: FILTER_FIELDS[name], values: Array.isArray(value) ? value : [value] };
      }),
      contains: email === undefined ? null : { field: KEYWORD_FIELD, anyOf: actorEmailTokens(email, blindIndex) },
    });
  } catch (err) {
    if (!(err instanceof LogQueryPlanError)) throw err;
    const names = email === undefined ? used : [...used, 'actor_email'];
    if (err.code === 'unsupported_combination') throw unsupported(names, email !== undefined);
    // Two tokens of a person times an event_type list of 30 exceed Firestore's 30 alternatives.
    throw new ApiError('invalid_argument', 'too many alternatives', {
      errors: [
        { path: 'event_type', message: `lists too many types to combine with actor_email (${err.disjunctions} > 30)` },
      ],
    });
  }
  // Without a range in the request the planner emits `tenantId ==`, then one condition per filter.
  const filters = planned.where.filter((c) => c.field !== 'tenantId') as Array<EqualityFilter | PersonFilter>;
  const fingerprint = sha256Hex(canonicalJson({ tenantId, filters, from, to })).slice(0, 16);
  const plan: EventQueryPlan = {
    tenantId,
    filters,
    pageSize: params.limit ?? QUERY_LIMITS.defaultPageSize,
    fingerprint,
  };
  if (from !== undefined) plan.from = from;
  if (to !== undefined) plan.to = to;
  if (params.cursor !== undefined) plan.after = decodeCursor(params.cursor, fingerprint);
  return plan;
}

/**
 * Seconds a Firestore Timestamp can hold (0001-01-01 to 9999-12-31). A forged cursor beyond them
 * would make the query adapter throw, so it is refused here as bad input.
 */
const TIMESTAMP_SECONDS = { min: -62_135_596_800, max: 253_402_300_799 } as const;

const cursorSchema = z.strictObject({
  v: z.literal(1),
  s: z.number().int().min(TIMESTAMP_SECONDS.min).max(TIMESTAMP_SECONDS.max),
  n: z.number().int().min(0).max(999_999_999),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  f: z.string(),
});

/** The opaque cursor after `position` for a plan; consumers pass it back as `cursor`. */
export function encodeCursor(plan: EventQueryPlan, position: CursorPosition): string {
  const body = { v: 1, s: position.seconds, n: position.nanos, id: position.logId, f: plan.fingerprint };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Reads a cursor, refusing one that was not issued for the same tenant and filters. */
export function decodeCursor(cursor: string, fingerprint: string): CursorPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    value = undefined;
  }
  const parsed = cursorSchema.safeParse(value);
  assertApi(parsed.success, 'invalid_cursor', 'the cursor is not one this API issued', {
    errors: [{ path: 'cursor', message: 'must be a next_cursor value returned by this API' }],
  });
  assertApi(parsed.data.f === fingerprint, 'invalid_cursor', 'the cursor belongs to other filters', {
    errors: [{ path: 'cursor', message: 'must be used with the same filters as the page that returned it' }],
  });
  return { seconds: parsed.data.s, nanos: parsed.data.n, logId: parsed.data.id };
}

/**
 * One page from `pageSize + 1` rows read in order: the extra row only proves that another page
 * exists, so `next_cursor` is null exactly on the last page.
 */
export function pageOf<T>(
  plan: EventQueryPlan,
  rows: readonly T[],
  positionOf: (row: T) => CursorPosition,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, plan.pageSize);
  const last = items[items.length - 1];
  const nextCursor = rows.length > plan.pageSize && last !== undefined ? encodeCursor(plan, positionOf(last)) : null;
  return { items, nextCursor };
}
