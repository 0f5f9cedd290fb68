#!/usr/bin/env node
// Throughput of POST /v1/events (batches of 500, through the `api` function on the emulators)
// against a baseline measured in the same run: the same entries, built in-process beforehand,
// written with Admin SDK batch writes (WriteBatch.create x 500), i.e. the storage cost alone.
// Run: npm run build && node tools/emulators/exec.mjs "node bench/http-ingest.bench.mjs"
import { initializeApp } from 'firebase-admin/app';
import { getFirestore, Timestamp } from 'firebase-admin/firestore';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { benchEnvelope } from './lib/bench-envelope.mjs';

const require = createRequire(import.meta.url);
const { DEFAULT_TENANT_SETTINGS, prepareEvent } = require('../functions/lib/domain/index.js');
const { generateApiKey } = require('../functions/lib/domain/api/index.js');
const { toStored } = require('../functions/lib/store/converters.js');

const N = Number(process.env.BENCH_EVENTS ?? 5000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  console.error('run through the emulators: node tools/emulators/exec.mjs "node bench/http-ingest.bench.mjs"');
  process.exit(2);
}
const projectId = 'demo-auditlog';
const url = `http://127.0.0.1:5001/${projectId}/us-central1/api/v1/events`;
const db = getFirestore(initializeApp({ projectId }));

const envelope = (tenantId, i) => benchEnvelope(tenantId, i, 'bench-http');

function chunks(items, size) {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** Runs `fn` over `items` with `limit` in flight. */
async function pool(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** A tenant whose rate limit cannot interfere, with a key seeded as the callable would store it. */
async function benchTenant(label) {
  const tenantId = `bench-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  await db.doc(`tenants/${tenantId}`).set({ name: 'bench', api: { rateLimit: { eventsPerSecond: 1e6, burst: 1e7 } } });
  const key = generateApiKey(tenantId, (size) => randomBytes(size));
  await db.doc(`tenants/${tenantId}/api_keys/${key.keyId}`).set({
    keyId: key.keyId,
    tenantId,
    name: 'bench',
    hash: key.hash,
    displayPrefix: key.displayPrefix,
    status: 'active',
    createdAt: Timestamp.now(),
    createdBy: 'bench',
  });
  return { tenantId, key: key.key };
}

async function postBatch(key, events) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ events }),
  });
  const body = await response.json();
  if (response.status !== 202 || body.accepted !== events.length) {
    throw new Error(`POST answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

async function httpRound(n) {
  const { tenantId, key } = await benchTenant('http');
  const batches = chunks(
    Array.from({ length: n }, (_, i) => envelope(tenantId, i)),
    BATCH,
  );
  const started = performance.now();
  await pool(batches, CONCURRENCY, (events) => postBatch(key, events));
  const seconds = (performance.now() - started) / 1000;
  const stored = (await db.collection('audit_logs').where('tenantId', '==', tenantId).count().get()).data().count;
  if (stored !== n) throw new Error(`http: ${stored}/${n} stored`);
  return n / seconds;
}

async function baselineRound(n) {
  const { tenantId } = await benchTenant('baseline');
  const deps = { now: () => new Date(), tenantSettings: async () => DEFAULT_TENANT_SETTINGS };
  const entries = [];
  for (let i = 0; i < n; i++) {
    const prepared = await prepareEvent({ value: envelope(tenantId, i) }, { via: 'http' }, deps);
    if (prepared.status !== 'accepted') throw new Error(`bench event rejected: ${JSON.stringify(prepared.errors)}`);
    entries.push(prepared.entry);
  }
  const started = performance.now();
  await pool(chunks(entries, BATCH), CONCURRENCY, async (chunk) => {
    const batch = db.batch();
    for (const entry of chunk) batch.create(db.collection('audit_logs').doc(entry.logId), toStored(entry, new Date()));
    await batch.commit();
  });
  return n / ((performance.now() - started) / 1000);
}

// Warm-up: start the function's workers (one per request in flight) before measuring.
const warm = await benchTenant('warm');
await pool(
  Array.from({ length: CONCURRENCY }, (_, i) => [envelope(warm.tenantId, i)]),
  CONCURRENCY,
  (events) => postBatch(warm.key, events),
);
await baselineRound(BATCH);

const results = { http: [], baseline: [] };
for (let r = 0; r < ROUNDS; r++) {
  results.baseline.push(await baselineRound(N));
  results.http.push(await httpRound(N));
}
const best = (xs) => Math.max(...xs);
const h = best(results.http);
const b = best(results.baseline);
const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(
  `POST /v1/events on the emulators: ${N} events in batches of ${BATCH}, ${CONCURRENCY} in flight, ${ROUNDS} rounds (best):`,
);
console.log(
  `  baseline (Admin SDK WriteBatch.create of the same entries): ${b.toFixed(0)} events/s  rounds: ${fmt(results.baseline)}`,
);
console.log(
  `  HTTP API (auth, rate limit, validate, classify, create):  ${h.toFixed(0)} events/s  rounds: ${fmt(results.http)}`,
);
console.log(`  ratio http/baseline: ${(h / b).toFixed(2)}x`);
process.exit(0);
