import type { Message } from '@google-cloud/pubsub';
import type { CreatedSink, SinkChanged, SinkRunReport } from '@audit-log/model/callables';
import { getStorage } from 'firebase-admin/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../functions/src/domain/alerts';
import { deliverSink, type SinkTransport } from '../../functions/src/sinks/deliver';
import { fails, ok, tenantUser, type User } from '../support/commands';
import {
  adminApp,
  adminDb,
  closeAdminApp,
  pubsubClient,
  requireEmulators,
  uniqueTenant,
  waitFor,
} from '../support/emulators';
import { expectedPrefix, recordedEntries, sinkState, tenantOrder, writeRecorded } from '../support/sinks';
import { BUCKET, createTenant } from '../support/tiering';

// The Pub/Sub and Storage kinds of stream on the real emulators: created through `createSink` on
// the Functions emulator (with the rules on which topics and buckets a tenant may name), delivered
// by the same loop as webhooks (cursor, lease, backoff, pause, resume), with a failure on the way.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'PUBSUB', 'FIREBASE_STORAGE');
const db = adminDb();
const COUNT = 240;

afterAll(async () => {
  await closeAdminApp();
});

/** Every message of a subscription, as it arrives, acknowledged. */
function collect(subscriptionName: string) {
  const messages: Message[] = [];
  const subscription = pubsubClient().subscription(subscriptionName);
  subscription.on('message', (m: Message) => {
    messages.push(m);
    m.ack();
  });
  return { messages, close: () => subscription.close() };
}

describe('a Pub/Sub stream', () => {
  const tenant = uniqueTenant('sinkps');
  const topicId = `sinks.${tenant}.siem`;
  const start = Date.now() - 600_000;
  const recorded = recordedEntries(tenant, COUNT, start, 'ps');
  let admin: User;
  let sink: CreatedSink;

  beforeAll(async () => {
    await createTenant(db, tenant);
    await writeRecorded(db, recorded);
    admin = await tenantUser(db, tenant, 'admin');
  }, 60_000);

  it("refuses the project's own topics and other tenants' topics, field by field", async () => {
    for (const topic of [
      'audit-events',
      `sinks.${tenant}x`,
      'sinks.someone-else',
      `projects/demo-auditlog/topics/x-${tenant}`,
    ]) {
      const refused = await fails('createSink', { name: 'T', kind: 'pubsub', topic }, admin.idToken);
      expect(refused.code, topic).toBe('invalid_argument');
      expect(refused.errors?.map((e) => e.path)).toEqual(['topic']);
    }
    const mixed = await fails('createSink', { name: '', kind: 'pubsub', url: 'https://x.example.com' }, admin.idToken);
    expect(mixed.code).toBe('invalid_argument');
    expect(mixed.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['name', 'topic']));
    const kind = await fails('createSink', { name: 'T', kind: 'ftp', topic: topicId }, admin.idToken);
    expect(kind.errors?.map((e) => e.path)).toEqual(['kind']);
  });

  it('shows a missing topic in health, delivers once it exists, and pauses and resumes without a gap', async () => {
    sink = await ok<CreatedSink>(
      'createSink',
      { name: 'SIEM topic', kind: 'pubsub', topic: topicId, batchSize: 50, startAt: new Date(start - 1).toISOString() },
      admin.idToken,
    );
    const stored = (await db.collection('audit_sinks').doc(sink.sinkId).get()).data();
    expect(stored).toMatchObject({ kind: 'pubsub', topic: `projects/demo-auditlog/topics/${topicId}` });

    // The topic does not exist yet: someone must create it, so the stream waits the longest backoff.
    const missing = await ok<SinkRunReport>('runSinks', { sinkId: sink.sinkId }, admin.idToken);
    expect(missing.sinks[0]).toMatchObject({ status: 'failing', delivered: 0, failures: 1 });
    const failing = await sinkState(db, sink.sinkId);
    expect(failing.health.lastError).toMatchObject({ message: 'Pub/Sub NOT_FOUND', retryable: false });
    expect(failing.health.nextAttemptAt! - Date.now()).toBeGreaterThan(60_000);
    expect(failing.cursor.logId).toBeNull();

    const [topic] = await pubsubClient().createTopic(topicId);
    const subscriptionName = `sub-${tenant}`;
    await topic.createSubscription(subscriptionName, { enableMessageOrdering: true });
    const received = collect(subscriptionName);
    try {
      // Paused: the topic exists now, but nothing is sent and the cursor stays.
      await ok<SinkChanged>('pauseSink', { sinkId: sink.sinkId }, admin.idToken);
      const paused = await ok<SinkRunReport>('runSinks', { sinkId: sink.sinkId }, admin.idToken);
      expect(paused.sinks[0]).toMatchObject({ status: 'skipped', skippedBecause: 'paused' });
      // Resumed: the old backoff is dropped and delivery starts at the cursor.
      await ok<SinkChanged>('resumeSink', { sinkId: sink.sinkId }, admin.idToken);
      const run = await ok<SinkRunReport>('runSinks', { sinkId: sink.sinkId }, admin.idToken);
      expect(run.sinks[0]).toMatchObject({ status: 'caught_up' });
      const delivered = run.sinks[0]!.delivered;
      expect(delivered).toBeGreaterThanOrEqual(COUNT);
      await waitFor(
        () => Promise.resolve(received.messages.length),
        (n) => n >= delivered,
        { timeoutMs: 30_000, what: `${delivered} messages` },
      );

      const logIds = received.messages.map((m) => m.attributes.logId!);
      const kept = [...new Set(logIds)];
      // Every entry, in the stream's order (as they arrive, on an ordered subscription), once each.
      expect(kept.slice(0, COUNT)).toEqual(recorded.order);
      expect(kept).toEqual(expectedPrefix(await tenantOrder(db, tenant, start), kept));
      for (const m of received.messages.slice(0, 5)) {
        expect(m.attributes).toMatchObject({ tenantId: tenant, sinkId: sink.sinkId });
        expect(m.attributes.batchId).toMatch(/^b_/);
        expect(m.orderingKey).toBe(sink.sinkId);
        const data = m.data.toString('utf8');
        expect(JSON.parse(data)).toMatchObject({ logId: m.attributes.logId, tenantId: tenant });
        expect(verifyWebhookSignature(m.attributes.signature, data, sink.secret, Math.floor(Date.now() / 1000))).toBe(
          true,
        );
      }
      const state = await sinkState(db, sink.sinkId);
      expect(state.health).toMatchObject({ caughtUp: true, lastError: null, consecutiveFailures: 0 });
      expect(state.cursor.logId).toBe(kept.at(-1));
    } finally {
      await received.close();
    }
  }, 180_000);
});

