import { randomBytes } from 'node:crypto';
import { archiveSearchEvent, archiveSearchEventId } from '../domain/access';
import type { ColdSearchRequest } from '../domain/archive';
import type { Caller } from '../domain/commands';
import { recordRead, recordedRead } from './record';

/**
 * Records one cold search call of `tenantId` (filters and count, never the rows). A page of a
 * console query (`queryId`) whose record exists, with this very filter, writes nothing.
 */
export async function recordArchiveSearch(
  caller: Caller,
  tenantId: string,
  request: ColdSearchRequest,
  result: { entries: readonly unknown[]; nextCursor: string | null },
): Promise<void> {
  const readId = randomBytes(12).toString('hex');
  const reader = { uid: caller.uid, email: caller.email, platformAdmin: caller.platformAdmin };
  if (request.queryId !== undefined) {
    const eventId = archiveSearchEventId({ reader, tenantId, request, readId });
    if ((await recordedRead(tenantId, eventId)) !== null) return;
  }
  const envelope = archiveSearchEvent({
    reader,
    tenantId,
    request,
    returned: result.entries.length,
    more: result.nextCursor !== null,
    readId,
    occurredAt: new Date().toISOString(),
  });
  await recordRead(envelope, `access-${tenantId}-${readId}`);
}
