import { prepareEvent, type FieldError, type RawEvent, type RejectionReason, type TransportContext } from '../domain';
import { firestore } from '../firebase';
import * as logs from '../logs';
import { storeEntry } from '../store/audit-store';
import { rawPayloadText, writeDeadLetter } from '../store/dead-letters';
import { TenantSettingsCache } from '../store/tenants';

export type IngestOutcome =
  | { status: 'stored' | 'duplicate'; logId: string; tenantId: string }
  | {
      status: 'rejected';
      reason: RejectionReason;
      message: string;
      errors: readonly FieldError[];
      deadLetterId: string;
    };

let tenants: TenantSettingsCache | undefined;
function tenantCache(): TenantSettingsCache {
  tenants ??= new TenantSettingsCache(firestore());
  return tenants;
}

/**
 * The one ingest entry point of every path (Pub/Sub, outbox, HTTP): validate and build the entry
 * in the domain, store it exactly once, dead-letter what can never be stored. Throws only on
 * transient failures, which the caller turns into a retry.
 *
 * @param deadLetterId id of this delivery's dead letter, stable across redeliveries
 */
export async function ingest(raw: RawEvent, transport: TransportContext, deadLetterId: string): Promise<IngestOutcome> {
  const db = firestore();
  const prepared = await prepareEvent(raw, transport, {
    now: () => new Date(),
    tenantSettings: (id) => tenantCache().get(id),
  });
  if (prepared.status === 'accepted') {
    const { entry } = prepared;
    const result = await storeEntry(db, entry, new Date());
    if (result !== 'conflict') {
      if (result === 'stored') logs.entryStored(entry.logId, entry.tenantId, entry.eventType, transport.via);
      else logs.duplicateIgnored(entry.logId, entry.tenantId, transport.via);
      return { status: result, logId: entry.logId, tenantId: entry.tenantId };
    }
    const message = `event id "${entry.eventId}" of source "${entry.source}" was already stored with different content`;
    const errors = [{ path: 'eventId', message: 'is already used by a different event of this tenant and source' }];
    await writeDeadLetter(db, deadLetterId, {
      reason: 'conflicting_duplicate',
      message,
      errors,
      rawPayload: rawPayloadText('bytes' in raw ? raw.bytes : raw.value),
      source: transport.via,
      tenantId: entry.tenantId,
      eventId: entry.eventId,
      systemEvent: transport.trusted === true,
    });
    logs.deadLettered('conflicting_duplicate', deadLetterId, entry.tenantId, transport.via);
    return { status: 'rejected', reason: 'conflicting_duplicate', message, errors, deadLetterId };
  }
  try {
    await writeDeadLetter(db, deadLetterId, {
      reason: prepared.reason,
      message: prepared.message,
      errors: prepared.errors,
      rawPayload: rawPayloadText('bytes' in raw ? raw.bytes : raw.value),
      source: transport.via,
      tenantId: prepared.tenantId,
      eventId: prepared.eventId,
      systemEvent: transport.trusted === true,
    });
  } catch (err) {
    // Invalid input must not vanish: surface the failure so the delivery is retried.
    logs.deadLetterWriteFailed(deadLetterId, err);
    throw err;
  }
  logs.deadLettered(prepared.reason, deadLetterId, prepared.tenantId, transport.via);
  return {
    status: 'rejected',
    reason: prepared.reason,
    message: prepared.message,
    errors: prepared.errors,
    deadLetterId,
  };
}

/**
 * Ingests one of the audit system's own events (a job's, a trigger's or a command's): the only
 * path trusted with reserved sources and `audit.*` event types. Never call it with anything a
 * producer or client controls.
 */
export function ingestSystemEvent(
  envelope: Record<string, unknown>,
  deadLetterId: string,
  via: TransportContext['via'] = 'outbox',
): Promise<IngestOutcome> {
  return ingest({ value: envelope }, { via, trusted: true }, deadLetterId);
}
