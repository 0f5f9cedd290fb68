import { ARCHIVE_SEARCHED_EVENT } from '@audit-log/model/access';
import type { ColdSearchRequest } from '../archive';
import { accessEventId, archiveSearchFilters, queryEventId } from './query-record';
import { ACCESS_SOURCE, readerActor, type Reader } from './record-access';

export interface ArchiveSearchAccess {
  reader: Reader;
  tenantId: string;
  request: ColdSearchRequest;
  returned: number;
  more: boolean;
  /**
   * Unique per call: a call without a query id is a read of its own (an API-like page request).
   * A call with one is a page of a console query, recorded once for all its pages.
   */
  readId: string;
  occurredAt: string;
}

/** The event id of a `searchArchives` call's record: its query's, or its own. */
export function archiveSearchEventId(access: Pick<ArchiveSearchAccess, 'reader' | 'tenantId' | 'request' | 'readId'>) {
  const { queryId } = access.request;
  return queryId === undefined
    ? accessEventId('archive_search', access.reader.uid, access.readId)
    : queryEventId(access.reader.uid, access.tenantId, queryId, access.request);
}

/**
 * The envelope of one `searchArchives` call (`audit.archive.searched`): the filters, whether it
 * continued a cursor, how many entries it returned. Without a query id, one per call, as
 * `GET /v1/events` is one per request. With one, the record of the whole console query when this
 * page is its first request to arrive ({@link queryEventId}).
 */
export function archiveSearchEvent(access: ArchiveSearchAccess): Record<string, unknown> {
  const { queryId } = access.request;
  return {
    specVersion: '1.0',
    eventId: archiveSearchEventId(access),
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
        ...(queryId !== undefined ? { queryId } : {}),
      },
    },
  };
}
