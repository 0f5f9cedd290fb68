import {
  DEFAULT_REDACTION,
  prepareEvent,
  type FieldError,
  type RawEvent,
  type RejectionReason,
  type AuditEntry,
  type TransportContext,
} from '../domain';
import { mapPool } from '../domain/pool';
import type { Firestore } from 'firebase-admin/firestore';
import { validTenantId } from '../domain/text';
import { firestore } from '../firebase';
import * as logs from '../logs';
import { dataKeyStore } from '../privacy/data-keys';
import { isResealedDuplicate, sealedKeyIds } from '../domain/privacy';
import { COLLECTIONS } from '../store/collections';
import { fromStored } from '../store/converters';
import { storeEntries, storeEntry, type StoreResult } from '../store/audit-store';
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

/** One delivery of an event: what arrived and the id its dead letter gets if it is refused. */
export interface Delivery {
  raw: RawEvent;
  /** Stable across redeliveries of the same delivery. */
  deadLetterId: string;
}

/** Rejections dead-lettered at once by `ingestMany`: each is a small batch write. */
const REJECTION_CONCURRENCY = 32;

/**
 * The one ingest entry point of every path (Pub/Sub, outbox, HTTP): validate and build the entry
 * in the domain, store it exactly once, dead-letter what can never be stored. Throws only on
 * transient failures, which the caller turns into a retry.
 *
 * @param deadLetterId id of this delivery's dead letter, stable across redeliveries
 */
export async function ingest(raw: RawEvent, transport: TransportContext, deadLetterId: string): Promise<IngestOutcome> {
  const db = firestore();
  const prepared = await prepare(raw, transport);
  if (prepared.status === 'rejected') return rejectDelivery(db, raw, transport, deadLetterId, prepared);
  const result = await storeEntry(db, prepared.entry, new Date());
  return settle(db, { raw, deadLetterId }, transport, prepared.entry, result);
}

/**
 * `ingest` for many deliveries of one transport at once (an HTTP batch): the same outcome per
 * delivery, in order, but the valid entries are stored in batched RPCs (`storeEntries`) instead
 * of one round trip each. Throws only on transient failures; what was stored by then comes back
 * as `duplicate` when the whole batch is retried.
 */
export async function ingestMany(
  deliveries: readonly Delivery[],
  transport: TransportContext,
): Promise<IngestOutcome[]> {
  const db = firestore();
  const prepared = await Promise.all(deliveries.map((d) => prepare(d.raw, transport)));
  const valid = prepared.flatMap((p, index) => (p.status === 'rejected' ? [] : [{ index, entry: p.entry }]));
  const stored = await storeEntries(
    db,
    valid.map((v) => v.entry),
    new Date(),
  );
  const storeResults = new Map(valid.map((v, i) => [v.index, { entry: v.entry, result: stored[i]! }]));
  return mapPool(deliveries, REJECTION_CONCURRENCY, (delivery, index) => {
    const p = prepared[index]!;
    if (p.status === 'rejected') return rejectDelivery(db, delivery.raw, transport, delivery.deadLetterId, p);
    const { entry, result } = storeResults.get(index)!;
    return settle(db, delivery, transport, entry, result);
  });
}

function prepare(raw: RawEvent, transport: TransportContext) {
  const personalData = dataKeyStore();
  return prepareEvent(raw, transport, {
    now: () => new Date(),
    tenantSettings: (id) => tenantCache().settings(id),
    ...(personalData ? { personalData } : {}),
  });
}

/**
 * A conflict of a sealed entry may be the same event sealed again under the subject's next key
 * generation (a redelivery after an erasure): then it is a duplicate, and its clear payload is
 * never dead-lettered. Only this rare path reads the stored entry.
 */
async function conflictOrResealed(db: Firestore, entry: AuditEntry): Promise<StoreResult> {
  if (sealedKeyIds(entry).size === 0) return 'conflict';
  const stored = await db.collection(COLLECTIONS.logs).doc(entry.logId).get();
  return stored.exists && isResealedDuplicate(fromStored(stored.data()!), entry) ? 'duplicate' : 'conflict';
}

/** The outcome of a store attempt: logged, or turned into a dead letter when it can never be stored. */
async function settle(
  db: Firestore,
  delivery: Delivery,
  transport: TransportContext,
  entry: AuditEntry,
  stored: StoreResult,
): Promise<IngestOutcome> {
  const result = stored === 'conflict' ? await conflictOrResealed(db, entry) : stored;
  const reject = (rejection: Rejection) =>
    rejectDelivery(db, delivery.raw, transport, delivery.deadLetterId, rejection);
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
