import { FieldValue, type DocumentReference, type DocumentData } from 'firebase-admin/firestore';
import type { FirestoreEvent, QueryDocumentSnapshot } from 'firebase-functions/v2/firestore';
import { documentToJson } from '../capture/firestore-json';
import { firestore } from '../firebase';
import { ingest, rejectBeforeIngest, type IngestOutcome } from '../ingest/ingest';
import * as logs from '../logs';
import { COLLECTIONS } from '../store/collections';
import { isSystemOutboxId } from '../store/system-outbox';
import { guardOutboxDocument } from './outbox-guard';
import { isNotFound } from '../store/write-errors';

/**
 * The transactional outbox. A producer writes its business document and an `audit_outbox`
 * document (field layout = the envelope) in one transaction, so the event exists if and only
 * if the change committed. This trigger hands the document to the common ingest entry point:
 *
 * - stored, or already stored (a redelivery, or the same event sent on another path):
 *   the outbox document is **deleted**; the audit entry is now the record.
 * - permanently rejected: a dead letter `outbox-<id>` is written and the outbox document is
 *   **kept** with `status: 'failed'` and the reason, for operators.
 * - transient failure: the function throws and is retried; the document stays **pending**
 *   (no `status` field) until it is processed.
 */

/** Field errors kept on a failed outbox document; the dead letter has them all. */
const MAX_FAILURE_ERRORS = 20;

/** The dead letter of an outbox document: stable across redeliveries. */
export function outboxDeadLetterId(outboxId: string): string {
  return `outbox-${outboxId}`;
}

async function markFailed(ref: DocumentReference, outcome: Extract<IngestOutcome, { status: 'rejected' }>) {
  try {
    await ref.update({
      status: 'failed',
      failure: {
        reason: outcome.reason,
        message: outcome.message.slice(0, 1024),
        errors: outcome.errors
          .slice(0, MAX_FAILURE_ERRORS)
          .map((e) => ({ path: e.path.slice(0, 512), message: e.message.slice(0, 1024) })),
        deadLetterId: outcome.deadLetterId,
      },
      failedAt: FieldValue.serverTimestamp(),
    });
  } catch (err) {
    // The document is gone (an operator removed it), so there is nothing to mark.
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Processes one outbox document. Firestore values (a `serverTimestamp()` as `occurredAt`, for
 * one) are converted to their JSON form first; everything else is the envelope as written.
 * Throws only on transient failures.
 */
export async function processOutboxDocument(
  ref: DocumentReference,
  data: DocumentData,
  writtenAt: Date = new Date(),
): Promise<IngestOutcome> {
  // Only the system's own documents (ids no client may create) are trusted with reserved sources.
  const trusted = isSystemOutboxId(ref.id);
  const transport = { via: 'outbox' as const, trusted };
  const value = documentToJson(data);
  const deadLetterId = outboxDeadLetterId(ref.id);
  // Everyone else's documents pass the outbox's own checks first: event family, per-user bound,
  // asserted actor details.
  const verdict = trusted
    ? { status: 'pass' as const, value }
    : await guardOutboxDocument(firestore(), ref.id, value, writtenAt);
  const outcome =
    verdict.status === 'pass'
      ? await ingest({ value: verdict.value }, transport, deadLetterId)
      : await rejectBeforeIngest({ value }, transport, deadLetterId, {
          ...verdict,
          ...knownIds(value),
        });
  if (outcome.status === 'rejected') {
    await markFailed(ref, outcome);
    logs.outboxFailed(ref.id, outcome.reason, typeof data.tenantId === 'string' ? data.tenantId : undefined);
  } else {
    await ref.delete();
  }
  return outcome;
}

/** Tenant and event id of a refused document, when they are strings (for the dead letter). */
function knownIds(value: unknown): { tenantId?: string; eventId?: string } {
  const v = (value ?? {}) as { tenantId?: unknown; eventId?: unknown };
  return {
    ...(typeof v.tenantId === 'string' ? { tenantId: v.tenantId.slice(0, 128) } : {}),
    ...(typeof v.eventId === 'string' ? { eventId: v.eventId.slice(0, 128) } : {}),
  };
}

/** Handles the creation of one outbox document; redeliveries are harmless (see above). */
export async function handleOutboxCreated(
  event: FirestoreEvent<QueryDocumentSnapshot | undefined, { id: string }>,
): Promise<void> {
  const snapshot = event.data;
  if (!snapshot) return;
  try {
    // The snapshot belongs to the functions SDK's own app; write through the service's app.
    const ref = firestore().collection(COLLECTIONS.outbox).doc(snapshot.id);
    await processOutboxDocument(ref, snapshot.data(), snapshot.createTime.toDate());
  } catch (err) {
    logs.transientFailure('outbox', err);
    throw err;
  }
}
