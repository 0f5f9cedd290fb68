import { Timestamp } from 'firebase-admin/firestore';
import { firestoreToJson } from '../capture/firestore-json';

/**
 * The domain keeps instants as ISO strings; Firestore keeps them as Timestamps, so queries can
 * compare and order them. These two functions convert whole records at the boundary: every
 * member named in `instantKeys` (at any depth) becomes a Timestamp on the way in, and every
 * Timestamp becomes an ISO string on the way out.
 */
export function toFirestoreInstants(value: unknown, instantKeys: ReadonlySet<string>, key = ''): unknown {
  if (typeof value === 'string' && instantKeys.has(key)) return Timestamp.fromDate(new Date(value));
  if (Array.isArray(value)) return value.map((v) => toFirestoreInstants(v, instantKeys));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toFirestoreInstants(v, instantKeys, k);
    return out;
  }
  return value;
}

/** Document data with every Timestamp as an ISO string (and other Firestore values as JSON). */
export function fromFirestore(value: unknown): unknown {
  return firestoreToJson(value);
}
