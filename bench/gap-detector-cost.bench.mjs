#!/usr/bin/env node
// Cost of the sequence gap detector on the emulators, in Firestore documents read per run, with
// 100,000 entries in the tenant: the detector must read what was recorded since its last run,
// never the whole collection.
//
//   npm run build && node tools/emulators/exec.mjs "node bench/gap-detector-cost.bench.mjs"
//
// Runs, same tenant: (1) the first run, which reads every entry once; (2) a run after 1,000 new
// entries with 5 sequence numbers skipped; (3) a run after the grace period, which reports them;
// (4) a run with nothing new. Baseline in the same run: the reads of one scan of the tenant's
// entries (what a detector without a cursor would pay every run).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { entries: { type: 'string', default: '100000' } } });
const N = Number(args.entries);
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  console.error('run through the emulators: node tools/emulators/exec.mjs "node bench/gap-detector-cost.bench.mjs"');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { initializeApp } = require('firebase-admin/app');
const { getFirestore, Timestamp } = require('firebase-admin/firestore');
const { runGapDetection } = require('../functions/lib/streams/gap-detector.js');
const { StreamStore } = require('../functions/lib/streams/stream-store.js');
const { logIdFor } = require('../functions/lib/domain/ids.js');

const db = getFirestore(initializeApp({ projectId: 'demo-auditlog' }));
const tenantId = `bench-gaps-${Date.now().toString(36)}`;
const SOURCE = 'bench-producer';
await db
  .collection('tenants')
  .doc(tenantId)
  .set({ name: 'bench', gapDetection: { graceSeconds: 1 } });

/** Writes entries with the fields the detector reads (the rest of an entry does not change its cost). */
async function seed(sequences, recordedAt) {
  const started = performance.now();
  for (let i = 0; i < sequences.length; i += 500) {
    const batch = db.batch();
    for (const sequence of sequences.slice(i, i + 500)) {
      const eventId = `e-${sequence}`;
      batch.set(db.collection('audit_logs').doc(logIdFor(tenantId, SOURCE, eventId)), {
        tenantId,
        source: SOURCE,
        eventId,
        eventType: 'repo.created',
        sequence,
        recordedAt: Timestamp.fromMillis(recordedAt + i),
      });
    }
    await batch.commit();
  }
  return (performance.now() - started) / 1000;
}

const reports = [];
let emitted = 0;
const emit = async () => {
  emitted++;
  return 'stored';
};
async function run(label) {
  const store = new StreamStore(db);
  const started = performance.now();
  const report = await runGapDetection({ store, emit }, { tenantIds: [tenantId], settleMs: 0 });
  const seconds = (performance.now() - started) / 1000;
  reports.push({
    label,
    reads: report.reads,
    writes: report.writes,
    entriesRead: report.entriesRead,
    reported: report.reported.length,
    seconds,
  });
  console.log(
    `  ${label.padEnd(46)} reads ${String(report.reads).padStart(7)}  writes ${report.writes}  ` +
      `entries ${report.entriesRead}  reported ${report.reported.length}  ${seconds.toFixed(1)} s`,
  );
  return report;
}

console.log(`gap detector cost, ${N.toLocaleString('en')} entries of one producer in one tenant:`);
const seedSeconds = await seed(
  Array.from({ length: N }, (_, i) => i),
  Date.now() - 3_600_000,
);
console.log(`  seeded in ${seedSeconds.toFixed(0)} s`);

await run(`first run (cursor empty, ${N} entries)`);
const skipped = new Set([N + 10, N + 200, N + 201, N + 500, N + 900]);
const next = Array.from({ length: 1000 }, (_, i) => N + i).filter((n) => !skipped.has(n));
await seed(next, Date.now() - 1000);
await run(`run after ${next.length} new entries (5 skipped)`);
// The tenant's grace period is one second: wait for it on the clock, then the gaps are due.
const dueAt = Date.now() + 1100;
while (Date.now() < dueAt) await new Promise((resolve) => setTimeout(resolve, 100));
const reporting = await run('run after the grace period (reports the gaps)');
await run('run with nothing new');

// Baseline: one scan of the tenant's entries, projected the same way.
const started = performance.now();
let scanned = 0;
let last = null;
for (;;) {
  let query = db
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .orderBy('__name__')
    .select('sequence')
    .limit(5000);
  if (last) query = query.startAfter(last);
  const snap = await query.get();
  scanned += snap.size;
  if (snap.size < 5000) break;
  last = snap.docs[snap.docs.length - 1];
}
const scanSeconds = (performance.now() - started) / 1000;
console.log(`  baseline: a full scan of the tenant reads ${scanned} documents (${scanSeconds.toFixed(1)} s)`);
const steady = reports[1];
console.log(
  `  steady-state run at ${N.toLocaleString('en')} entries: ${steady.reads} reads = ${(steady.reads / scanned).toFixed(4)} x a full scan; ` +
    `gaps reported: ${reporting.reported.length} (expected 4 ranges covering 5 numbers), report events: ${emitted}`,
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/gap-detector-cost.json',
  JSON.stringify({ entries: N, runs: reports, fullScanReads: scanned, at: new Date().toISOString() }, null, 2),
);
process.exit(0);
