import type { TierPosition } from '@audit-log/model/tier-merge';
import { instantToIsoMicros } from '../archive/instant';
import type { ColdSearchRequest, SearchPosition } from '../archive/filter';
import type { ExportCursor } from './job';
import type { ExportWhere } from './filter';

/**
 * The cold side of an export or report: the same conditions as the warm query, run on archived
 * entries. The conditions cold search can filter on are passed down to it (fewer rows read back);
 * every condition is then checked again on each archived entry, so a condition cold search does not
 * know (review status, correlation id, `requiresReview`, an `outcome in` list) still
 * holds, and the two tiers always answer the same question.
 */

/** Condition field → the cold search request member that filters on it. */
const PUSHDOWN: Readonly<Record<string, (req: ColdRequestFilters, values: readonly string[]) => void>> = {
  category: (req, v) => (req.categories = [...v] as ColdSearchRequest['categories']),
  level: (req, v) => (req.levels = [...v] as ColdSearchRequest['levels']),
  eventType: (req, v) => (req.eventTypes = [...v]),
  operation: (req, v) => (req.operations = [...v] as ColdSearchRequest['operations']),
  outcome: (req, v) => {
    if (v.length === 1) req.outcome = v[0] as ColdSearchRequest['outcome'];
  },
  'actor.id': (req, v) => {
    if (v.length === 1) req.actorId = v[0];
  },
  'resource.type': (req, v) => {
    if (v.length === 1) req.resourceType = v[0];
  },
  'resource.id': (req, v) => {
    if (v.length === 1) req.resourceId = v[0];
  },
};

/** A cold search request without its paging members. */
export type ColdRequestFilters = Omit<ColdSearchRequest, 'pageSize' | 'cursor'>;

/** The cold search request of a warm query's conditions and `[from, to)`. */
export function coldRequestOf(where: readonly ExportWhere[], from?: string, to?: string): ColdRequestFilters {
  const req: ColdRequestFilters = {};
  if (from !== undefined) req.from = from;
  if (to !== undefined) req.to = to;
  for (const clause of where) {
    if (clause.op === 'array-contains' && clause.field === 'searchTokens' && typeof clause.value === 'string') {
      req.keyword = clause.value;
      continue;
    }
    // A person's tokens go down as `personTokens` (see coldPersonTokensOf), not as a request member.
    if (clause.op === 'array-contains-any') continue;
    const values = clause.op === 'in' ? clause.value : [clause.value];
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) continue;
    PUSHDOWN[clause.field]?.(req, values);
  }
  // Cold search needs the type with an id; the id alone is checked on each entry instead.
  if (req.resourceId !== undefined && req.resourceType === undefined) delete req.resourceId;
  return req;
}

/** The tokens of an `array-contains-any` condition (a search by a person), for cold search. */
export function coldPersonTokensOf(where: readonly ExportWhere[]): string[] | undefined {
  const person = where.find((c) => c.op === 'array-contains-any' && c.field === 'searchTokens');
  return person && Array.isArray(person.value)
    ? person.value.filter((v): v is string => typeof v === 'string')
    : undefined;
}

/** A member of an entry by dotted path (`actor.id`); review docs' `status` is the entry's review status. */
function valueAt(entry: Readonly<Record<string, unknown>>, field: string): unknown {
  const path = field === 'status' ? 'reviewStatus' : field;
  let value: unknown = entry;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** True when an (archived) entry meets every condition of a warm query. */
export function matchesWhere(entry: Readonly<Record<string, unknown>>, where: readonly ExportWhere[]): boolean {
  return where.every((clause) => {
    const value = valueAt(entry, clause.field);
    if (clause.op === '==') return value === clause.value;
    if (clause.op === 'in') return (clause.value as readonly unknown[]).includes(value);
    if (clause.op === 'array-contains-any') {
      return Array.isArray(value) && (clause.value as readonly unknown[]).some((v) => value.includes(v));
    }
    return Array.isArray(value) && value.includes(clause.value);
  });
}

/** An ISO instant (millisecond precision) as an export cursor's seconds and nanoseconds. */
export function cursorAt(occurredAt: string, logId: string): ExportCursor {
  const ms = Date.parse(occurredAt);
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000, logId };
}

/** An export cursor as a cold search position: the same place in the same order. */
export function searchPositionOf(cursor: ExportCursor): SearchPosition {
  return {
    occurredAt: instantToIsoMicros({ seconds: cursor.seconds, nanoseconds: cursor.nanos }),
    logId: cursor.logId,
  };
}

/** Where a record (ISO `occurredAt`) sits in the newest-first order of both tiers. */
export function tierPositionOf(record: { readonly occurredAt: unknown; readonly logId: unknown }): TierPosition {
  return { atMs: Date.parse(String(record.occurredAt)), logId: String(record.logId) };
}
