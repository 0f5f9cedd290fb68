import type { DocumentSnapshot, Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS } from './collections';

/**
 * The review docs (`audit_reviews/{logId}`) of the flagged entries among `docs`, read in one
 * batched `getAll`, by log id. Entries are never updated, so whoever shows an entry with its
 * review state (the API, exports, the archive) joins it from here instead of reading it per row.
 */
export async function reviewDocsOf(
  db: Firestore,
  docs: readonly DocumentSnapshot[],
): Promise<Map<string, Record<string, unknown>>> {
  const flagged = docs.filter((d) => d.get('requiresReview') === true);
  const out = new Map<string, Record<string, unknown>>();
  if (flagged.length === 0) return out;
  const snaps = await db.getAll(...flagged.map((d) => db.collection(COLLECTIONS.reviews).doc(d.id)));
  for (const snap of snaps) if (snap.exists) out.set(snap.id, snap.data()!);
  return out;
}
