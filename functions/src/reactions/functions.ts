import type { Firestore } from 'firebase-admin/firestore';
import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { REGION } from '../config';
import { ReactionsFailedError, runReactions, type CompletionLedger } from '../domain/reactions';
import { firestore } from '../firebase';
import * as logs from '../logs';
import { COLLECTIONS } from '../store/collections';
import { ENTRY_REACTIONS, type EntryReaction } from './entry-reactions';
import { firestoreLedger } from './ledger';
import { isNewActivity, type EntryCreatedEvent } from './new-activity';

/**
 * The one trigger on new `audit_logs` entries: the anomaly, alert and review-deadline reactions
 * in one invocation (two per stored event with its ingest, instead of four, and one worker to
 * start instead of three under a burst). Each reaction is gated on its own relevance and on new
 * activity; the due ones run concurrently; if any fails the event is redelivered, and the
 * reactions that completed are skipped (ledger) or are no-ops (repeat-safe).
 */
export async function handleNewEntry(
  event: EntryCreatedEvent,
  reactions: readonly EntryReaction[] = ENTRY_REACTIONS,
  db: Firestore = firestore(),
  ledger: CompletionLedger = firestoreLedger(db),
): Promise<void> {
  const snapshot = event.data;
  if (!snapshot) return;
  const logId = snapshot.id;
  const data = snapshot.data();
  const due = reactions.filter((r) => r.concerns(data) && isNewActivity(event, r.name));
  if (due.length === 0) return;
  const report = await runReactions(
    logId,
    due.map((r) => ({ name: r.name, repeatSafe: r.repeatSafe, run: () => r.run(db, logId, data) })),
    ledger,
  );
  if (report.skipped.length > 0) logs.reactionsSkipped(logId, report.skipped);
  if (report.failed.length === 0) return;
  for (const failure of report.failed) logs.reactionFailed(failure.name, logId, failure.error);
  if (report.ledgerError !== undefined) logs.reactionLedgerFailed(logId, report.completed, report.ledgerError);
  throw new ReactionsFailedError(logId, report.failed);
}

/** Reacts to every newly stored entry; retried, so a transient failure of any reaction is redone. */
export const reactToEntry = onDocumentCreated(
  // The alert reaction may wait inline for webhook retries: the longest of the three timeouts.
  { document: `${COLLECTIONS.logs}/{logId}`, region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 120 },
  (event) => handleNewEntry(event),
);
