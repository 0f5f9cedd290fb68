import { z } from 'zod';
import { CATEGORIES, LEVELS } from '../catalog';
import { REVIEW_STATUSES } from '../classify';
import { normalizeInstant } from '../entry';
import { OUTCOMES } from '../envelope';
import { ExportError, assertExport, issuesToFieldErrors } from './errors';

/**
 * The console's filter model (web/src/app/logs/filters/log-filter.ts) as the export worker runs
 * it: every filter narrows (AND), list filters match any of their values, `keyword` matches one
 * lower-cased search token, and the time range is `[from, to)` in absolute instants (the console
 * resolves "last 7 days" before it asks). The tenant is not part of the filter: it always comes
 * from the caller's claims.
 */

const iso = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .array(z.enum(values, `must be one of ${values.join(', ')}`))
    .max(values.length, `must list at most ${values.length} values`)
    .transform((v) => [...new Set(v)])
    .default([]);

export const exportFilterSchema = z
  .strictObject({
    from: iso.optional(),
    to: iso.optional(),
    categories: list(CATEGORIES),
    levels: list(LEVELS),
    outcomes: list(OUTCOMES),
    reviewStatuses: list(REVIEW_STATUSES),
    eventType: text(128).optional(),
    actorId: text(256).optional(),
    resourceType: text(64).optional(),
    resourceId: text(256).optional(),
    correlationId: text(128).optional(),
    keyword: text(128)
      .transform((k) => k.toLowerCase())
      .optional(),
  })
  .refine((f) => f.resourceId === undefined || f.resourceType !== undefined, {
    message: 'needs resourceType as well',
    path: ['resourceId'],
  })
  .refine((f) => f.from === undefined || f.to === undefined || Date.parse(f.from) < Date.parse(f.to), {
    message: 'must be before to',
    path: ['from'],
  });
export type ExportFilter = z.infer<typeof exportFilterSchema>;

/** Parses a filter; `invalid_argument` with field-level messages (paths under `filter.`) otherwise. */
export function parseExportFilter(input: unknown): ExportFilter {
  const parsed = exportFilterSchema.safeParse(input ?? {});
  if (parsed.success) {
    const f = parsed.data;
    return {
      ...f,
      ...(f.from !== undefined ? { from: normalizeInstant(f.from) } : {}),
      ...(f.to !== undefined ? { to: normalizeInstant(f.to) } : {}),
    };
  }
  throw new ExportError(
    'invalid_argument',
    'the filter breaks a rule',
    issuesToFieldErrors(parsed.error.issues).map((e) => ({ ...e, path: e.path ? `filter.${e.path}` : 'filter' })),
  );
}

/** One condition of a plan; the Firestore adapter maps it one to one onto `where()`. */
export interface ExportWhere {
  field: string;
  op: '==' | 'in' | 'array-contains';
  value: string | boolean | readonly string[];
}

/** What the worker runs: always `tenantId ==`, then equality filters, newest first within `[from, to)`. */
export interface ExportQueryPlan {
  tenantId: string;
  where: ExportWhere[];
  /** Inclusive lower bound of `occurredAt` (ISO, UTC). */
  from?: string;
  /** Exclusive upper bound of `occurredAt` (ISO, UTC). */
  to?: string;
}

/**
 * Equality field sets (plus an optional `searchTokens` array-contains) that a composite index
 * `(tenantId, ...fields, occurredAt DESC)` in firestore.indexes.json serves; a unit spec checks
 * every one against that file. The emulator serves any query, so this list is the only guard
 * against a filter that would fail in production with "requires an index".
 */
export const SERVED_SHAPES: ReadonlyArray<{ equality: readonly string[]; keyword: boolean }> = [
  { equality: [], keyword: false },
  { equality: ['category'], keyword: false },
  { equality: ['level'], keyword: false },
  { equality: ['eventType'], keyword: false },
  { equality: ['actor.id'], keyword: false },
  { equality: ['outcome'], keyword: false },
  { equality: ['reviewStatus'], keyword: false },
  { equality: ['resource.type'], keyword: false },
  { equality: ['resource.type', 'resource.id'], keyword: false },
  { equality: ['context.correlationId'], keyword: false },
  { equality: ['category', 'level'], keyword: false },
  { equality: ['category', 'outcome'], keyword: false },
  { equality: ['category', 'reviewStatus'], keyword: false },
  { equality: ['level', 'outcome'], keyword: false },
  { equality: ['level', 'reviewStatus'], keyword: false },
  { equality: ['requiresReview', 'reviewStatus'], keyword: false },
  { equality: ['actor.id', 'category'], keyword: false },
  { equality: ['actor.id', 'level'], keyword: false },
  { equality: ['actor.id', 'outcome'], keyword: false },
  { equality: ['actor.id', 'eventType'], keyword: false },
  { equality: ['eventType', 'outcome'], keyword: false },
  { equality: [], keyword: true },
  { equality: ['category'], keyword: true },
  { equality: ['level'], keyword: true },
];

