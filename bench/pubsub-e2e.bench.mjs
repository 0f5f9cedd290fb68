#!/usr/bin/env node
// End-to-end ingest throughput through the emulators: publish N events to `audit-events` at once
// and wait until all are stored, against a minimal trigger that writes the same documents with no
// processing (topic `audit-events-bench-baseline`), in the same run. Run through
// `npm run bench:e2e` (the baseline trigger is registered only inside the emulator).
// The Pub/Sub emulator drops deliveries under a burst (no redelivery); lost events are found by
// id and published again, and the figures say how many. It finishes within the deadline
// (BENCH_DEADLINE_MS) either way, and reports any event never stored.
import { PubSub } from '@google-cloud/pubsub';
import { initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { benchEnvelope } from './lib/bench-envelope.mjs';

const N = Number(process.env.BENCH_EVENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
if (!process.env.FIRESTORE_EMULATOR_HOST || !process.env.PUBSUB_EMULATOR_HOST) {
  console.error('run through the emulators: npm run bench');
  process.exit(2);
}
const projectId = 'demo-auditlog';
const { logIdFor } = createRequire(import.meta.url)('../functions/lib/domain/ids.js');
const db = getFirestore(initializeApp({ projectId }));
const pubsub = new PubSub({ projectId });

const envelope = (tenantId, i) => benchEnvelope(tenantId, i, 'bench-service');

const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 5000);
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 600_000);

/** Ids among `ids` with no document in `collection` (the emulators' lost deliveries). */
async function missingIds(collection, ids) {
  const missing = [];
  for (let i = 0; i < ids.length; i += 500) {
    const refs = ids.slice(i, i + 500).map((id) => db.collection(collection).doc(id));
    const snaps = await db.getAll(...refs);
    snaps.forEach((snap, k) => {
      if (!snap.exists) missing.push(i + k);
    });
  }
  return missing;
}

async function countWhere(collection, tenantId) {
  const snap = await db.collection(collection).where('tenantId', '==', tenantId).count().get();
  return snap.data().count;
}

/**
 * Publishes n events at once and waits until all are stored. The Pub/Sub emulator acknowledges
 * messages whether or not the function ran, so a burst loses some: when the stored count has not
 * grown for QUIET_MS, the missing events are published again (what the SDK's delivery
 * confirmation does), until all are stored or the deadline passes. Both paths get the same
 * treatment, so the ratio compares like with like.
 */
async function run(topicName, collection, label, n, idOf) {
  const tenantId = `bench-${label}-${Date.now().toString(36)}`;
  await db.collection('tenants').doc(tenantId).set({ name: 'bench' });
  const topic = pubsub.topic(topicName, { batching: { maxMessages: 100, maxMilliseconds: 10 } });
  const envelopes = Array.from({ length: n }, (_, i) => envelope(tenantId, i));
  const payloads = envelopes.map((e) => Buffer.from(JSON.stringify(e)));
  const ids = envelopes.map(idOf);
  const started = performance.now();
  await Promise.all(payloads.map((data) => topic.publishMessage({ data })));
  const deadline = Date.now() + DEADLINE_MS;
  let stored = 0;
  let lastGrowth = performance.now();
  let firstPass = null;
  let dropped = 0;
  let republished = 0;
  while (stored < n) {
    if (Date.now() > deadline) {
      return { label, n, stored, dropped, republished, seconds: null, firstPassRate: null, lost: n - stored };
    }
    await new Promise((r) => setTimeout(r, 100));
    const now = await countWhere(collection, tenantId);
    if (now > stored) lastGrowth = performance.now();
    stored = now;
    if (stored < n && performance.now() - lastGrowth > QUIET_MS) {
      const missing = await missingIds(collection, ids);
      if (firstPass === null) {
        firstPass = { stored: n - missing.length, seconds: (lastGrowth - started) / 1000 };
        dropped = missing.length;
      }
      republished += missing.length;
      await Promise.all(missing.map((i) => topic.publishMessage({ data: payloads[i] })));
      lastGrowth = performance.now();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  firstPass ??= { stored: n, seconds };
  return {
    label,
    n,
    stored,
    dropped,
    republished,
    seconds,
    rate: n / seconds,
    firstPassRate: firstPass.stored / firstPass.seconds,
    lost: 0,
  };
}

const pipelineId = (e) => logIdFor(e.tenantId, e.source, e.eventId);
const baselineId = (e) => e.eventId;
const pipeline = () => run('audit-events', 'audit_logs', 'pipeline', N, pipelineId);
const baseline = () => run('audit-events-bench-baseline', 'audit_bench_baseline', 'baseline', N, baselineId);

// Warm both triggers (first invocations load the code) before measuring.
await run('audit-events', 'audit_logs', 'warm', 50, pipelineId);
await run('audit-events-bench-baseline', 'audit_bench_baseline', 'warm', 50, baselineId);
const results = { pipeline: [], baseline: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.baseline.push(await baseline());
  results.pipeline.push(await pipeline());
}
const describe = (x) =>
  x.seconds === null
    ? `UNFINISHED: ${x.lost} of ${x.n} never stored`
    : `${x.rate.toFixed(0)} events/s to all stored (first pass ${x.firstPassRate.toFixed(0)}/s); ` +
      `dropped by the emulators ${x.dropped}, re-published ${x.republished}`;
console.log(`end-to-end through Pub/Sub on the emulators, ${N} events published at once x ${ROUNDS} rounds:`);
for (const r of results.baseline) console.log(`  baseline (parse + set, no processing): ${describe(r)}`);
for (const r of results.pipeline) console.log(`  ingest pipeline:                        ${describe(r)}`);
const finished = (xs) => xs.filter((x) => x.seconds !== null);
const best = (xs, key) => Math.max(...finished(xs).map((x) => x[key]));
const lost = [...results.baseline, ...results.pipeline].reduce((sum, x) => sum + x.lost, 0);
if (finished(results.pipeline).length > 0 && finished(results.baseline).length > 0) {
  const ratio = best(results.pipeline, 'rate') / best(results.baseline, 'rate');
  const firstPassRatio = best(results.pipeline, 'firstPassRate') / best(results.baseline, 'firstPassRate');
  console.log(`  ratio pipeline/baseline (best round, all stored): ${ratio.toFixed(2)}x (target >= 0.8x)`);
  console.log(`  ratio pipeline/baseline (best round, first pass before re-publishing): ${firstPassRatio.toFixed(2)}x`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/pubsub-e2e.json',
    JSON.stringify({ events: N, rounds: results, ratio, firstPassRatio, at: new Date().toISOString() }, null, 2),
  );
}
if (lost > 0) console.log(`  ${lost} events were never stored before the deadline`);
process.exit(lost > 0 ? 1 : 0);
