import type { CreatedSink } from '@audit-log/model/callables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../functions/src/alerts/webhook-transport';
import type { SinkRetryPolicy } from '../../functions/src/domain/sinks';
import { deliverSink, type DeliverOptions, type SendBatch } from '../../functions/src/sinks/deliver';
import { runSinks } from '../../functions/src/sinks/run';
import { ok, tenantUser } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { SinkReceiver, type Fault } from '../support/sink-receiver';
import { expectedPrefix, recordedEntries, sinkState, tenantOrder, writeRecorded } from '../support/sinks';
import { createTenant } from '../support/tiering';

// A stream delivers 10,000 entries to a local receiver that fails on purpose (500s, time-outs
// before and after it kept a batch), through a crash of the delivering worker in the middle: every
// entry arrives, in the stream's order, and the receiver keeps each exactly once by log id.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH');
const db = adminDb();
const COUNT = 10_000;
const network = { allowLoopback: true, resolve: () => Promise.resolve(['127.0.0.1']) };
/** Short waits, so injected failures cost milliseconds: the order and counts are what is tested. */
const policy: SinkRetryPolicy = {
  firstDelayMs: 5,
  factor: 2,
  maxDelayMs: 40,
  inlineMaxDelayMs: 1_000,
  requestTimeoutMs: 400,
};
/** The slow sink's backoff: its first failure ends its run, as the default policy's would. */
const slowPolicy: SinkRetryPolicy = { ...policy, firstDelayMs: 5_000, maxDelayMs: 60_000 };
const http: SendBatch = async (target, headers, body, timeoutMs) =>
  (await postWebhook(target, headers, body, timeoutMs, network)).result;

/** Every 7th request a 500, every 11th a time-out before keeping, every 13th a late answer after keeping. */
const faults = (n: number): Fault =>
  n % 7 === 3 ? 'http500' : n % 11 === 5 ? 'timeout' : n % 13 === 8 ? 'late_ack' : 'none';

afterAll(async () => {
  await closeAdminApp();
});

async function createStream(tenant: string, url: string, startAt: number, batchSize = 250): Promise<CreatedSink> {
  const admin = await tenantUser(db, tenant, 'admin');
  return ok<CreatedSink>(
    'createSink',
    { name: 'Local SIEM', url, batchSize, startAt: new Date(startAt).toISOString() },
    admin.idToken,
  );
}

describe('a stream of 10,000 entries through injected failures and a crash', () => {
  const tenant = uniqueTenant('sink10k');
  const receiver = new SinkReceiver(faults);
  const start = Date.now() - 3_600_000;
  const recorded = recordedEntries(tenant, COUNT, start);
  let sink: CreatedSink;

  beforeAll(async () => {
    await createTenant(db, tenant);
    const url = await receiver.start();
    await writeRecorded(db, recorded);
    sink = await createStream(tenant, url, start - 1);
    receiver.secret = sink.secret;
  }, 180_000);

  afterAll(async () => {
    await receiver.stop();
  });

  it('delivers every entry in order, once each after de-duplication, and resumes after a crash without a gap', async () => {
    // Worker 1 crashes after its 9th acknowledged batch: the receiver kept it, the cursor never moved.
    let acknowledged = 0;
    const crashing: SendBatch = async (...args) => {
      const result = await http(...args);
      if (result.status === 200 && ++acknowledged === 9) return new Promise<never>(() => undefined);
      return result;
    };
    const first: DeliverOptions = { owner: 'worker-1', deadlineMs: Date.now() + 120_000, policy, send: crashing };
    void deliverSink(db, sink.sinkId, first);
    const crashed = await waitForState(() => acknowledged >= 9);
    expect(crashed.lease?.owner).toBe('worker-1');
    const keptBeforeCrash = receiver.distinct;

    // A second worker is kept out while the dead worker's lease holds...
    const blocked = await deliverSink(db, sink.sinkId, { owner: 'worker-2', deadlineMs: Date.now() + 60_000, policy });
    expect(blocked).toMatchObject({ status: 'skipped', skippedBecause: 'leased', delivered: 0 });

    // ...and takes over once it expired (its clock set past the lease), from the durable cursor.
    const offset = crashed.lease!.until + 1 - Date.now();
    const clock = () => Date.now() + offset;
    const outcomes = [];
    for (let run = 0; run < 40; run++) {
      const outcome = await deliverSink(db, sink.sinkId, {
        owner: `worker-2-${run}`,
        now: clock,
        deadlineMs: clock() + 60_000,
        policy,
        send: http,
        force: true,
        random: () => 0.5,
      });
      outcomes.push(outcome);
      if (outcome.status === 'caught_up') break;
    }
    expect(outcomes.at(-1)?.status).toBe('caught_up');

    // Exactly once per entry id after the receiver's de-duplication, in the stream's order: the
    // 10,000 and the audit entry of the stream's creation, recorded after them.
    const truth = await tenantOrder(db, tenant);
    expect(receiver.kept).toEqual(expectedPrefix(truth, receiver.kept));
    expect(receiver.kept.slice(0, COUNT)).toEqual(recorded.order);
    expect(receiver.kept).toContain(sink.auditLogId);
    expect(receiver.distinct).toBe(receiver.kept.length);
    expect(receiver.badSignatures).toBe(0);
    // The crash and the late answers cost redeliveries, and only those: whole batches, resent.
    const redelivered = receiver.received.length - receiver.kept.length;
    expect(redelivered).toBeGreaterThan(0);
    expect(keptBeforeCrash).toBeGreaterThan(0);
    // The batch the crash left unacknowledged came again under the same idempotency key.
    expect(new Set(receiver.batchIds).size).toBeLessThan(receiver.batchIds.length);
    const state = await sinkState(db, sink.sinkId);
    expect(state.health).toMatchObject({ caughtUp: true, lagMs: 0, consecutiveFailures: 0, lastError: null });
    expect(state.health.deliveredCount).toBeGreaterThanOrEqual(receiver.kept.length);
    expect(state.cursor.logId).toBe(receiver.kept.at(-1));
    console.log(
      `sink delivery: ${receiver.kept.length} distinct entries kept, ${receiver.received.length} received ` +
        `(${redelivered} redelivered), ${receiver.requests} requests, ${receiver.batchIds.length} batches accepted`,
    );
    expect(state.lease).toBeNull();
  }, 300_000);

  /** Waits (with a deadline) until `done`, then reads the stream. */
  async function waitForState(done: () => boolean) {
    const deadline = Date.now() + 120_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('the crashing worker never reached its crash');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return sinkState(db, sink.sinkId);
  }
});

