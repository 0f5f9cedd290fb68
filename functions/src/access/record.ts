import * as logger from 'firebase-functions/logger';
import { ACCESS_SOURCE } from '../domain/access';
import { CommandError } from '../domain/commands';
import { logIdFor } from '../domain/ids';
import { firestore } from '../firebase';
import { ingestSystemEvent } from '../ingest/ingest';
import { COLLECTIONS } from '../store/collections';

/** What recording a read gave: the entry's log id, and whether it was already recorded. */
export interface RecordedRead {
  logId: string;
  duplicate: boolean;
}

/**
 * Records one read of the log through the common ingest entry point (the only path trusted with
 * the reserved `audit-access` source): one entry, one write. A read that cannot be recorded is
 * refused as `unavailable` by the callers that serve data themselves, as `GET /v1/events` is, so
 * nothing leaves unrecorded; an unknown tenant is `tenant_not_found`.
 */
export async function recordRead(envelope: Record<string, unknown>, deadLetterId: string): Promise<RecordedRead> {
  const outcome = await ingestSystemEvent(envelope, deadLetterId);
  if (outcome.status !== 'rejected') return { logId: outcome.logId, duplicate: outcome.status === 'duplicate' };
  logger.error('read of the audit log not recorded', {
    'event.type': 'access.record_failed',
    'tenant.id': envelope.tenantId,
    'audit.event_type': envelope.eventType,
    'error.code': outcome.reason,
    'error.message': outcome.message,
  });
  if (outcome.reason === 'unknown_tenant') {
    throw new CommandError('tenant_not_found', `tenant ${String(envelope.tenantId)} does not exist`);
  }
  throw new CommandError('unavailable', 'the read could not be recorded; retry');
}

/**
 * The log id of a read's entry when it is already stored, else null: a retried report, or a page
 * of a query whose record another of its requests wrote. One read, never a write.
 */
export async function recordedRead(tenantId: string, eventId: string): Promise<string | null> {
  const logId = logIdFor(tenantId, ACCESS_SOURCE, eventId);
  return (await firestore().collection(COLLECTIONS.logs).doc(logId).get()).exists ? logId : null;
}
