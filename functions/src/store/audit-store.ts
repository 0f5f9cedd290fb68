import type { DocumentReference, Firestore } from 'firebase-admin/firestore';
import { sameEvent, type AuditEntry } from '../domain';
import { COLLECTIONS } from './collections';
import { fromStored, toStored, toStoredReview } from './converters';
import { grpcCodeOf, isAlreadyExists } from './write-errors';

export type StoreResult = 'stored' | 'duplicate' | 'conflict' | { unstorable: string };

/**
 * gRPC codes that say the write itself is wrong, so sending it again can never succeed:
 * INVALID_ARGUMENT (a value Firestore refuses: too large, too deep, out of range) and
 * OUT_OF_RANGE. Every other code (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED,
 * INTERNAL, PERMISSION_DENIED while a deployment settles, …) may pass on a retry.
 */
const PERMANENT_CODES: ReadonlySet<number> = new Set([3, 11]);

/**
 * Whether a failed write can never succeed. The Admin SDK checks a document before sending it
 * and throws a plain Error without a gRPC code (a `RangeError` for an instant outside
 * Firestore's range, "deeper than 20 levels" for nesting); the server answers INVALID_ARGUMENT.
 * Network and server failures always carry a gRPC code.
 */
export function isPermanentStoreError(err: unknown): boolean {
  const code = grpcCodeOf(err);
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
    if (entry.requiresReview) await createWithReview(db, ref, entry, recordedAt);
    else await ref.create(toStored(entry, recordedAt));
    return 'stored';
  } catch (err) {
    return settleFailedCreate(ref, entry, err);
  }
}

/**
 * Creates an entry that requires review and its review doc in one atomic batch, so the review
 * queue never misses a stored entry. Both are `create()`: an entry that exists fails the batch
 * (a duplicate, settled by the caller). A review doc that exists without its entry (kept while
 * the entry was archived, then the event redelivered or restored) is left alone: the entry is
 * created by itself.
 */
async function createWithReview(db: Firestore, ref: DocumentReference, entry: AuditEntry, recordedAt: Date) {
  const stored = toStored(entry, recordedAt);
  const reviewRef = db.collection(COLLECTIONS.reviews).doc(entry.logId);
  try {
    await db.batch().create(ref, stored).create(reviewRef, toStoredReview(stored)).commit();
  } catch (err) {
    if (!isAlreadyExists(err) || (await ref.get()).exists) throw err;
    await ref.create(stored);
  }
}

/** Attempts of one entry in `storeEntries` before its transient failure is given back. */
const BULK_ATTEMPTS = 5;

/**
 * Stores many entries exactly once each, as `storeEntry` would one by one, but in batched RPCs:
 * a BulkWriter sends the creates in groups of 20 (a non-atomic BatchWrite gives each document its
 * own result, so one duplicate never fails its neighbours) and retries transient failures itself.
 * Throttling is off: entry ids are hashes, so the writes spread over the key space and the
 * 500/50/5 ramp-up that protects sequential ids would only slow a batch down.
 */
export async function storeEntries(
  db: Firestore,
  entries: readonly AuditEntry[],
  recordedAt: Date,
): Promise<StoreResult[]> {
  const writer = db.bulkWriter({ throttling: false });
  writer.onWriteError(
    (err) => !isAlreadyExists(err) && !isPermanentStoreError(err) && err.failedAttempts < BULK_ATTEMPTS,
  );
  const results = entries.map(async (entry): Promise<StoreResult> => {
    // An entry that requires review is stored with its review doc atomically (a BulkWriter has
    // no atomic pairs); such entries are the rare CRITICAL and SECURITY ones.
    if (entry.requiresReview) return storeEntry(db, entry, recordedAt);
    const ref = db.collection(COLLECTIONS.logs).doc(entry.logId);
    try {
      // Inside the try: the SDK checks the document when it is queued and throws there.
      await writer.create(ref, toStored(entry, recordedAt));
      return 'stored';
    } catch (err) {
      return settleFailedCreate(ref, entry, err);
    }
  });
  // Settled before close() is awaited, so no result is left rejected without a handler meanwhile.
  const settled = Promise.allSettled(results);
  await writer.close();
  return (await settled).map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/**
 * A `create()` that failed: ALREADY_EXISTS compares the stored event (duplicate or conflict), a
 * write Firestore can never accept is `unstorable`, anything else is transient and thrown.
 */
async function settleFailedCreate(ref: DocumentReference, entry: AuditEntry, err: unknown): Promise<StoreResult> {
  if (!isAlreadyExists(err)) {
    if (isPermanentStoreError(err)) return { unstorable: err instanceof Error ? err.message : String(err) };
    throw err;
  }
  const existing = await ref.get();
  return sameEvent(fromStored(existing.data()!), entry) ? 'duplicate' : 'conflict';
}