describe('one slow sink and another tenant', () => {
  const slowTenant = uniqueTenant('sinkslow');
  const fastTenant = uniqueTenant('sinkfast');
  const slow = new SinkReceiver(() => 'timeout', 5_000);
  const fast = new SinkReceiver();
  const start = Date.now() - 600_000;
  const slowEntries = recordedEntries(slowTenant, 300, start, 'slow');
  const fastEntries = recordedEntries(fastTenant, 600, start, 'fast');
  let slowSink: CreatedSink;
  let fastSink: CreatedSink;

  beforeAll(async () => {
    await Promise.all([createTenant(db, slowTenant), createTenant(db, fastTenant)]);
    const [slowUrl, fastUrl] = await Promise.all([slow.start(), fast.start()]);
    await Promise.all([writeRecorded(db, slowEntries), writeRecorded(db, fastEntries)]);
    slowSink = await createStream(slowTenant, slowUrl, start - 1, 100);
    fastSink = await createStream(fastTenant, fastUrl, start - 1, 100);
    slow.secret = slowSink.secret;
    fast.secret = fastSink.secret;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([slow.stop(), fast.stop()]);
  });

  it('delivers the healthy stream in full in the same run in which the slow one backs off', async () => {
    const report = await runSinks(db, {
      sinkIds: [slowSink.sinkId, fastSink.sinkId],
      deadlineMs: Date.now() + 60_000,
      policy: slowPolicy,
      network,
    });
    const bySink = new Map(report.sinks.map((s) => [s.sinkId, s]));
    expect(bySink.get(fastSink.sinkId)).toMatchObject({ status: 'caught_up', delivered: 600, failures: 0 });
    expect(bySink.get(slowSink.sinkId)).toMatchObject({ status: 'failing', delivered: 0 });
    expect(fast.kept).toEqual(fastEntries.order);

    const slowState = await sinkState(db, slowSink.sinkId);
    expect(slowState.health.lastError).toMatchObject({ message: 'timeout', retryable: true });
    expect(slowState.health.consecutiveFailures).toBeGreaterThan(0);
    expect(slowState.health.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(slowState.cursor.logId).toBeNull();

    // The schedule leaves it alone until its backoff falls due; the fast stream has nothing left.
    const next = await runSinks(db, {
      sinkIds: [slowSink.sinkId],
      deadlineMs: Date.now() + 10_000,
      policy: slowPolicy,
      network,
    });
    expect(next.sinks[0]).toMatchObject({ status: 'skipped', skippedBecause: 'backing_off' });
  }, 120_000);
});
