import { ACCESS_BOUNDS } from '@audit-log/model/access';
import { filterFingerprint, type ColdSearchRequest } from '../archive';
import { sha256Hex } from '../canonical';

/**
 * The event id of a read: derived from the reader and the read's id, so a retried report is one
 * entry, and one reader can never take (and so suppress) the id of another reader's read.
 */
export function accessEventId(kind: string, uid: string, readId: string): string {
  return `${kind}-${sha256Hex(`${uid}\n${readId}`).slice(0, 40)}`;
}

/**
 * One query, one record. A console query that reaches the archive is read in several requests:
 * its `recordAccess` report and one `searchArchives` call per page. They all carry the console's
 * query id and all name the same entry, whose event id comes from the reader, the query id and
 * the fingerprint of the archive filter the server applies. Whichever request arrives first
 * records the query, with that filter; the others find the entry and write nothing. The same
 * query id sent with another filter names another entry, so no filter is ever read unrecorded.
 */
export function queryEventId(uid: string, tenantId: string, queryId: string, request: ColdSearchRequest): string {
  return accessEventId('query', uid, `${queryId}\n${filterFingerprint(tenantId, request)}`);
}

/** Request fields that are paging or addressing, not a filter of what was searched. */
const NOT_FILTERS: ReadonlySet<string> = new Set(['cursor', 'pageSize', 'tenantId', 'queryId']);

/**
 * The filters of a cold search as recorded: every filter field the request carried (whatever
 * fields the search schema grows), each value a list of strings, bounded as console reports are.
 */
export function archiveSearchFilters(request: ColdSearchRequest): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request)) {
    if (NOT_FILTERS.has(name) || value === undefined) continue;
    const list = (Array.isArray(value) ? (value as unknown[]) : [value]).map(String);
    filters[name] = list.slice(0, ACCESS_BOUNDS.filterValues).map((v) => v.slice(0, ACCESS_BOUNDS.filterValueChars));
  }
  return filters;
}
