import type { Firestore } from 'firebase-admin/firestore';
import { sameEvent, type AuditEntry } from '../domain';
import { COLLECTIONS } from './collections';
import { fromStored, toStored } from './converters';

export type StoreResult = 'stored' | 'duplicate' | 'conflict';

/** gRPC ALREADY_EXISTS, as the Admin SDK reports a `create()` of an existing document. */
const ALREADY_EXISTS = 6;

function alreadyExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === ALREADY_EXISTS;
}

/**
 * Stores an entry exactly once. The id is derived from (tenantId, source, eventId), so
 * `create()` turns every redelivery into ALREADY_EXISTS; comparing the stored event then tells a
 * harmless duplicate from a different event that reuses an event id (a conflict to dead-letter).
 */
export async function storeEntry(db: Firestore, entry: AuditEntry, recordedAt: Date): Promise<StoreResult> {
  const ref = db.collection(COLLECTIONS.logs).doc(entry.logId);
  try {
    await ref.create(toStored(entry, recordedAt));
    return 'stored';
  } catch (err) {
    if (!alreadyExists(err)) throw err;
    const existing = await ref.get();
    return sameEvent(fromStored(existing.data()!), entry) ? 'duplicate' : 'conflict';
  }
}
