import type { DocumentReference, Firestore, Transaction, WriteBatch } from 'firebase-admin/firestore';
import { validateEvent, type AuditEvent } from './builders';
import { OUTBOX_COLLECTION } from './contract';

/**
 * The outbox document of an event: the envelope's own fields (the contract's layout), validated
 * like every other path, as plain JSON data (no `undefined`, instants as ISO strings).
 * Use it directly with the web SDK: `tx.set(doc(collection(db, 'audit_outbox')), outboxDocument(e))`.
 */
export function outboxDocument(event: AuditEvent): Record<string, unknown> {
  return JSON.parse(JSON.stringify(validateEvent(event))) as Record<string, unknown>;
}

/**
 * Adds the event's outbox document to the caller's transaction (or batch), beside the business
 * write it describes: both commit or neither does, so the event exists if and only if the change
 * happened. A retried transaction body writes a fresh document each time, but only the attempt
 * that commits leaves one; the server stores each `(tenantId, source, eventId)` once anyway.
 *
 * ```ts
 * await db.runTransaction(async (tx) => {
 *   tx.update(repoRef, { visibility: 'public', updatedBy: uid });
 *   addToOutbox(tx, db, events.repoVisibilityChanged({ ... }));
 * });
 * ```
 * @returns the reference of the outbox document (the trigger removes it once ingested)
 */
export function addToOutbox(tx: Transaction | WriteBatch, db: Firestore, event: AuditEvent): DocumentReference {
  const ref = db.collection(OUTBOX_COLLECTION).doc();
  const data = outboxDocument(event);
  // Both overloads take (ref, data); the union only hides that from the compiler.
  (tx as Transaction).create(ref, data);
  return ref;
}
