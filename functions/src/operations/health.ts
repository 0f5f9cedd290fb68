import type { CallableOutput } from '@audit-log/model/callables';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { requestCaller, runCallable } from '../commands/callable';
import { fromFirestore } from '../commands/instants';
import { CommandError, operatorTenant, parseCommand } from '../domain/commands';
import { ingestHealth, ingestHealthInputSchema, listOutboxInputSchema, type IngestHealth } from '../domain/operations';
import { firestore } from '../firebase';
import { COLLECTIONS } from '../store/collections';

function requireTenant(tenantId: string | null): string {
  if (tenantId === null) {
    throw new CommandError('invalid_argument', 'name the tenant', [{ path: 'tenantId', message: 'is required' }]);
  }
  return tenantId;
}

/**
 * Ingest health of one tenant over a window: entries stored and inputs dead-lettered (both
 * aggregation count queries, so nothing is read document by document), and the outbox backlog.
 */
export async function measureIngestHealth(
  db: Firestore,
  tenantId: string,
  windowMinutes: number,
  now = new Date(),
): Promise<IngestHealth & { tenantId: string; since: string }> {
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const at = Timestamp.fromDate(since);
  const outbox = db.collection(COLLECTIONS.outbox).where('tenantId', '==', tenantId);
  const [stored, dead, outboxAll, outboxFailed] = await Promise.all([
    db.collection(COLLECTIONS.logs).where('tenantId', '==', tenantId).where('recordedAt', '>=', at).count().get(),
    db
      .collection(COLLECTIONS.deadLetters)
      .where('tenantId', '==', tenantId)
      .where('receivedAt', '>=', at)
      .count()
      .get(),
    outbox.count().get(),
    outbox.where('status', '==', 'failed').count().get(),
  ]);
  const failed = outboxFailed.data().count;
  return {
    tenantId,
    since: since.toISOString(),
    ...ingestHealth({
      windowMinutes,
      stored: stored.data().count,
      deadLettered: dead.data().count,
      // Outbox documents without a status are waiting for the trigger; failed ones keep `status: failed`.
      outboxPending: outboxAll.data().count - failed,
      outboxFailed: failed,
    }),
  };
}

/** `ingestHealth` (tenant admins; platform admins with `tenantId`): `{tenantId?, windowMinutes?}`. */
export function handleIngestHealth(request: CallableRequest): Promise<CallableOutput<'ingestHealth'>> {
  return runCallable('ingestHealth', async () => {
    const caller = requestCaller(request);
    const input = parseCommand(ingestHealthInputSchema, request.data);
    const tenantId = requireTenant(operatorTenant(caller, input.tenantId));
    return measureIngestHealth(firestore(), tenantId, input.windowMinutes);
  });
}

/**
 * `listOutbox` (tenant admins; platform admins with `tenantId`): pending or failed outbox
 * documents of a tenant. Clients cannot read the outbox (it holds raw producer input), so
 * operators see it through here, without `changes` and `metadata`.
 */
export function handleListOutbox(request: CallableRequest): Promise<CallableOutput<'listOutbox'>> {
  return runCallable('listOutbox', async () => {
    const caller = requestCaller(request);
    const input = parseCommand(listOutboxInputSchema, request.data);
    const tenantId = requireTenant(operatorTenant(caller, input.tenantId));
    const base = firestore().collection(COLLECTIONS.outbox).where('tenantId', '==', tenantId);
    // Pending documents have no status field, which no query can select: read a bounded page and filter.
    const snap =
      input.status === 'failed'
        ? await base.where('status', '==', 'failed').limit(input.limit).get()
        : await base.limit(Math.min(input.limit * 4, 500)).get();
    const items = snap.docs
      .filter((d) => (input.status === 'failed') === (d.get('status') === 'failed'))
      .slice(0, input.limit)
      .map((d) => {
        const data = fromFirestore(d.data()) as Record<string, unknown>;
        return {
          id: d.id,
          status: input.status,
          eventId: data.eventId,
          eventType: data.eventType,
          source: data.source,
          occurredAt: data.occurredAt,
          ...(data.failure !== undefined ? { failure: data.failure } : {}),
          ...(data.failedAt !== undefined ? { failedAt: data.failedAt } : {}),
        };
      });
    return { items };
  });
}
