import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../canonical';
import { CATEGORIES, LEVELS } from '../catalog';
import { OPERATIONS, OUTCOMES } from '../envelope';
import { ArchiveError } from './errors';
import { isoMicrosToMillis, millisToIsoMicros } from './instant';
import { utcDate } from './layout';
import { fieldErrorsOf } from '@audit-log/model';
import { actorEmailSchema, actorEmailTokens } from '../privacy/person-search';

const iso = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });
const token = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** The console's id of one query, shared by all the requests that read it. */
export const queryIdSchema = z
  .string('must be a string')
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16..64 of A-Z a-z 0-9 _ - (one per query)');

/**
 * The console's filter model, applied to the cold tier: every filter narrows (AND); list filters
 * match any of their values; `keyword` matches one search token exactly, lower-cased, as the
 * console's `array-contains` does. Time range is `[from, to)`.
 */
export const coldSearchRequestSchema = z
  .strictObject({
    /** Only a platform admin may name a tenant; everyone else searches their own. */
    tenantId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a tenant id')
      .optional(),
    from: iso.optional(),
    to: iso.optional(),
    categories: z
      .array(z.enum(CATEGORIES, `must be one of ${CATEGORIES.join(', ')}`))
      .max(8)
      .optional(),
    levels: z
      .array(z.enum(LEVELS, `must be one of ${LEVELS.join(', ')}`))
      .max(4)
      .optional(),
    eventTypes: z.array(token(128)).max(30, 'must list at most 30 event types').optional(),
    actorId: token(256).optional(),
    resourceType: token(64).optional(),
    resourceId: token(256).optional(),
    outcome: z.enum(OUTCOMES, `must be one of ${OUTCOMES.join(', ')}`).optional(),
    operations: z
      .array(z.enum(OPERATIONS, `must be one of ${OPERATIONS.join(', ')}`))
      .max(OPERATIONS.length, `must list at most ${OPERATIONS.length} operations`)
      .optional(),
    keyword: token(128).optional(),
    /** A person's address: matches their entries stored in clear or sealed (see person-search). */
    actorEmail: actorEmailSchema.optional(),
    /** One entry by id (entry detail of an archived row); with the day as the range, one day is read. */
    logId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a log id')
      .optional(),
    pageSize: z.number().int().min(1).max(200, 'must be at most 200').default(50),
    cursor: z.string().max(2048).optional(),
    /** The console's query this page belongs to: its pages are recorded once (see domain/access). */
    queryId: queryIdSchema.optional(),
  })
  .refine((r) => r.resourceId === undefined || r.resourceType !== undefined, {
    message: 'needs resourceType as well',
    path: ['resourceId'],
  })
  .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.from) < Date.parse(r.to), {
    message: 'must be before to',
    path: ['from'],
  })
  // Both match search tokens: the warm tier's query holds one such condition, and both tiers
  // answer the same filters.
  .refine((r) => r.actorEmail === undefined || r.keyword === undefined, {
    message: 'cannot be combined with keyword: both match search tokens',
    path: ['actorEmail'],
  });
export type ColdSearchRequest = z.infer<typeof coldSearchRequestSchema>;

/** Parses a request; field-level messages on failure. */
export function parseColdSearchRequest(input: unknown): ColdSearchRequest {
  const parsed = coldSearchRequestSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const errors = fieldErrorsOf(parsed.error.issues);
  throw new ArchiveError('invalid_argument', 'invalid search request', errors);
}

/** Position after the last row returned: rows sort by (occurredAt desc, logId desc), as hot search does. */
export interface SearchPosition {
  occurredAt: string;
  logId: string;
}

const cursorSchema = z.strictObject({ v: z.literal(1), t: z.string(), o: z.string(), i: z.string(), f: z.string() });

/**
 * Fingerprint of everything that defines a result set; a cursor is valid only for the same one.
 * Paging (cursor, page size) and the console's query id are not part of it.
 */
export function filterFingerprint(tenantId: string, req: ColdSearchRequest): string {
  const { cursor: _c, pageSize: _p, queryId: _q, ...filters } = req;
  return sha256Hex(canonicalJson({ ...filters, tenantId })).slice(0, 16);
}

