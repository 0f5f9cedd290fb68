import type { Firestore } from 'firebase-admin/firestore';
import { payloadNamesSubject } from '../domain/privacy';
import { COLLECTIONS } from '../store/collections';

/** Dead letters read per page while looking for a subject's; a tenant's are few and small. */
const PAGE = 300;

/**
 * Deletes the dead letters of one tenant whose raw payload is an event of `subject`, with the
 * unredacted originals kept beside them (`audit_dead_letter_payloads`, same id). Dead letters
 * hold refused input in clear (only stored entries are sealed), so destroying the subject's key
 * does not reach them: erasure removes them instead. Answers how many were removed.
 */
export async function purgeSubjectDeadLetters(db: Firestore, tenantId: string, subject: string): Promise<number> {
  const letters = db.collection(COLLECTIONS.deadLetters).where('tenantId', '==', tenantId).orderBy('__name__');
  let purged = 0;
  let after: string | undefined;
  for (;;) {
    const page = await (after === undefined ? letters : letters.startAfter(after)).limit(PAGE).get();
    const batch = db.batch();
    let inBatch = 0;
    for (const doc of page.docs) {
      const raw: unknown = doc.get('rawPayload');
      if (typeof raw !== 'string' || !payloadNamesSubject(raw, subject)) continue;
      batch.delete(doc.ref);
      batch.delete(db.collection(COLLECTIONS.deadLetterPayloads).doc(doc.id));
      inBatch++;
    }
    if (inBatch > 0) await batch.commit();
    purged += inBatch;
    if (page.size < PAGE) return purged;
    after = page.docs[page.docs.length - 1]!.id;
  }
}
