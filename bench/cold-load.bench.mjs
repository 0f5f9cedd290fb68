#!/usr/bin/env node
// Cold-load time of the deployed functions: what a new instance pays before it can serve its
// first event. Each sample is a fresh Node process that loads `functions/lib/index.js` with
// FUNCTION_TARGET set as Cloud Functions (and the emulator's workers) set it, and takes the
// target's export (a dotted target, `capture.repos`, names a function of an exported group). The baseline, measured in the same run and interleaved with the targets, is
// the least a function module can be: firebase-functions' Pub/Sub trigger plus firebase-admin's
// Firestore (MINIMAL_MODULE below). Figures are medians, printed as ratios.
//
//   npm run build && node bench/cold-load.bench.mjs        (BENCH_RUNS, default 9)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

/** The functions by the role their instances play, as a deployment would group them. */
const GROUPS = {
  ingest: ['ingestPubSub', 'ingestOutbox', 'capture.repos', 'api'],
  reactions: ['reactToEntry'],
  'console API': ['decideReview', 'updateTenantSettings', 'startExport', 'searchArchives'],
  jobs: ['tieringDaily', 'exportWorker', 'reportWorker', 'detectSequenceGapsScheduled'],
};

const BASELINE = 'baseline';

// The least a function module can load: one Pub/Sub trigger that writes what it receives to
// Firestore, nothing else.
const MINIMAL_MODULE = `
  const { onMessagePublished } = require('firebase-functions/v2/pubsub');
  const { initializeApp } = require('firebase-admin/app');
  const { getFirestore } = require('firebase-admin/firestore');
  exports = { minimal: onMessagePublished('bench-minimal', async (event) => {
    await getFirestore(initializeApp()).collection('bench_minimal').add({ data: event.data.message.json });
  }) };`;

function sample(target) {
  const load =
    target === BASELINE
      ? `(() => { let exports; ${MINIMAL_MODULE}; return exports; })()`
      : `require(${JSON.stringify(path.join(root, 'functions/lib/index.js'))})`;
  const exportName = target === BASELINE ? 'minimal' : target;
  const script = `
    const start = process.hrtime.bigint();
    const fn = ${JSON.stringify(exportName)}.split('.').reduce((m, key) => m[key], ${load});
    if (typeof fn !== 'function') throw new Error('no function ' + ${JSON.stringify(exportName)});
    process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));`;
  const env = { ...process.env, FUNCTION_TARGET: exportName, GCLOUD_PROJECT: 'demo-bench' };
  delete env.FUNCTIONS_EMULATOR;
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: path.join(root, 'functions'), env }));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const targets = [BASELINE, ...Object.values(GROUPS).flat()];
const samples = Object.fromEntries(targets.map((t) => [t, []]));
for (let run = 0; run < RUNS; run++) {
  // Interleaved, so drift in the machine's load hits every target alike.
  for (const target of targets) samples[target].push(sample(target));
}
const baselineMs = median(samples[BASELINE]);
const result = { runs: RUNS, baselineMs: Math.round(baselineMs), groups: {} };
console.log(`cold load, median of ${RUNS}; baseline (firebase-functions + firebase-admin) ${baselineMs.toFixed(0)} ms`);
for (const [group, names] of Object.entries(GROUPS)) {
  const rows = names.map((name) => ({ name, ms: median(samples[name]), ratio: median(samples[name]) / baselineMs }));
  result.groups[group] = {
    worstRatio: Number(Math.max(...rows.map((r) => r.ratio)).toFixed(2)),
    functions: Object.fromEntries(
      rows.map((r) => [r.name, { ms: Math.round(r.ms), ratio: Number(r.ratio.toFixed(2)) }]),
    ),
  };
  for (const r of rows)
    console.log(`  ${group.padEnd(12)} ${r.name.padEnd(28)} ${r.ms.toFixed(0).padStart(5)} ms  ${r.ratio.toFixed(2)}×`);
}
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/cold-load.json'), JSON.stringify(result, null, 2) + '\n');
