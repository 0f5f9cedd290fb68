import type { CreatedSink, SinkChanged, SinkRunReport } from '@audit-log/model/callables';
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../functions/src/alerts/webhook-transport';
import { deliverSink, type SendBatch } from '../../functions/src/sinks/deliver';
import { fails, ok, readEntry, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { SinkReceiver } from '../support/sink-receiver';
import { expectedPrefix, recordedEntries, sinkState, tenantOrder, writeEntryAt, writeRecorded } from '../support/sinks';
import { createTenant } from '../support/tiering';

// The stream commands on the Functions emulator (create, pause, resume, replay, delete, run now),
// who may use them, their audit entries, and entries that commit after a later one.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH');
const db = adminDb();
const network = { allowLoopback: true, resolve: () => Promise.resolve(['127.0.0.1']) };
const http: SendBatch = async (target, headers, body, timeoutMs) =>
  (await postWebhook(target, headers, body, timeoutMs, network)).result;

afterAll(async () => {
  await closeAdminApp();
});

describe('stream commands', () => {
  const tenant = uniqueTenant('sinkcmd');
  const other = uniqueTenant('sinkcmd-other');
  const receiver = new SinkReceiver();
  const start = Date.now() - 600_000;
  const recorded = recordedEntries(tenant, 30, start, 'cmd');
  let admin: User;
  let url: string;
  let sink: CreatedSink;

  beforeAll(async () => {
    await Promise.all([createTenant(db, tenant), createTenant(db, other)]);
    url = await receiver.start();
    await writeRecorded(db, recorded);
    admin = await tenantUser(db, tenant, 'admin');
    sink = await ok<CreatedSink>(
      'createSink',
      { name: 'SIEM', url, batchSize: 10, startAt: new Date(start - 1).toISOString() },
      admin.idToken,
    );
    receiver.secret = sink.secret;
  }, 60_000);

  afterAll(async () => {
    await receiver.stop();
  });

  it('creates a stream audited as SYSTEM_CONFIGURATION under the reserved source, without its key', async () => {
    expect(sink.secret).toMatch(/^whsec_/);
    const entry = await readEntry(db, sink.auditLogId);
    expect(entry).toMatchObject({
      tenantId: tenant,
      eventType: 'config.audit_sink.created',
      source: 'audit-sinks',
      category: 'SYSTEM_CONFIGURATION',
      actor: { id: admin.uid },
      resource: { type: 'audit_sink', id: sink.sinkId },
    });
    expect(JSON.stringify(entry)).not.toContain(sink.secret);
    const secretDoc = await db.collection('audit_sink_secrets').doc(sink.sinkId).get();
    expect(secretDoc.get('secret')).toBe(sink.secret);
    expect(JSON.stringify((await db.collection('audit_sinks').doc(sink.sinkId).get()).data())).not.toContain(
      sink.secret,
    );
  });

  it('refuses bad input field by field, other roles, and other tenants', async () => {
    const bad = await fails('createSink', { name: '', url: 'http://10.1.2.3/in', batchSize: 0 }, admin.idToken);
    expect(bad.code).toBe('invalid_argument');
    expect(bad.errors?.map((e) => e.path).sort()).toEqual(['batchSize', 'name', 'url']);
    const auditor = await tenantUser(db, tenant, 'auditor');
    expect((await fails('createSink', { name: 'x', url }, auditor.idToken)).code).toBe('permission_denied');
    expect((await fails('pauseSink', { sinkId: sink.sinkId }, auditor.idToken)).code).toBe('permission_denied');
    const stranger = await tenantUser(db, other, 'admin');
    for (const name of ['pauseSink', 'resumeSink', 'deleteSink', 'runSinks']) {
      expect((await fails(name, { sinkId: sink.sinkId }, stranger.idToken)).code).toBe('not_found');
    }
    const replay = await fails('replaySink', { sinkId: sink.sinkId, from: 'last week' }, admin.idToken);
    expect(replay.errors?.map((e) => e.path)).toEqual(['from']);
  });

  it('runs now, pauses without losing the cursor, resumes without a gap, and replays from a time', async () => {
    // The tenant's order includes the audit entries of the stream's own commands, delivered once
    // they are older than the settle time: the seeded entries come first, every one of them.
    const run = await ok<SinkRunReport>('runSinks', { sinkId: sink.sinkId }, admin.idToken);
    expect(run.sinks[0]).toMatchObject({ status: 'caught_up', delivered: receiver.kept.length });
    expect(receiver.kept.slice(0, 30)).toEqual(recorded.order);
    expect(receiver.kept).toEqual(expectedPrefix(await tenantOrder(db, tenant), receiver.kept));

    const paused = await ok<SinkChanged>('pauseSink', { sinkId: sink.sinkId }, admin.idToken);
    expect(paused.status).toBe('paused');
    expect(await readEntry(db, paused.auditLogId)).toMatchObject({ eventType: 'config.audit_sink.paused' });
    // Recorded just after the cursor, so they are new to the stream and already past the settle time.
    const { cursor } = await sinkState(db, sink.sinkId);
    const more = recordedEntries(tenant, 12, cursor.recordedAt + 1, 'more');
    await writeRecorded(db, more);
    const whilePaused = await ok<SinkRunReport>('runSinks', {}, admin.idToken);
    expect(whilePaused.sinks[0]).toMatchObject({ status: 'skipped', skippedBecause: 'paused', delivered: 0 });
    // Pausing twice records the pause once.
    expect((await ok<SinkChanged>('pauseSink', { sinkId: sink.sinkId }, admin.idToken)).auditLogId).toBe(
      paused.auditLogId,
    );

    await ok<SinkChanged>('resumeSink', { sinkId: sink.sinkId }, admin.idToken);
    await ok<SinkRunReport>('runSinks', {}, admin.idToken);
    expect(receiver.kept).toEqual(expect.arrayContaining([...recorded.order, ...more.order]));
    expect(receiver.kept).toEqual(expectedPrefix(await tenantOrder(db, tenant), receiver.kept));

    const from = recorded.recordedAtMs.get(recorded.order[20]!)!;
    const replayed = await ok<SinkChanged>(
      'replaySink',
      { sinkId: sink.sinkId, from: new Date(from).toISOString() },
      admin.idToken,
    );
    expect(await readEntry(db, replayed.auditLogId)).toMatchObject({ eventType: 'config.audit_sink.replayed' });
    const before = receiver.received.length;
    const again = await ok<SinkRunReport>('runSinks', { sinkId: sink.sinkId }, admin.idToken);
    const resent = receiver.received.slice(before);
    // Everything recorded at or after `from`: the entries that share its millisecond included.
    const truth = await tenantOrder(db, tenant, from);
    expect(resent).toEqual(expectedPrefix(truth, resent));
    expect(resent).toEqual(expect.arrayContaining([...recorded.order.slice(20), ...more.order]));
    expect(resent.length).toBeGreaterThan(recorded.order.length - 20 + more.order.length);
    expect(again.sinks[0]!.delivered).toBe(resent.length);
    const state = await sinkState(db, sink.sinkId);
    expect(state.generation).toBe(1);
    expect(state.health).toMatchObject({ caughtUp: true, lastError: null });
  });

  it('deletes the stream and its key, audited', async () => {
    const deleted = await ok<SinkChanged>('deleteSink', { sinkId: sink.sinkId }, admin.idToken);
    expect(await readEntry(db, deleted.auditLogId)).toMatchObject({
      eventType: 'config.audit_sink.deleted',
      operation: 'DELETE',
    });
    expect((await db.collection('audit_sinks').doc(sink.sinkId).get()).exists).toBe(false);
    expect((await db.collection('audit_sink_secrets').doc(sink.sinkId).get()).exists).toBe(false);
    expect((await fails('runSinks', { sinkId: sink.sinkId }, admin.idToken)).code).toBe('not_found');
  });
});

describe('entries that commit after a later entry', () => {
  // Ingest takes recordedAt from its clock just before the write commits, so entry B (recorded
  // before C) can become visible after C. A stream that has read C must never have passed B.
  async function scenario(settleMs: number) {
    const tenant = uniqueTenant(`sinklate${settleMs}`);
    await createTenant(db, tenant);
    const receiver = new SinkReceiver();
    const url = await receiver.start();
    const t0 = Date.now();
    const [a, b, c] = recordedEntries(tenant, 3, t0 - 60_000, 'late').entries;
    const admin = await tenantUser(db, tenant, 'admin');
    const sink = await ok<CreatedSink>(
      'createSink',
      { name: 'late', url, startAt: new Date(t0 - 120_000).toISOString() },
      admin.idToken,
    );
    receiver.secret = sink.secret;
    const deliver = (nowMs: number) =>
      deliverSink(db, sink.sinkId, { owner: 'w', now: () => nowMs, deadlineMs: nowMs + 30_000, settleMs, send: http });
    await writeEntryAt(db, a!, t0 - 60_000);
    await deliver(t0);
    await writeEntryAt(db, c!, t0 - 5_000);
    await deliver(t0);
    // B, recorded 3 s before C, commits only now.
    await writeEntryAt(db, b!, t0 - 8_000);
    await deliver(t0 + 20_000);
    await receiver.stop();
    // The tenant also holds the audit entry of the stream's creation, recorded after all three.
    const truth = await tenantOrder(db, tenant);
    expect(truth.slice(0, 3)).toEqual([a!.logId, b!.logId, c!.logId]);
    return { kept: receiver.kept, truth, late: b!.logId };
  }

  it('are delivered in recordedAt order: the stream reads only entries older than the settle time', async () => {
    const { kept, truth } = await scenario(15_000);
    expect(kept).toEqual(truth);
  });

  it('would be skipped without the settle time (the hazard it closes)', async () => {
    const { kept, truth, late } = await scenario(0);
    expect(kept).not.toContain(late);
    expect(kept).toEqual(truth.filter((id) => id !== late));
  });
});

describe('attacks on a stream', () => {
  async function stream(label: string) {
    const tenant = uniqueTenant(label);
    await createTenant(db, tenant);
    const receiver = new SinkReceiver();
    const url = await receiver.start();
    const start = Date.now() - 600_000;
    const recorded = recordedEntries(tenant, 6, start, label);
    await writeRecorded(db, recorded);
    const admin = await tenantUser(db, tenant, 'admin');
    const sink = await ok<CreatedSink>(
      'createSink',
      { name: label, url, batchSize: 3, startAt: new Date(start - 1).toISOString() },
      admin.idToken,
    );
    receiver.secret = sink.secret;
    return { receiver, recorded, sink };
  }

  it('never connects to loopback outside the emulators, whatever URL the stream holds', async () => {
    const { receiver, sink } = await stream('sinkssrf');
    const outcome = await deliverSink(db, sink.sinkId, {
      owner: 'w',
      deadlineMs: Date.now() + 10_000,
      network: { allowLoopback: false, resolve: () => Promise.resolve(['127.0.0.1']) },
    });
    await receiver.stop();
    expect(receiver.requests).toBe(0);
    expect(outcome).toMatchObject({ status: 'failing', delivered: 0 });
    const state = await sinkState(db, sink.sinkId);
    expect(state.health.lastError).toMatchObject({ message: 'blocked_destination', retryable: false });
    expect(state.cursor.logId).toBeNull();
  });

  it('a run in flight when the stream is replayed cannot write its older cursor over the replay', async () => {
    const { receiver, recorded, sink } = await stream('sinkgen');
    const replayFrom = recorded.recordedAtMs.get(recorded.order[0]!)!;
    // While the first batch is at the receiver, a replay (as replaySink writes it) starts a new generation.
    const replayDuringSend: SendBatch = async (...args) => {
      await db
        .collection('audit_sinks')
        .doc(sink.sinkId)
        .update({
          cursor: { recordedAt: Timestamp.fromMillis(replayFrom), logId: null },
          generation: FieldValue.increment(1),
          lease: null,
        });
      return http(...args);
    };
    const outcome = await deliverSink(db, sink.sinkId, {
      owner: 'old-run',
      deadlineMs: Date.now() + 10_000,
      send: replayDuringSend,
    });
    await receiver.stop();
    expect(outcome).toMatchObject({ delivered: 0, batches: 0 });
    const state = await sinkState(db, sink.sinkId);
    expect(state.generation).toBe(1);
    expect(state.cursor).toEqual({ recordedAt: replayFrom, logId: null });
    expect(state.health.deliveredCount).toBe(0);
  });
});
