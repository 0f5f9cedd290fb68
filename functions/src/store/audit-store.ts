import type { Firestore } from 'firebase-admin/firestore';
import { sameEvent, type AuditEntry } from '../domain';
import { COLLECTIONS } from './collections';
import { fromStored, toStored } from './converters';

export type StoreResult = 'stored' | 'duplicate' | 'conflict' | { unstorable: string };

/** gRPC ALREADY_EXISTS, as the Admin SDK reports a `create()` of an existing document. */
const ALREADY_EXISTS = 6;

/**
 * gRPC codes that say the write itself is wrong, so sending it again can never succeed:
 * INVALID_ARGUMENT (a value Firestore refuses: too large, too deep, out of range) and
 * OUT_OF_RANGE. Every other code (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED,
 * INTERNAL, PERMISSION_DENIED while a deployment settles, …) may pass on a retry.
 */
const PERMANENT_CODES: ReadonlySet<number> = new Set([3, 11]);

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/**
 * Whether a failed write can never succeed. The Admin SDK checks a document before sending it
 * and throws a plain Error without a gRPC code (a `RangeError` for an instant outside
 * Firestore's range, "deeper than 20 levels" for nesting); the server answers INVALID_ARGUMENT.
 * Network and server failures always carry a gRPC code.
 */
export function isPermanentStoreError(err: unknown): boolean {
  const code = codeOf(err);
  if (typeof code === 'number') return PERMANENT_CODES.has(code);
  return err instanceof Error;
}

/**
 * Stores an entry exactly once. The id is derived from (tenantId, source, eventId), so
 * `create()` turns every redelivery into ALREADY_EXISTS; comparing the stored event then tells a
 * harmless duplicate from a different event that reuses an event id (a conflict to dead-letter).
 * A write Firestore can never accept comes back as `unstorable` (for a dead letter) instead of
 * throwing, so it cannot loop through redeliveries; other failures throw for a retry.
 */
export async function storeEntry(db: Firestore, entry: AuditEntry, recordedAt: Date): Promise<StoreResult> {
  const ref = db.collection(COLLECTIONS.logs).doc(entry.logId);
  try {
    await ref.create(toStored(entry, recordedAt));
    return 'stored';
  } catch (err) {
    if (codeOf(err) !== ALREADY_EXISTS) {
      if (isPermanentStoreError(err)) return { unstorable: err instanceof Error ? err.message : String(err) };
      throw err;
    }
    const existing = await ref.get();
    return sameEvent(fromStored(existing.data()!), entry) ? 'duplicate' : 'conflict';
  }
}
