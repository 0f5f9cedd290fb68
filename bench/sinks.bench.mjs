#!/usr/bin/env node
// Delivered entries/s of a stream (webhook, Pub/Sub or Storage) against the raw write rate of the
// same entries, in the same run, on the emulators. Delivery cost must stay linear in the entries: the benchmark also
// compares the time per batch at the start of the backlog with the time per batch at its end.
//
//   npm run bench:sinks                 (= build, then through the emulators)
//   node tools/emulators/exec.mjs "node bench/sinks.bench.mjs --entries 10000 --batch 500"
//   node tools/emulators/exec.mjs "node bench/sinks.bench.mjs --kind pubsub"   (or --kind storage)
//
// Raw write rate (the baseline): the stored entries written with the Admin SDK in batches of
// 400, four batches in flight, as the stream's tests seed them. Delivery: one stream of the tenant
// delivers them all, in order, signed: to a local HTTP receiver that keeps each entry by log id
// (webhook), to a topic of the Pub/Sub emulator whose subscriber keeps each message's log id
// (pubsub), or to NDJSON objects in the Storage emulator, read back and counted at the end (storage).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { syntheticDay } from './lib/archive-entries.mjs';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '500' },
    kind: { type: 'string', default: 'webhook' },
  },
});
const KIND = args.kind;
if (!['webhook', 'pubsub', 'storage'].includes(KIND)) {
  console.error('--kind must be webhook, pubsub or storage');
  process.exit(2);
}
const N = Number(args.entries);
const BATCH = Number(args.batch);
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  console.error('run through the emulators: node tools/emulators/exec.mjs "node bench/sinks.bench.mjs"');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { initializeApp } = require('firebase-admin/app');
const { getFirestore, Timestamp } = require('firebase-admin/firestore');
const { getStorage } = require('firebase-admin/storage');
const { PubSub } = require('@google-cloud/pubsub');
const { deliverSink } = require('../functions/lib/sinks/deliver.js');
const { insertSink } = require('../functions/lib/sinks/store.js');

const app = initializeApp({ projectId: 'demo-auditlog' });
const db = getFirestore(app);
const tenantId = `bench-sinks-${Date.now().toString(36)}`;
const network = { allowLoopback: true, resolve: async () => ['127.0.0.1'] };

// The receiver: parses each batch and keeps entries by log id, answering 200.
const kept = new Set();
let received = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    for (const { logId } of JSON.parse(Buffer.concat(chunks).toString('utf8')).entries) {
      received++;
      kept.add(logId);
    }
    res.writeHead(200).end();
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/stream`;

// Baseline: the raw write rate of the entries.
const start = Date.now() - 3_600_000;
const stored = syntheticDay({ tenantId, date: new Date(start).toISOString().slice(0, 10) });
const docs = Array.from({ length: N }, (_, i) => {
  const e = stored(i);
  return {
    ...e,
    occurredAt: Timestamp.fromMillis(start + i),
    recordedAt: Timestamp.fromMillis(start + Math.floor(i / 2)),
  };
});
await db.collection('tenants').doc(tenantId).set({ name: 'bench' });
const chunks = [];
for (let i = 0; i < N; i += 400) chunks.push(docs.slice(i, i + 400));
const writeStarted = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      const batch = db.batch();
      for (const d of chunk) batch.create(db.collection('audit_logs').doc(d.logId), d);
      await batch.commit();
    }
  }),
);
const writeSeconds = (performance.now() - writeStarted) / 1000;
const writeRate = N / writeSeconds;

// Delivery: one stream from before the first entry, until caught up.
const sinkId = `bench${Date.now().toString(36)}`;
const pubsub = new PubSub({ projectId: 'demo-auditlog' });
const storage = getStorage(app);
const BUCKET = 'demo-auditlog.appspot.com';
const objectPrefix = `streams/tenant=${tenantId}/sink=${sinkId}/`;
let target = { kind: 'webhook', url };
let subscription;
if (KIND === 'pubsub') {
  const [topic] = await pubsub.createTopic(`sinks.${tenantId}`);
  [subscription] = await topic.createSubscription(`bench-${sinkId}`);
  subscription.on('message', (m) => {
    received++;
    kept.add(m.attributes.logId);
    m.ack();
  });
  target = { kind: 'pubsub', topic: topic.name };
} else if (KIND === 'storage') {
  target = { kind: 'storage', bucket: BUCKET, prefix: objectPrefix };
}
await insertSink(
  db,
  {
    sinkId,
    tenantId,
    config: { name: 'bench', target, status: 'active', batchSize: BATCH },
    fromMs: start - 1,
    secret: `whsec_${'b'.repeat(43)}`,
    by: 'bench',
  },
  new Date(),
);
const batchTimes = [];
let last = performance.now();
// Times each batch of the kind's own transport, from the end of the one before.
const timed = (_sink, standard) => async (batch, attempt) => {
  const r = await standard(batch, attempt);
  const now = performance.now();
  batchTimes.push(now - last);
  last = now;
  return r;
};
const deliverStarted = performance.now();
let runs = 0;
for (;;) {
  runs++;
  const outcome = await deliverSink(db, sinkId, {
    owner: `bench-${runs}`,
    deadlineMs: Date.now() + 600_000,
    network,
    pubsub,
    storage,
    transport: timed,
  });
  if (outcome.status === 'caught_up' || runs > 20) break;
}
const deliverSeconds = (performance.now() - deliverStarted) / 1000;
if (KIND === 'pubsub') {
  // Published means acknowledged by Pub/Sub; the subscriber's count is checked, not timed.
  const deadline = Date.now() + 120_000;
  while (kept.size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await subscription.close();
} else if (KIND === 'storage') {
  const [files] = await storage.bucket(BUCKET).getFiles({ prefix: objectPrefix });
  for (const file of files) {
    const [buf] = await file.download();
    for (const line of buf.toString('utf8').split('\n')) {
      if (line === '') continue;
      received++;
      kept.add(JSON.parse(line).logId);
    }
  }
}
const deliverRate = kept.size / deliverSeconds;
server.close();

const tenth = Math.max(1, Math.floor(batchTimes.length / 10));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const early = mean(batchTimes.slice(0, tenth));
const late = mean(batchTimes.slice(-tenth));
console.log(`${KIND} stream delivery, ${N.toLocaleString('en')} entries of one tenant, batches of ${BATCH}:`);
console.log(`  baseline: raw write ${writeRate.toFixed(0)} entries/s (${writeSeconds.toFixed(1)} s)`);
console.log(
  `  delivered ${kept.size} distinct (${received} received) in ${deliverSeconds.toFixed(1)} s: ` +
    `${deliverRate.toFixed(0)} entries/s = ${(deliverRate / writeRate).toFixed(2)}x the raw write rate`,
);
console.log(
  `  per batch: first tenth ${early.toFixed(0)} ms, last tenth ${late.toFixed(0)} ms ` +
    `(${(late / early).toFixed(2)}x: flat means the cost is linear in the entries)`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  KIND === 'webhook' ? 'bench/results/sinks.json' : `bench/results/sinks-${KIND}.json`,
  JSON.stringify(
    {
      kind: KIND,
      entries: N,
      batchSize: BATCH,
      writeRate,
      deliverRate,
      ratio: deliverRate / writeRate,
      distinct: kept.size,
      received,
      batchMsFirstTenth: early,
      batchMsLastTenth: late,
      at: new Date().toISOString(),
    },
    null,
    2,
  ),
);
process.exit(kept.size === N ? 0 : 1);
