import { randomBytes } from 'node:crypto';
import { archiveSearchEvent } from '../domain/access';
import type { ColdSearchRequest } from '../domain/archive';
import type { Caller } from '../domain/commands';
import { recordRead } from './record';

/** Records one cold search call of `tenantId` (filters and count, never the rows). */
export async function recordArchiveSearch(
  caller: Caller,
  tenantId: string,
  request: ColdSearchRequest,
  result: { entries: readonly unknown[]; nextCursor: string | null },
): Promise<void> {
  const readId = randomBytes(12).toString('hex');
  const envelope = archiveSearchEvent({
    reader: { uid: caller.uid, email: caller.email, platformAdmin: caller.platformAdmin },
    tenantId,
    request,
    returned: result.entries.length,
    more: result.nextCursor !== null,
    readId,
    occurredAt: new Date().toISOString(),
  });
  await recordRead(envelope, `access-${tenantId}-${readId}`);
}
