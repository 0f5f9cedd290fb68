import type { CallableOutput } from '@audit-log/model/callables';
import { parseStoredDocument } from '@audit-log/model/stored-document';
import { deadLetterDocSchema } from '@audit-log/model/stored-dead-letter';
import { Timestamp } from 'firebase-admin/firestore';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { stageAuditEvent } from '../commands/audit';
import { requestCaller, runCallable } from '../commands/callable';
import { deadLetterReplayed } from '../commands/logs';
import { sha256Hex } from '../domain';
import { CommandError, parseCommand, userActor } from '../domain/commands';
import { replayDeadLetterInputSchema, replayPayload } from '../domain/operations';
import { firestore } from '../firebase';
import { ingest } from '../ingest/ingest';
import { COLLECTIONS } from '../store/collections';
import { replayablePayload } from '../store/dead-letters';

/** Source of the audit entries of operator actions. */
export const OPERATIONS_AUDIT_SOURCE = 'audit-operations';

/**
 * `replayDeadLetter` (the tenant's admins; platform admins for any dead letter, including those
 * of input that named no tenant): runs the stored payload through `ingest()` again, after a fix
 * (the tenant now exists, a classification or validation bug was fixed). Success marks the dead
 * letter `replayed`, removes the failed outbox document it came from, and is itself audited;
 * a payload that still fails refreshes the dead letter's reason and counts the attempt.
 */
export function handleReplayDeadLetter(request: CallableRequest): Promise<CallableOutput<'replayDeadLetter'>> {
  return runCallable('replayDeadLetter', async () => {
    const caller = requestCaller(request);
    const { deadLetterId } = parseCommand(replayDeadLetterInputSchema, request.data);
    const db = firestore();
    const ref = db.collection(COLLECTIONS.deadLetters).doc(deadLetterId);
    const snap = await ref.get();
    const tenantId = snap.get('tenantId') as string | undefined;
    const allowed =
      snap.exists &&
      (caller.platformAdmin || (caller.role === 'admin' && tenantId !== undefined && tenantId === caller.tenantId));
    // Dead letters of other tenants are "not found", like missing ones.
    if (!allowed) throw new CommandError('not_found', `no dead letter ${deadLetterId} for you to replay`);
    // A letter that does not match its schema answers data-loss with the fields to mend.
    const letter = parseStoredDocument(deadLetterDocSchema, ref.path, snap.data());
    if (letter.status === 'replayed')
      throw new CommandError('already_replayed', 'this dead letter was already replayed');

    // Tenant admins see a redacted copy; the replay runs the original, kept server-side.
    const payload = replayPayload(
      await replayablePayload(db, deadLetterId, {
        rawPayload: letter.rawPayload,
        rawPayloadRedacted: letter.rawPayloadRedacted,
      }),
    );
    const via = letter.source;
    const attempts = letter.replayAttempts + 1;
    const now = new Date();
    const by = { uid: caller.uid, ...(caller.email !== undefined ? { email: caller.email } : {}) };

    // A payload that fails again is dead-lettered by ingest() under the same id (fresh reason).
    // Only a letter the system wrote for one of its own events is replayed as a system event.
    const trusted = letter.systemEvent === true;
    const outcome = await ingest({ bytes: payload }, { via, trusted }, deadLetterId);
    if (outcome.status === 'rejected') {
      await ref.update({
        replayAttempts: attempts,
        lastReplay: { at: Timestamp.fromDate(now), by, outcome: 'rejected', reason: outcome.reason },
      });
      deadLetterReplayed(deadLetterId, tenantId, 'rejected');
      return {
        deadLetterId,
        outcome: 'rejected',
        reason: outcome.reason,
        message: outcome.message,
        errors: outcome.errors,
      };
    }

    const auditLogId = await db.runTransaction(async (tx) => {
      const outboxRef = deadLetterId.startsWith('outbox-')
        ? db.collection(COLLECTIONS.outbox).doc(deadLetterId.slice('outbox-'.length))
        : null;
      const outboxDoc = outboxRef ? await tx.get(outboxRef) : null;
      tx.update(ref, {
        status: 'replayed',
        replayAttempts: attempts,
        replayedAt: Timestamp.fromDate(now),
        replayedBy: by,
        replayLogId: outcome.logId,
        lastReplay: { at: Timestamp.fromDate(now), by, outcome: outcome.status },
      });
      if (outboxRef && outboxDoc?.get('status') === 'failed') tx.delete(outboxRef);
      return stageAuditEvent(tx, db, {
        specVersion: '1.0',
        eventId: `dead-letter-replayed-${sha256Hex(deadLetterId).slice(0, 32)}`,
        eventType: 'audit.dead_letter.replayed',
        tenantId: outcome.tenantId,
        occurredAt: now.toISOString(),
        source: OPERATIONS_AUDIT_SOURCE,
        actor: userActor(by),
        resource: { type: 'dead_letter', id: deadLetterId.slice(0, 256) },
        operation: 'EXECUTE',
        outcome: 'success',
        metadata: { replayedLogId: outcome.logId, result: outcome.status, attempts },
      });
    });
    deadLetterReplayed(deadLetterId, outcome.tenantId, outcome.status);
    return { deadLetterId, outcome: outcome.status, logId: outcome.logId, auditLogId };
  });
}