describe('a Storage stream', () => {
  const tenant = uniqueTenant('sinkgs');
  const intruder = uniqueTenant('sinkgs-other');
  const start = Date.now() - 600_000;
  const recorded = recordedEntries(tenant, COUNT, start, 'gs');
  const bucket = getStorage(adminApp()).bucket(BUCKET);
  let admin: User;
  let other: User;

  beforeAll(async () => {
    await Promise.all([createTenant(db, tenant), createTenant(db, intruder)]);
    await Promise.all([writeRecorded(db, recorded), writeRecorded(db, recordedEntries(intruder, 5, start, 'gsx'))]);
    [admin, other] = await Promise.all([tenantUser(db, tenant, 'admin'), tenantUser(db, intruder, 'admin')]);
  }, 60_000);

  /** The entries of a stream's objects, in object-name order, and the names. */
  async function objectsUnder(prefix: string) {
    const [files] = await bucket.getFiles({ prefix });
    const names = files.map((f) => f.name).sort();
    const lines: string[] = [];
    for (const name of names) {
      const [buf] = await bucket.file(name).download();
      for (const line of buf.toString('utf8').split('\n')) if (line !== '') lines.push(line);
    }
    return { names, logIds: lines.map((l) => (JSON.parse(l) as { logId: string }).logId) };
  }

  it("refuses buckets that are not the project's stream buckets and folders that climb out", async () => {
    const foreign = await fails(
      'createSink',
      { name: 'L', kind: 'storage', bucket: 'someone-elses-bucket' },
      other.idToken,
    );
    expect(foreign.code).toBe('invalid_argument');
    expect(foreign.errors?.map((e) => e.path)).toEqual(['bucket']);
    for (const prefix of [`../tenant=${tenant}`, `/streams/tenant=${tenant}`, 'a/../../b']) {
      const climbing = await fails('createSink', { name: 'L', kind: 'storage', bucket: BUCKET, prefix }, other.idToken);
      expect(
        climbing.errors?.map((e) => e.path),
        prefix,
      ).toEqual(['prefix']);
    }
  });

  it("writes every entry once, in order, under the tenant's prefix; a resent batch overwrites its object", async () => {
    const sink = await ok<CreatedSink>(
      'createSink',
      {
        name: 'Lake',
        kind: 'storage',
        bucket: BUCKET,
        prefix: 'raw',
        batchSize: 40,
        startAt: new Date(start - 1).toISOString(),
      },
      admin.idToken,
    );
    const prefix = `streams/tenant=${tenant}/raw/sink=${sink.sinkId}/`;
    expect((await sinkState(db, sink.sinkId)) as unknown).toMatchObject({ kind: 'storage', bucket: BUCKET, prefix });

    // Another tenant naming this tenant's folder as its own prefix writes inside its own part.
    const intruding = await ok<CreatedSink>(
      'createSink',
      {
        name: 'Intrude',
        kind: 'storage',
        bucket: BUCKET,
        prefix: `tenant=${tenant}/raw`,
        startAt: new Date(start - 1).toISOString(),
      },
      other.idToken,
    );
    expect((await db.collection('audit_sinks').doc(intruding.sinkId).get()).get('prefix')).toBe(
      `streams/tenant=${intruder}/tenant=${tenant}/raw/sink=${intruding.sinkId}/`,
    );
    await ok<SinkRunReport>('runSinks', { sinkId: intruding.sinkId }, other.idToken);

    // A worker writes the first batch, then writes the second and crashes before its cursor
    // moves; the next worker's first send fails once with a 503.
    let sent = 0;
    const faulty =
      (standard: SinkTransport): SinkTransport =>
      async (batch, attempt) => {
        sent++;
        if (sent === 2) {
          await standard(batch, attempt);
          throw new Error('worker crashed after the object was written');
        }
        if (sent === 3) return { ok: false, message: 'Storage HTTP 503', retryable: true };
        return standard(batch, attempt);
      };
    const options = {
      deadlineMs: Date.now() + 60_000,
      storage: getStorage(adminApp()),
      transport: (_: unknown, standard: SinkTransport) => faulty(standard),
      random: () => 0.5,
    };
    await expect(deliverSink(db, sink.sinkId, { ...options, owner: 'w1' })).rejects.toThrow(/crashed/);
    const afterCrash = await objectsUnder(prefix);
    expect(afterCrash.names).toHaveLength(2);
    expect((await sinkState(db, sink.sinkId)).health.deliveredCount).toBe(40);
    // The next run waits out the 503, resends the unacknowledged batch to the same object, and catches up.
    const resumed = await deliverSink(db, sink.sinkId, { ...options, owner: 'w2' });
    expect(resumed).toMatchObject({ status: 'caught_up', failures: 1 });

    const { names, logIds } = await objectsUnder(prefix);
    expect(names).toContain(afterCrash.names[1]);
    expect(logIds.slice(0, COUNT)).toEqual(recorded.order);
    expect(new Set(logIds).size).toBe(logIds.length);
    expect(logIds).toEqual(expectedPrefix(await tenantOrder(db, tenant, start), logIds));
    const [metadata] = await bucket.file(names[0]!).getMetadata();
    const [body] = await bucket.file(names[0]!).download();
    expect(metadata.contentType).toBe('application/x-ndjson');
    expect(metadata.metadata).toMatchObject({ tenantId: tenant, sinkId: sink.sinkId, count: '40' });
    const signature = String(metadata.metadata!.signature);
    expect(verifyWebhookSignature(signature, body.toString('utf8'), sink.secret, Math.floor(Date.now() / 1000))).toBe(
      true,
    );

    // Nothing of the intruder's stream landed in this tenant's part of the bucket.
    const [ownPart] = await bucket.getFiles({ prefix: `streams/tenant=${tenant}/` });
    expect(ownPart.every((f) => f.name.startsWith(prefix))).toBe(true);
    const [intruderPart] = await bucket.getFiles({ prefix: `streams/tenant=${intruder}/` });
    expect(intruderPart.length).toBeGreaterThan(0);
    const state = await sinkState(db, sink.sinkId);
    expect(state.health).toMatchObject({ caughtUp: true, lastError: null });
  }, 180_000);
});
