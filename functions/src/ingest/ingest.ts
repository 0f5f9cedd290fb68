import {
  DEFAULT_REDACTION,
  prepareEvent,
  type FieldError,
  type RawEvent,
  type RejectionReason,
  type TransportContext,
} from '../domain';
import type { Firestore } from 'firebase-admin/firestore';
import { validTenantId } from '../domain/text';
import { firestore } from '../firebase';
import * as logs from '../logs';
import { storeEntry } from '../store/audit-store';
import { rawPayloadText, writeDeadLetter } from '../store/dead-letters';
import { tenantSettingsReader, type TenantSettingsReader } from '../tenants/tenant-settings';

export type IngestOutcome =
  | { status: 'stored' | 'duplicate'; logId: string; tenantId: string }
  | {
      status: 'rejected';
      reason: RejectionReason;
      message: string;
      errors: readonly FieldError[];
      deadLetterId: string;
    };

function tenantCache(): TenantSettingsReader {
  return tenantSettingsReader(firestore());
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
    tenantSettings: (id) => tenantCache().settings(id),
  });
  const reject = (rejection: Rejection) => rejectDelivery(db, raw, transport, deadLetterId, rejection);
  if (prepared.status === 'rejected') return reject(prepared);

  const { entry } = prepared;
  const result = await storeEntry(db, entry, new Date());
  const known = { tenantId: entry.tenantId, eventId: entry.eventId };
  if (result === 'conflict') {
    return reject({
      ...known,
      reason: 'conflicting_duplicate',
      message: `event id "${entry.eventId}" of source "${entry.source}" was already stored with different content`,
      errors: [{ path: 'eventId', message: 'is already used by a different event of this tenant and source' }],
    });
  }
  if (typeof result === 'object') {
    return reject({
      ...known,
      reason: 'unstorable',
      message: 'Firestore refused the entry built from this event',
      errors: [{ path: '', message: `cannot be stored: ${result.unstorable.slice(0, 512)}` }],
    });
  }
  if (result === 'stored') logs.entryStored(entry.logId, entry.tenantId, entry.eventType, transport.via);
  else logs.duplicateIgnored(entry.logId, entry.tenantId, transport.via);
  return { status: result, logId: entry.logId, tenantId: entry.tenantId };
}

/**
 * Dead-letters a delivery that an adapter refused before ingest (the outbox's family and rate
 * checks), exactly as ingest dead-letters its own rejections.
 */
export function rejectBeforeIngest(
  raw: RawEvent,
  transport: TransportContext,
  deadLetterId: string,
  rejection: Rejection,
): Promise<IngestOutcome> {
  return rejectDelivery(firestore(), raw, transport, deadLetterId, rejection);
}

export interface Rejection {
  reason: RejectionReason;
  message: string;
  errors: readonly FieldError[];
  tenantId?: string | undefined;
  eventId?: string | undefined;
}

/** Dead-letters a delivery that can never be stored; throws (for a retry) only if that write fails. */
async function rejectDelivery(
  db: Firestore,
  raw: RawEvent,
  transport: TransportContext,
  deadLetterId: string,
  rejection: Rejection,
): Promise<IngestOutcome> {
  try {
    // Redacted with the rules of the tenant whose admins will read it, when that tenant exists.
    // Only a well-formed tenant id names a tenant: a hostile one ("a/b") is not a document path
    // to read, and reading it would throw on every redelivery.
    const tenantId = validTenantId(rejection.tenantId);
    const settings = tenantId !== undefined ? await tenantCache().settings(tenantId) : null;
    await writeDeadLetter(
      db,
      deadLetterId,
      {
        reason: rejection.reason,
        message: rejection.message,
        errors: rejection.errors,
        rawPayload: rawPayloadText('bytes' in raw ? raw.bytes : raw.value),
        source: transport.via,
        tenantId: rejection.tenantId,
        eventId: rejection.eventId,
        systemEvent: transport.trusted === true,
      },
      settings?.redaction ?? DEFAULT_REDACTION,
    );
  } catch (err) {
    // Invalid input must not vanish: surface the failure so the delivery is retried.
    logs.deadLetterWriteFailed(deadLetterId, err);
    throw err;
  }
  logs.deadLettered(rejection.reason, deadLetterId, rejection.tenantId, transport.via);
  const { reason, message, errors } = rejection;
  return { status: 'rejected', reason, message, errors, deadLetterId };
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
