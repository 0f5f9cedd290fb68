#!/usr/bin/env node
// Throughput of the transactional outbox on the emulators: N outbox documents written by producers
// (CONCURRENCY writes in flight, as many services committing their changes), timed from the first
// write until every entry exists in audit_logs, against a minimal `onDocumentCreated` trigger that
// only copies the same documents (`benchBaselineOutbox`, registered inside the emulator only),
// in the same run, rounds interleaved. Run: `npm run bench:outbox`.
// A delivery the emulators lose leaves its document waiting (pending outbox documents are listed
// by the Operations page); the benchmark stops at its deadline and reports how many never arrived.
import { initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchEnvelope } from './lib/bench-envelope.mjs';

const N = Number(process.env.BENCH_EVENTS ?? 600);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_MS ?? 300_000);
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  console.error('run through the emulators: npm run bench:outbox');
  process.exit(2);
}
const db = getFirestore(initializeApp({ projectId: 'demo-auditlog' }));

/** Runs `fn` over `items` with `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function countOf(collection, tenantId) {
  return (await db.collection(collection).where('tenantId', '==', tenantId).count().get()).data().count;
}

/** Writes n documents into `inbox` and waits until `n` documents of the tenant exist in `outcome`. */
async function run(label, inbox, outcome, n) {
  const tenantId = `bench-outbox-${label}-${Date.now().toString(36)}`;
  // One producer's bulk is far above the outbox's default per-user bound; raise it as a tenant would.
  await db
    .collection('tenants')
    .doc(tenantId)
    .set({ name: 'bench', outbox: { userRateLimit: { events: 1_000_000, windowSeconds: 3600 } } });
  const docs = Array.from({ length: n }, (_, i) => benchEnvelope(tenantId, i, 'bench-outbox'));
  const started = performance.now();
  await pool(docs, CONCURRENCY, (doc) => db.collection(inbox).doc().create(doc));
  const written = (performance.now() - started) / 1000;
  const deadline = Date.now() + DEADLINE_MS;
  let stored = 0;
  while (stored < n && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    stored = await countOf(outcome, tenantId);
  }
  const seconds = (performance.now() - started) / 1000;
  return { label, n, stored, lost: n - stored, written, seconds, rate: stored === n ? n / seconds : null };
}

const pipeline = (n = N) => run('pipeline', 'audit_outbox', 'audit_logs', n);
const baseline = (n = N) => run('baseline', 'audit_bench_outbox', 'audit_bench_outbox_copies', n);

// Warm both triggers (the first invocations load the code) before measuring.
await pipeline(50);
await baseline(50);
const results = { pipeline: [], baseline: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.baseline.push(await baseline());
  results.pipeline.push(await pipeline());
}
const describe = (x) =>
  x.rate === null
    ? `UNFINISHED: ${x.lost} of ${x.n} never arrived`
    : `${x.rate.toFixed(0)} events/s to all stored (writes done in ${x.written.toFixed(1)} s)`;
console.log(`outbox on the emulators, ${N} documents, ${CONCURRENCY} writes in flight, ${ROUNDS} rounds:`);
for (const r of results.baseline) console.log(`  baseline (copy trigger): ${describe(r)}`);
for (const r of results.pipeline) console.log(`  outbox ingest:           ${describe(r)}`);
const best = (xs) => Math.max(...xs.filter((x) => x.rate !== null).map((x) => x.rate));
const lost = [...results.baseline, ...results.pipeline].reduce((sum, x) => sum + x.lost, 0);
if (results.pipeline.some((x) => x.rate !== null) && results.baseline.some((x) => x.rate !== null)) {
  const ratio = best(results.pipeline) / best(results.baseline);
  console.log(`  ratio outbox/baseline (best round): ${ratio.toFixed(2)}x (target >= 0.8x)`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/outbox.json',
    JSON.stringify(
      { events: N, concurrency: CONCURRENCY, rounds: results, ratio, at: new Date().toISOString() },
      null,
      2,
    ),
  );
}
if (lost > 0) console.log(`  ${lost} documents never arrived before the deadline`);
process.exit(lost > 0 ? 1 : 0);
