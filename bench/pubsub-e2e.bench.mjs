#!/usr/bin/env node
// End-to-end ingest throughput through the emulators: publish N events to `audit-events` and wait
// until all are stored, against a minimal trigger that writes the same documents with no
// processing (topic `audit-events-bench-baseline`), in the same run. Run through
// `npm run bench` (the baseline trigger is registered only inside the emulator).
import { PubSub } from '@google-cloud/pubsub';
import { initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';

const N = Number(process.env.BENCH_EVENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
if (!process.env.FIRESTORE_EMULATOR_HOST || !process.env.PUBSUB_EMULATOR_HOST) {
  console.error('run through the emulators: npm run bench');
  process.exit(2);
}
const projectId = 'demo-auditlog';
const db = getFirestore(initializeApp({ projectId }));
const pubsub = new PubSub({ projectId });

const TYPES = [
  'repo.created',
  'issue.created',
  'org.team_created',
  'pr.opened',
  'org.member_added',
  'repo.settings_updated',
];
function envelope(tenantId, i) {
  const eventType = TYPES[i % TYPES.length];
  const create = !eventType.endsWith('updated');
  return {
    specVersion: '1.0',
    eventId: randomUUID(),
    eventType,
    tenantId,
    occurredAt: new Date().toISOString(),
    source: 'bench-service',
    actor: {
      type: 'user',
      id: `u-${i % 50}`,
      name: `User ${i % 50}`,
      email: `user${i % 50}@example.com`,
      ip: '10.0.0.1',
    },
    resource: { type: 'repository', id: `r-${i % 200}`, name: `repo-${i % 200}` },
    changes: create
      ? {
          before: null,
          after: { name: `repo-${i}`, visibility: 'private', topics: ['a', 'b'], settings: { wiki: true } },
        }
      : { before: { settings: { wiki: true, issues: true } }, after: { settings: { wiki: false, issues: true } } },
    metadata: { requestId: `req-${i}`, client: { app: 'web', version: '1.2.3' }, note: 'x'.repeat(300) },
  };
}

async function countWhere(collection, tenantId) {
  const snap = await db.collection(collection).where('tenantId', '==', tenantId).count().get();
  return snap.data().count;
}

async function run(topicName, collection, label, n) {
  const tenantId = `bench-${label}-${Date.now().toString(36)}`;
  await db.collection('tenants').doc(tenantId).set({ name: 'bench' });
  const topic = pubsub.topic(topicName, { batching: { maxMessages: 100, maxMilliseconds: 10 } });
  const events = Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify(envelope(tenantId, i))));
  const started = performance.now();
  await Promise.all(events.map((data) => topic.publishMessage({ data })));
  const deadline = Date.now() + 600_000;
  let stored = 0;
  while (stored < n) {
    if (Date.now() > deadline) throw new Error(`${label}: only ${stored}/${n} stored after 10 minutes`);
    await new Promise((r) => setTimeout(r, 100));
    stored = await countWhere(collection, tenantId);
  }
  const seconds = (performance.now() - started) / 1000;
  return n / seconds;
}

const pipeline = () => run('audit-events', 'audit_logs', 'pipeline', N);
const baseline = () => run('audit-events-bench-baseline', 'audit_bench_baseline', 'baseline', N);

// Warm both triggers (first invocations load the code) before measuring.
await run('audit-events', 'audit_logs', 'warm', 50);
await run('audit-events-bench-baseline', 'audit_bench_baseline', 'warm', 50);
const results = { pipeline: [], baseline: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.baseline.push(await baseline());
  results.pipeline.push(await pipeline());
}
const best = (xs) => Math.max(...xs);
const p = best(results.pipeline);
const b = best(results.baseline);
console.log(`end-to-end through Pub/Sub on the emulators, ${N} events x ${ROUNDS} rounds (best round):`);
console.log(
  `  baseline (parse + set, no processing): ${b.toFixed(0)} events/s  rounds: ${results.baseline.map((x) => x.toFixed(0)).join(', ')}`,
);
console.log(
  `  ingest pipeline:                        ${p.toFixed(0)} events/s  rounds: ${results.pipeline.map((x) => x.toFixed(0)).join(', ')}`,
);
console.log(`  ratio pipeline/baseline: ${(p / b).toFixed(2)}x (target >= 0.8x)`);
process.exit(0);