/** Opaque cursor: base64url JSON of the position, tenant and filter fingerprint. */
export function encodeCursor(tenantId: string, req: ColdSearchRequest, pos: SearchPosition): string {
  const body = { v: 1, t: tenantId, o: pos.occurredAt, i: pos.logId, f: filterFingerprint(tenantId, req) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, tenantId: string, req: ColdSearchRequest): SearchPosition {
  let body: z.infer<typeof cursorSchema>;
  try {
    body = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    isoMicrosToMillis(body.o);
  } catch {
    throw new ArchiveError('invalid_cursor', 'cursor is malformed', [
      { path: 'cursor', message: 'is not a cursor of this search' },
    ]);
  }
  if (body.t !== tenantId || body.f !== filterFingerprint(tenantId, req)) {
    throw new ArchiveError('invalid_cursor', 'cursor was issued for other filters', [
      { path: 'cursor', message: 'belongs to a different tenant or filter set' },
    ]);
  }
  return { occurredAt: body.o, logId: body.i };
}

/**
 * The position that resumes a search just before a day: nothing at or after its start. Used when a
 * call stops at its day budget without filling the page.
 */
export function positionBeforeDay(date: string): SearchPosition {
  return { occurredAt: millisToIsoMicros(Date.parse(`${date}T00:00:00.000Z`)), logId: '' };
}

/** The UTC days a search may touch, newest first, given the request range and cursor. */
export function searchDays(
  req: ColdSearchRequest,
  position: SearchPosition | null,
  nowMs: number,
): { first: string; last: string } {
  const toMs = req.to !== undefined ? Date.parse(req.to) - 1 : nowMs;
  let newest = utcDate(toMs);
  if (position) {
    // An empty logId means "strictly before this instant" (positionBeforeDay).
    const posDay = utcDate(isoMicrosToMillis(position.occurredAt) - (position.logId === '' ? 1 : 0));
    if (posDay < newest) newest = posDay;
  }
  const oldest = req.from !== undefined ? utcDate(Date.parse(req.from)) : '1970-01-01';
  return { first: newest, last: oldest < newest ? oldest : newest };
}

/** A SQL predicate with positional parameters (`?`), for DuckDB over archive rows. */
export interface SqlFilter {
  where: string;
  params: Array<string | number | boolean>;
}

/**
 * The WHERE clause of a cold search over the rows of one tenant. Values are always parameters,
 * never spliced into the SQL. The tenant condition is always present: files are chosen per tenant
 * already, and this is the second lock on that door. `personTokens` are the search tokens of
 * `actorEmail` the caller resolved (with the tenant's blind token when the reader may open its
 * personal data); without them the address's clear token alone is matched.
 */
export function buildSqlFilter(
  tenantId: string,
  req: ColdSearchRequest,
  position: SearchPosition | null,
  personTokens?: readonly string[],
): SqlFilter {
  const clauses: string[] = ['"tenantId" = ?'];
  const params: Array<string | number | boolean> = [tenantId];
  const inList = (column: string, values: readonly string[]) => {
    clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (req.from !== undefined) {
    clauses.push('"occurredAt" >= CAST(? AS TIMESTAMPTZ)');
    params.push(millisToIsoMicros(Date.parse(req.from)));
  }
  if (req.to !== undefined) {
    clauses.push('"occurredAt" < CAST(? AS TIMESTAMPTZ)');
    params.push(millisToIsoMicros(Date.parse(req.to)));
  }
  if (req.categories?.length) inList('"category"', req.categories);
  if (req.levels?.length) inList('"level"', req.levels);
  if (req.eventTypes?.length) inList('"eventType"', req.eventTypes);
  if (req.actorId !== undefined) {
    clauses.push('"actor"."id" = ?');
    params.push(req.actorId);
  }
  if (req.resourceType !== undefined) {
    clauses.push('"resource"."type" = ?');
    params.push(req.resourceType);
  }
  if (req.resourceId !== undefined) {
    clauses.push('"resource"."id" = ?');
    params.push(req.resourceId);
  }
  if (req.outcome !== undefined) {
    clauses.push('"outcome" = ?');
    params.push(req.outcome);
  }
  if (req.operations?.length) inList('"operation"', req.operations);
  if (req.keyword !== undefined) {
    clauses.push('list_contains("searchTokens", ?)');
    params.push(req.keyword.toLowerCase());
  }
  const people = personTokens ?? (req.actorEmail !== undefined ? actorEmailTokens(req.actorEmail) : []);
  if (people.length > 0) {
    clauses.push(`list_has_any("searchTokens", list_value(${people.map(() => '?').join(', ')}))`);
    params.push(...people);
  }
  if (req.logId !== undefined) {
    clauses.push('"logId" = ?');
    params.push(req.logId);
  }
  if (position) {
    clauses.push('("occurredAt" < CAST(? AS TIMESTAMPTZ) OR ("occurredAt" = CAST(? AS TIMESTAMPTZ) AND "logId" < ?))');
    params.push(position.occurredAt, position.occurredAt, position.logId);
  }
  return { where: clauses.join(' AND '), params };
}
