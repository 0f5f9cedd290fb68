import { ACCESS_BOUNDS, ARCHIVE_SEARCHED_EVENT } from '@audit-log/model/access';
import type { ColdSearchRequest } from '../archive';
import { ACCESS_SOURCE, accessEventId, readerActor, type Reader } from './record-access';

/** Request fields that are paging or addressing, not a filter of what was searched. */
const NOT_FILTERS: ReadonlySet<string> = new Set(['cursor', 'pageSize', 'tenantId']);

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

export interface ArchiveSearchAccess {
  reader: Reader;
  tenantId: string;
  request: ColdSearchRequest;
  returned: number;
  more: boolean;
  /** Unique per call: every call reads Parquet files, so every call is a read of its own. */
  readId: string;
  occurredAt: string;
}

/**
 * The envelope of one `searchArchives` call (`audit.archive.searched`): the filters, whether it
 * continued a cursor, how many entries it returned. One per call, as `GET /v1/events` is one per
 * request: a page of a cold search is a request of its own, answered by reading archives.
 */
export function archiveSearchEvent(access: ArchiveSearchAccess): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: accessEventId('archive_search', access.reader.uid, access.readId),
    eventType: ARCHIVE_SEARCHED_EVENT,
    tenantId: access.tenantId,
    occurredAt: access.occurredAt,
    source: ACCESS_SOURCE,
    actor: readerActor(access.reader),
    resource: { type: 'audit_archive', id: access.tenantId },
    operation: 'READ',
    outcome: 'success',
    changes: {
      before: null,
      after: {
        filters: archiveSearchFilters(access.request),
        continued: access.request.cursor !== undefined,
        pageSize: access.request.pageSize,
        returned: access.returned,
        more: access.more,
      },
    },
  };
}
