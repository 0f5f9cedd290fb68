import type { Firestore, Transaction } from 'firebase-admin/firestore';
import { logIdFor } from '../domain';
import { COLLECTIONS } from '../store/collections';

/**
 * Records the audit event of a command in the same transaction as the command's own writes, as
 * an `audit_outbox` document: the event exists if and only if the change committed (the
 * contract's transactional outbox). The outbox trigger hands it to `ingest()`, and its
 * deterministic event id makes every redelivery a harmless duplicate. Returns the log id the
 * entry will have, so the caller can link to it at once.
 */
export function stageAuditEvent(tx: Transaction, db: Firestore, envelope: Record<string, unknown>): string {
  const { tenantId, source, eventId } = envelope as { tenantId: string; source: string; eventId: string };
  const logId = logIdFor(tenantId, source, eventId);
  tx.set(db.collection(COLLECTIONS.outbox).doc(`cmd-${logId}`), envelope);
  return logId;
}
