#!/usr/bin/env node
// Events/s stored through each ingest path, with the demo's deterministic traffic, against a
// same-run baseline: Admin SDK batch writes of the very entries the pipeline would store.
// A path's figure runs from the first send to the moment the last entry exists in audit_logs.
//
//   npm run build && node tools/emulators/exec.mjs "node bench/ingest-paths.bench.mjs"
//
// BENCH_EVENTS (default 300) events per path and round, BENCH_ROUNDS (default 2, best kept),
// BENCH_CONCURRENCY (default 8) actions in flight.
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { register as registerTsx } from 'tsx/cjs/api';

const N = Number(process.env.BENCH_EVENTS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SEED = 20260301;
if (
  !process.env.FIRESTORE_EMULATOR_HOST ||
  !process.env.PUBSUB_EMULATOR_HOST ||
  !process.env.FIREBASE_AUTH_EMULATOR_HOST
) {
  console.error('run through the emulators: node tools/emulators/exec.mjs "node bench/ingest-paths.bench.mjs"');
  process.exit(2);
}

// The demo and the SDK are TypeScript (CommonJS), run from source like `npm start` runs them.
registerTsx();
const require = createRequire(import.meta.url);
const { TrafficGenerator } = require('../tools/demo/traffic.ts');
const { DemoDispatcher, buildEvent } = require('../tools/demo/dispatch.ts');
const { demoWorld } = require('../tools/demo/world.ts');
const { seedDemo, createDemoApiKeys } = require('../tools/demo/seed.ts');
const { waitUntilStored } = require('../tools/demo/summary.ts');
const { FUNCTIONS_URL, PROJECT_ID } = require('../tools/demo/emulator-rest.ts');
const { EventFactory, HttpSink, PubSubSink, SequenceCounter } = require('../tools/demo/sdk.ts');
const { buildEntry, readTenantSettings } = require('../functions/src/domain/index.ts');
const { toStored } = require('../functions/src/store/converters.ts');

const app = initializeApp({ projectId: PROJECT_ID }, 'bench');
const db = getFirestore(app);
const world = demoWorld(`bench${Date.now().toString(36)}`);
await seedDemo(db, getAuth(app), world);
const keys = await createDemoApiKeys(world, 'ingest benchmark');
const pubsub = new PubSubSink({ projectId: PROJECT_ID });
const http = new Map([...keys].map(([t, apiKey]) => [t, new HttpSink({ apiKey, baseUrl: `${FUNCTIONS_URL}/api` })]));

/** Deterministic actions on one path, until they hold at least `n` events. */
function actionsFor(path, n, runId) {
  const generator = new TrafficGenerator({
    world,
    seed: SEED,
    runId,
    path,
    startTime: new Date(Date.now() - 120_000),
    stepMs: 1,
  });
  const actions = [];
  let events = 0;
  while (events < n) {
    const action = generator.next();
    actions.push(action);
    events += action.events.length;
  }
  return actions;
}

/** Runs actions through a dispatcher, `CONCURRENCY` at a time; returns the events sent. */
async function dispatch(dispatcher, actions) {
  const sent = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < actions.length) sent.push(...(await dispatcher.run(actions[next++])));
    }),
  );
  failures.count += dispatcher.stats.errors;
  if (dispatcher.stats.lastError) failures.last = dispatcher.stats.lastError;
  return sent;
}

/** Actions a path refused after the SDK's retries (reported, not hidden: they are not in the rate). */
const failures = { count: 0, last: '' };

async function timeToStored(label, send) {
  const failedBefore = failures.count;
  const started = performance.now();
  const sent = await send();
  const missing = await waitUntilStored(db, sent, 600_000);
  const seconds = (performance.now() - started) / 1000;
  if (missing.length > 0) throw new Error(`${label}: ${missing.length} of ${sent.length} events not stored`);
  const result = {
    events: sent.length,
    seconds,
    rate: sent.length / seconds,
    failedActions: failures.count - failedBefore,
  };
  const failed =
    result.failedActions > 0 ? `, ${result.failedActions} actions failed (${failures.last.slice(0, 100)})` : '';
  console.log(
    `  ${label}: ${result.events} events stored in ${seconds.toFixed(1)} s = ${result.rate.toFixed(1)} events/s${failed}`,
  );
  return result;
}

