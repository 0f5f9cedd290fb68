import { FieldPath, type Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS } from './collections';

/** Every tenant's id, read 500 ids at a time (ids only): the jobs that run over all tenants start here. */
export async function allTenantIds(db: Firestore): Promise<string[]> {
  const ids: string[] = [];
  let last: string | undefined;
  for (;;) {
    let q = db.collection(COLLECTIONS.tenants).orderBy(FieldPath.documentId()).select().limit(500);
    if (last) q = q.startAfter(last);
    const snap = await q.get();
    ids.push(...snap.docs.map((d) => d.id));
    if (snap.size < 500) return ids;
    last = snap.docs[snap.docs.length - 1]!.id;
  }
}
