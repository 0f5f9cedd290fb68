import type { TierReader } from '@audit-log/model/tier-merge';
import type { ArchiveQuery } from '../../core/access/access-recorder';
import type { AuditLogEntry } from '../../core/audit-model';
import { toAuditLogEntry } from '../../core/firestore/entry-converter';
import { resolveRange, type TimeRange } from '../filters/log-filter';

/**
 * When a search reaches the archive. A day is archived only once all of it is older than the
 * tenant's warm retention (at least one day) counted from the start of today (UTC), so the newest
 * day that can ever be archived is the day before yesterday. A range that starts yesterday or later
 * cannot hold an archived day: it is served by Firestore alone and reads nothing else. Any older
 * range asks the tenant's archive list (one small query) which days are actually archived.
 */

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC days of a range that could be archived; null when none can be. */
export function archivableDays(range: TimeRange, now: Date): { fromDay: string | null; toDay: string } | null {
  const { from, to } = resolveRange(range, now);
  const startOfToday = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const newestArchivable = startOfToday - 2 * DAY_MS;
  if (from !== null && from.getTime() >= newestArchivable + DAY_MS) return null;
  const lastMs = to === null ? newestArchivable : Math.min(to.getTime() - 1, newestArchivable);
  if (from !== null && lastMs < from.getTime()) return null;
  return { fromDay: from === null ? null : utcDay(from.getTime()), toDay: utcDay(lastMs) };
}

/** The `[from, to)` instants of one UTC day, as cold search takes them. */
export function dayBounds(day: string): { from: string; to: string } {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  return { from: new Date(start).toISOString(), to: new Date(start + DAY_MS).toISOString() };
}

/** The answer of `searchArchives` as the merged search reads it. */
export interface ColdAnswer {
  readonly entries: readonly unknown[];
  readonly nextCursor: string | null;
}

/**
 * One archived entry (instants as ISO strings, review status as a field) in the console's entry
 * shape, marked as archived. Null for anything without an id, which is never shown half-broken.
 */
export function archivedEntry(raw: unknown): AuditLogEntry | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const data = raw as Record<string, unknown>;
  const logId = data['logId'];
  if (typeof logId !== 'string' || logId === '') return null;
  const status = data['reviewStatus'];
  return { ...toAuditLogEntry(logId, data, typeof status === 'string' ? { status } : undefined), archived: true };
}

/** The cold tier of a merged search as pages of `searchArchives`, one request resent with its cursor. */
export function coldPages<R extends object>(
  request: R,
  search: (request: R & { cursor?: string }) => Promise<ColdAnswer>,
): TierReader<AuditLogEntry, string> {
  return async (cursor) => {
    const answer = await search(cursor === null ? request : { ...request, cursor });
    const rows = answer.entries.map(archivedEntry).filter((e): e is AuditLogEntry => e !== null);
    return { rows, next: answer.nextCursor };
  };
}

/** What a search learns about the archive before its first page. */
export type ColdOpening =
  /** No archived day in range: the search is Firestore alone, exactly as before. */
  | { readonly kind: 'none' }
  /** Archived days in range: their entries are merged in from these pages. */
  | {
      readonly kind: 'read';
      readonly read: TierReader<AuditLogEntry, string>;
      /** End of the newest archived day in range (epoch ms): every archived row is older. */
      readonly coldBeforeMs: number;
      /** The query id and request every page sends, for the read's one record. */
      readonly archive: ArchiveQuery;
    }
  /** Archived days in range, but a filter the archive cannot apply: they are left out, and why. */
  | { readonly kind: 'skipped'; readonly reasons: readonly string[] };
