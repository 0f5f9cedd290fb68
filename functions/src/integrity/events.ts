import { INTEGRITY_SOURCE, INTEGRITY_VIOLATION_EVENT_TYPE } from '@audit-log/model/integrity';
import { logIdFor } from '../domain/ids';
import { firestore } from '../firebase';
import { ingestSystemEvent } from '../ingest/ingest';
import { COLLECTIONS } from '../store/collections';
import * as logs from './logs';

/** A checkpoint whose window holds more entries now than it signed. */
export interface LateEntryViolation {
  tenantId: string;
  checkpointId: string;
  seq: number;
  windowStart: string;
  windowEnd: string;
  signedCount: number;
  foundCount: number;
  occurredAt: Date;
}

/** Records the CRITICAL entry; returns its logId, or null when it was rejected (logged). */
export type EmitViolation = (v: LateEntryViolation) => Promise<string | null>;

/**
 * The envelope of a late-entry violation. The event id names the checkpoint and the count found,
 * so every rerun that sees the same state records nothing new, and a further late entry (a new
 * count) is a new entry.
 */
export function lateEntryEnvelope(v: LateEntryViolation): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `late-entries:${v.checkpointId}:${v.foundCount}`,
    eventType: INTEGRITY_VIOLATION_EVENT_TYPE,
    tenantId: v.tenantId,
    occurredAt: v.occurredAt.toISOString(),
    source: INTEGRITY_SOURCE,
    actor: { type: 'system', id: INTEGRITY_SOURCE, name: 'Audit log checkpoints' },
    resource: { type: 'audit_checkpoint', id: v.checkpointId },
    operation: 'EXECUTE',
    outcome: 'success',
    metadata: {
      kind: 'entry_inserted',
      message:
        `checkpoint ${v.checkpointId} signed ${v.signedCount} entries recorded in ` +
        `[${v.windowStart}, ${v.windowEnd}); that window now holds ${v.foundCount}`,
      checkpointId: v.checkpointId,
      seq: v.seq,
      windowStart: v.windowStart,
      windowEnd: v.windowEnd,
      signedCount: v.signedCount,
      foundCount: v.foundCount,
    },
  };
}

/** Through the one ingest entry point, like every other system event: validated, classified, hashed. */
export const emitViolation: EmitViolation = async (v) => {
  const envelope = lateEntryEnvelope(v);
  // Already recorded by an earlier run (whose occurredAt differs): the same finding, nothing new.
  const logId = logIdFor(v.tenantId, INTEGRITY_SOURCE, String(envelope.eventId));
  if ((await firestore().collection(COLLECTIONS.logs).doc(logId).get()).exists) return logId;
  const outcome = await ingestSystemEvent(envelope, `integrity-${String(envelope.eventId)}`);
  if (outcome.status === 'rejected') {
    logs.eventNotRecorded(v.tenantId, outcome.reason);
    return null;
  }
  return outcome.logId;
};