/** Firestore allows at most 30 disjunctions per query once `in` lists are multiplied out. */
export const MAX_DISJUNCTIONS = 30;

const EQUALITY: ReadonlyArray<{ key: keyof ExportFilter; field: string; all: number }> = [
  { key: 'categories', field: 'category', all: CATEGORIES.length },
  { key: 'levels', field: 'level', all: LEVELS.length },
  { key: 'outcomes', field: 'outcome', all: OUTCOMES.length },
  { key: 'reviewStatuses', field: 'reviewStatus', all: REVIEW_STATUSES.length },
  { key: 'eventType', field: 'eventType', all: Infinity },
  { key: 'actorId', field: 'actor.id', all: Infinity },
  { key: 'resourceType', field: 'resource.type', all: Infinity },
  { key: 'resourceId', field: 'resource.id', all: Infinity },
  { key: 'correlationId', field: 'context.correlationId', all: Infinity },
];

/** Whether an index serves the equality fields (any order) with or without a keyword. */
export function shapeServed(equality: readonly string[], keyword: boolean): boolean {
  const key = [...equality].sort().join('+');
  return SERVED_SHAPES.some((s) => s.keyword === keyword && [...s.equality].sort().join('+') === key);
}

/**
 * Plans the query of `filter` within `tenantId`. Selecting every value of a list is the same as
 * no condition and is left out (one index fewer). Throws `unsupported_filter_combination` when no
 * index serves the combination and `invalid_argument` when `in` lists multiply past 30.
 */
export function planExportQuery(tenantId: string, filter: ExportFilter): ExportQueryPlan {
  const where: ExportWhere[] = [{ field: 'tenantId', op: '==', value: tenantId }];
  const fields: string[] = [];
  let disjunctions = 1;
  for (const spec of EQUALITY) {
    const raw = filter[spec.key];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || values.length >= spec.all) continue;
    fields.push(spec.field);
    if (values.length === 1) where.push({ field: spec.field, op: '==', value: values[0]! });
    else {
      where.push({ field: spec.field, op: 'in', value: values });
      disjunctions *= values.length;
    }
  }
  assertExport(disjunctions <= MAX_DISJUNCTIONS, 'invalid_argument', 'too many alternatives', [
    { path: 'filter', message: `expands to ${disjunctions} alternatives; at most ${MAX_DISJUNCTIONS} are allowed` },
  ]);
  const keyword = filter.keyword !== undefined;
  if (keyword) where.push({ field: 'searchTokens', op: 'array-contains', value: filter.keyword! });
  assertExport(
    shapeServed(fields, keyword),
    'unsupported_filter_combination',
    `filtering by ${[...fields, ...(keyword ? ['keyword'] : [])].join(' and ')} together is not supported`,
    [{ path: 'filter', message: 'no index serves this combination of filters; remove one of them' }],
  );
  return {
    tenantId,
    where,
    ...(filter.from !== undefined ? { from: filter.from } : {}),
    ...(filter.to !== undefined ? { to: filter.to } : {}),
  };
}

/** A short human summary of a filter, for the report cover and the export list. */
export function describeExportFilter(filter: ExportFilter): string {
  const parts: string[] = [];
  const many = (name: string, values: readonly string[]) => {
    if (values.length > 0) parts.push(`${name} ${values.join(' or ')}`);
  };
  many('category', filter.categories);
  many('level', filter.levels);
  many('outcome', filter.outcomes);
  many('review', filter.reviewStatuses);
  if (filter.eventType) parts.push(`type ${filter.eventType}`);
  if (filter.actorId) parts.push(`actor ${filter.actorId}`);
  if (filter.resourceType)
    parts.push(`resource ${filter.resourceType}${filter.resourceId ? `/${filter.resourceId}` : ''}`);
  if (filter.correlationId) parts.push(`correlation ${filter.correlationId}`);
  if (filter.keyword) parts.push(`"${filter.keyword}"`);
  if (filter.from || filter.to) parts.push(`${filter.from ?? '…'} to ${filter.to ?? 'now'}`);
  return parts.length > 0 ? parts.join(', ') : 'all entries';
}
