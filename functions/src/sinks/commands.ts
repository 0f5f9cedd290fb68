import type { CallableOutput, SinkStatus } from '@audit-log/model/callables';
import { randomBytes, randomUUID } from 'node:crypto';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { requestCaller, runCallable } from '../commands/callable';
import { logIdFor } from '../domain';
import { webhookSecretFrom } from '../domain/alerts';
import { CommandError, parseCommand, requireTenantRole, type TenantMember } from '../domain/commands';
import {
  createSinkInputSchema,
  replayCursor,
  replaySinkInputSchema,
  SINK_AUDIT_SOURCE,
  sinkConfigEvent,
  sinkIdInputSchema,
  type SinkAction,
  type SinkAuditView,
  type SinkTarget,
} from '../domain/sinks';
import { firestore } from '../firebase';
import { ingestSystemEvent } from '../ingest/ingest';
import { COLLECTIONS } from '../store/collections';
import { targetOfInput } from './destinations';
import * as logs from './logs';
import { insertSink, sinkOf, sinkRef, sinkSecretRef, storedCursor, type NewSinkConfig, type StoredSink } from './store';

type Changed = CallableOutput<'pauseSink'>;

function requireAdmin(request: CallableRequest): TenantMember {
  return requireTenantRole(requestCaller(request), ['admin'], 'manage streams');
}

function auditView(
  sink: { name: string; target: SinkTarget; status: SinkStatus; batchSize: number },
  cursorFrom?: number,
) {
  const view: SinkAuditView = {
    name: sink.name,
    ...sink.target,
    status: sink.status,
    batchSize: sink.batchSize,
  };
  return cursorFrom === undefined ? view : { ...view, cursorFrom: new Date(cursorFrom).toISOString() };
}

/** Records a stream change through the one ingest entry point; a rejection is a bug, never the caller's. */
async function audit(envelope: Record<string, unknown>): Promise<string> {
  const { tenantId, eventId } = envelope as { tenantId: string; eventId: string };
  const logId = logIdFor(tenantId, SINK_AUDIT_SOURCE, eventId);
  const outcome = await ingestSystemEvent(envelope, `sinks-${logId}`, 'http');
  if (outcome.status === 'rejected') throw new Error(`audit event rejected: ${outcome.reason} ${outcome.message}`);
  return logId;
}

/**
 * `createSink` (tenant admins): a stream of the tenant's entries from `startAt` (now by default),
 * to a webhook, a Pub/Sub topic or a bucket (`targetOfInput` decides which ones the tenant may
 * name). The signing key is stored apart and answered this once. If the audit entry cannot be
 * stored, the stream is removed again before it delivered anything: no stream exists unaudited.
 */
export function handleCreateSink(request: CallableRequest): Promise<CallableOutput<'createSink'>> {
  return runCallable('createSink', async () => {
    const admin = requireAdmin(request);
    const input = parseCommand(createSinkInputSchema, request.data);
    const sinkId = randomUUID().replaceAll('-', '');
    const target = targetOfInput(input, admin.tenantId, sinkId);
    const db = firestore();
    const tenant = await db.collection(COLLECTIONS.tenants).doc(admin.tenantId).get();
    if (!tenant.exists) throw new CommandError('tenant_not_found', `tenant ${admin.tenantId} does not exist`);

    const secret = webhookSecretFrom(randomBytes(32));
    const now = new Date();
    const fromMs = input.startAt !== undefined ? Date.parse(input.startAt) : now.getTime();
    const config: NewSinkConfig = {
      name: input.name,
      target,
      status: 'active',
      batchSize: input.batchSize,
    };
    await insertSink(db, { sinkId, tenantId: admin.tenantId, config, fromMs, secret, by: admin.uid }, now);
    let auditLogId: string;
    try {
      auditLogId = await audit(
        sinkConfigEvent({
          admin,
          action: 'created',
          sinkId,
          configVersion: 1,
          before: null,
          after: auditView(config, fromMs),
          occurredAt: now.toISOString(),
        }),
      );
    } catch (err) {
      await Promise.all([sinkRef(db, sinkId).delete(), sinkSecretRef(db, sinkId).delete()]);
      throw err;
    }
    logs.sinkChanged(admin.tenantId, sinkId, 'created', admin.uid);
    return { sinkId, secret, auditLogId };
  });
}

/**
 * Applies a status change or a replay in a transaction and audits it. Each change bumps the
 * configuration version, which names its audit event; repeating a change that is already in
 * place re-sends the identical event, so a command retried after a failed audit records it once.
 */
