import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { ledgerNames, type CompletionLedger, type ReactionName } from '../domain/reactions';

/**
 * `audit_entry_reactions/{logId}`: `{done: ReactionName[], expireAt}`, written only when a
 * reaction of the entry failed while one that is not repeat-safe completed, and read only for
 * entries such a reaction is due for. Server only (the rules' catch-all denies clients), never
 * captured (an `audit_` collection).
 */
export const ENTRY_REACTIONS_LEDGER = 'audit_entry_reactions';

/** Redeliveries of a failing event stop after 7 days; a TTL policy on `expireAt` removes the record a day later. */
const LEDGER_RETENTION_MS = 8 * 24 * 60 * 60 * 1000;

export function firestoreLedger(db: Firestore, now: () => Date = () => new Date()): CompletionLedger {
  const ref = (logId: string) => db.collection(ENTRY_REACTIONS_LEDGER).doc(logId);
  return {
    async completed(logId) {
      return ledgerNames((await ref(logId).get()).get('done'));
    },
    async record(logId: string, names: readonly ReactionName[]) {
      // arrayUnion: completions of several failed deliveries add up.
      await ref(logId).set(
        {
          done: FieldValue.arrayUnion(...names),
          expireAt: Timestamp.fromMillis(now().getTime() + LEDGER_RETENTION_MS),
        },
        { merge: true },
      );
    },
  };
}