/** A path of the contract, fed by the demo generator through the SDK. */
function viaPath(path, { keepWrites = true, batch = 0 } = {}) {
  return (n, runId) =>
    timeToStored(runId, async () => {
      let actions = actionsFor(path, n, runId);
      if (!keepWrites) actions = actions.map((a) => ({ ...a, writes: [] }));
      const dispatcher = new DemoDispatcher({ db, pubsub, http });
      if (!batch) return dispatch(dispatcher, actions);
      // One request per `batch` events of a tenant, as a producer flushing a buffer would.
      const events = actions.flatMap((a) => a.events.map((spec) => dispatcher.build(spec)));
      const chunks = [];
      for (const tenant of world.tenants) {
        const own = events.filter((e) => e.tenantId === tenant.id);
        for (let k = 0; k < own.length; k += batch) chunks.push(own.slice(k, k + batch));
      }
      const settled = await Promise.allSettled(chunks.map((chunk) => http.get(chunk[0].tenantId).send(chunk)));
      const sent = [];
      settled.forEach((outcome, k) => {
        if (outcome.status === 'fulfilled') sent.push(...chunks[k].map((event) => ({ path, event })));
        else {
          failures.count++;
          failures.last = String(outcome.reason?.message ?? outcome.reason);
        }
      });
      return sent;
    });
}

/** The baseline: the same entries, prepared off the clock, written with batched Admin SDK writes. */
function baseline(n, runId) {
  const factories = new Map();
  const sequences = new SequenceCounter();
  const factoryFor = (source) => {
    if (!factories.has(source)) factories.set(source, new EventFactory({ source, sequences }));
    return factories.get(source);
  };
  // The baseline measures the store's writes, so its entries are built in clear (no key store
  // in this process); the demo tenants themselves seal (the default).
  const clear = (t) => readTenantSettings({ ...t.settings, privacy: { encryptPersonalData: false } }).settings;
  const settings = new Map(world.tenants.map((t) => [t.id, clear(t)]));
  const events = actionsFor('pubsub', n, runId).flatMap((a) => a.events.map((spec) => buildEvent(spec, factoryFor)));
  const entries = events.map((e) => buildEntry(e, settings.get(e.tenantId), { via: 'pubsub' }));
  return timeToStored(runId, async () => {
    const commits = [];
    for (let i = 0; i < entries.length; i += 500) {
      const batch = db.batch();
      for (const entry of entries.slice(i, i + 500)) {
        batch.create(db.collection('audit_logs').doc(entry.logId), toStored(entry, new Date()));
      }
      commits.push(batch.commit());
    }
    await Promise.all(commits);
    return events.map((event) => ({ path: 'baseline', event }));
  });
}

const CASES = [
  ['baseline', 'Admin SDK batch writes (no pipeline)', baseline],
  ['pubsub', 'Pub/Sub, SDK publish (client batching)', viaPath('pubsub')],
  ['outbox', 'outbox, one transaction per action', viaPath('outbox', { keepWrites: false })],
  ['outbox+writes', 'outbox + business writes (capture fires too)', viaPath('outbox')],
  ['http', 'HTTP API, one request per action', viaPath('http')],
  ['http-batch', 'HTTP API, 100 events per request', viaPath('http', { batch: 100 })],
];

// Warm every trigger and the API once (first invocations load code) before measuring.
for (const [name, , run] of CASES) await run(30, `warm-${name}`);
const results = Object.fromEntries(CASES.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, , run] of CASES) results[name].push(await run(N, `r${round}-${name}`));
}

const best = (name) => Math.max(...results[name].map((r) => r.rate));
const base = best('baseline');
console.log(`Ingest paths on the emulators: ~${N} events per path and round, best of ${ROUNDS} rounds,`);
console.log(`${CONCURRENCY} actions in flight; events/s from first send to last entry stored.`);
for (const [name, label] of CASES) {
  const rate = best(name);
  const rounds = results[name].map((r) => r.rate.toFixed(0)).join(', ');
  const failed = results[name].reduce((sum, r) => sum + r.failedActions, 0);
  const note = failed > 0 ? `; ${failed} actions failed after retries` : '';
  console.log(
    `  ${label.padEnd(48)} ${rate.toFixed(1).padStart(8)} events/s  ${(rate / base).toFixed(3)}x baseline  (rounds: ${rounds}${note})`,
  );
}
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/ingest-paths.json', import.meta.url),
  `${JSON.stringify({ events: N, rounds: ROUNDS, concurrency: CONCURRENCY, results, at: new Date().toISOString() }, null, 2)}\n`,
);

await pubsub.close();
await deleteApp(app);
process.exit(0);