async function changeSink(
  admin: TenantMember,
  sinkId: string,
  action: Exclude<SinkAction, 'created' | 'deleted'>,
  replayFromMs?: number,
): Promise<Changed> {
  const db = firestore();
  const ref = sinkRef(db, sinkId);
  const status: SinkStatus = action === 'paused' ? 'paused' : 'active';
  const change = await db.runTransaction(async (tx) => {
    const sink = sinkOf(await tx.get(ref));
    if (sink === null || sink.tenantId !== admin.tenantId || sink.deletingAtMs !== null) {
      throw new CommandError('not_found', `no stream ${sinkId}`);
    }
    // The same command again (a retry after a failed audit) changes nothing and re-sends its event.
    const unchanged = action !== 'replayed' && sink.status === status && sink.lastAction === action;
    // A repeated change re-sends the event of the change in place: same id, same instant.
    const configVersion = unchanged ? sink.configVersion : sink.configVersion + 1;
    const occurredAt = new Date(unchanged ? sink.configChangedAtMs : Date.now());
    if (!unchanged) {
      tx.update(ref, {
        status,
        configVersion,
        configChangedAt: Timestamp.fromDate(occurredAt),
        lastAction: action,
        ...(action === 'replayed'
          ? {
              // A new generation: a run in flight can no longer commit its (older) cursor.
              cursor: storedCursor(replayCursor(replayFromMs!)),
              generation: sink.generation + 1,
              lease: null,
              'health.caughtUp': false,
            }
          : {}),
        // Resuming or replaying tries at once instead of waiting out an old backoff.
        ...(action !== 'paused' ? { 'health.nextAttemptAt': null } : {}),
      });
    }
    const before = auditView(unchanged ? { ...sink, status: action === 'paused' ? 'active' : 'paused' } : sink);
    return {
      before,
      after: auditView({ ...sink, status }, replayFromMs),
      configVersion,
      occurredAt: occurredAt.toISOString(),
    };
  });
  const auditLogId = await audit(sinkConfigEvent({ admin, action, sinkId, ...change }));
  logs.sinkChanged(admin.tenantId, sinkId, action, admin.uid);
  return { sinkId, status, auditLogId };
}

/** `pauseSink`: no batch starts until it is resumed; the cursor stays where it is. */
export function handlePauseSink(request: CallableRequest): Promise<Changed> {
  return runCallable('pauseSink', async () => {
    const admin = requireAdmin(request);
    const { sinkId } = parseCommand(sinkIdInputSchema, request.data);
    return changeSink(admin, sinkId, 'paused');
  });
}

/** `resumeSink`: delivery continues from the cursor, without a gap. */
export function handleResumeSink(request: CallableRequest): Promise<Changed> {
  return runCallable('resumeSink', async () => {
    const admin = requireAdmin(request);
    const { sinkId } = parseCommand(sinkIdInputSchema, request.data);
    return changeSink(admin, sinkId, 'resumed');
  });
}

/** `replaySink`: the cursor moves to `from`; every entry recorded since is sent again, in order. */
export function handleReplaySink(request: CallableRequest): Promise<Changed> {
  return runCallable('replaySink', async () => {
    const admin = requireAdmin(request);
    const { sinkId, from } = parseCommand(replaySinkInputSchema, request.data);
    return changeSink(admin, sinkId, 'replayed', Date.parse(from));
  });
}

/**
 * `deleteSink`: the stream and its signing key are removed. The deletion is first marked on the
 * stream (it stops delivering, and the mark fixes the audit event's id and instant), then audited,
 * then done; a deletion interrupted halfway is finished by a retry and recorded once, never done
 * unrecorded.
 */
export function handleDeleteSink(request: CallableRequest): Promise<Changed> {
  return runCallable('deleteSink', async () => {
    const admin = requireAdmin(request);
    const { sinkId } = parseCommand(sinkIdInputSchema, request.data);
    const db = firestore();
    const ref = sinkRef(db, sinkId);
    const marked = await db.runTransaction(async (tx) => {
      const sink = sinkOf(await tx.get(ref));
      if (sink === null || sink.tenantId !== admin.tenantId) throw new CommandError('not_found', `no stream ${sinkId}`);
      if (sink.deletingAtMs !== null) return { sink, atMs: sink.deletingAtMs, configVersion: sink.configVersion };
      const atMs = Date.now();
      tx.update(ref, { deletingAt: Timestamp.fromMillis(atMs), configVersion: sink.configVersion + 1 });
      return { sink, atMs, configVersion: sink.configVersion + 1 };
    });
    const auditLogId = await audit(
      sinkConfigEvent({
        admin,
        action: 'deleted',
        sinkId,
        configVersion: marked.configVersion,
        before: auditView(marked.sink),
        after: null,
        occurredAt: new Date(marked.atMs).toISOString(),
      }),
    );
    await Promise.all([sinkRef(db, sinkId).delete(), sinkSecretRef(db, sinkId).delete()]);
    logs.sinkChanged(admin.tenantId, sinkId, 'deleted', admin.uid);
    return { sinkId, status: 'deleted', auditLogId };
  });
}

/** The caller's stream, or `not_found` (another tenant's stream is not found either). */
export async function ownSink(db: Firestore, admin: TenantMember, sinkId: string): Promise<StoredSink> {
  const sink = sinkOf(await sinkRef(db, sinkId).get());
  if (sink === null || sink.tenantId !== admin.tenantId) throw new CommandError('not_found', `no stream ${sinkId}`);
  return sink;
}
