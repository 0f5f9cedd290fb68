import type { Firestore, Transaction } from 'firebase-admin/firestore';
import { logIdFor } from '../domain';
import { COLLECTIONS } from '../store/collections';
import { systemOutboxId } from '../store/system-outbox';

/**
 * Records the audit event of a command in the same transaction as the command's own writes, as
 * an `audit_outbox` document: the event exists if and only if the change committed (the
 * contract's transactional outbox). The outbox trigger hands it to `ingest()` as a system event,
 * and its deterministic event id makes every redelivery a harmless duplicate. Returns the log id
 * the entry will have, so the caller can link to it at once.
 *
 * The document is written with `create()`: should a document with the same id already exist,
 * the whole command fails loudly instead of overwriting it, because an overwrite is an update and
 * would never reach the outbox trigger, leaving the change unaudited.
 */
export function stageAuditEvent(tx: Transaction, db: Firestore, envelope: Record<string, unknown>): string {
  const { tenantId, source, eventId } = envelope as { tenantId: string; source: string; eventId: string };
  const logId = logIdFor(tenantId, source, eventId);
  tx.create(db.collection(COLLECTIONS.outbox).doc(systemOutboxId(logId)), envelope);
  return logId;
}
