#!/usr/bin/env node
// Peak memory of an export at 1,000,000 rows, measured honestly in bounded time (issue 6).
//
//   flock /tmp/firebase-audit-log-emulators.lock sh -c 'npm run build && \
//     timeout --kill-after=30 3000 node tools/emulators/exec.mjs "node bench/export-memory.bench.mjs"'
//   options: --stream-rows 1000000 --baseline-rows 100000 --formats csv,ndjson,json
//            --rows 200000 (stage B) --worker-format csv --slice-ms 120000 --stages a,b
//
// The Firestore emulator pages slowly (a few hundred rows/s at 100,000 documents), so the full
// scale runs in two stages (bench/lib/export-memory-stages.mjs), each in a child process of its
// own, so the peak RSS reported is that stage's:
// A  the worker's building blocks (recordOf → encoderFor → HashingObjectWriter → Storage emulator)
//    over synthetic stored entries in pages of the worker's page size, for CSV, NDJSON and JSON
//    array, at --stream-rows and at --baseline-rows: "flat" is the ratio of the two peaks.
// B  the real runExportSlice, end to end, over --rows entries seeded into a named database, slice
//    after slice, then the join. Each slice streams one upload request; the Storage emulator's
//    HTTP server ends any request after 300 s (Node's default requestTimeout) with a 408, so the
//    worker's default 420 s slice budget is shortened here (--slice-ms) through its `budget` seam.
// Every object is streamed back (never held): row count, row order or content, size and SHA-256
// must match what the writer (or the job) reported, or the bench fails.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    'stream-rows': { type: 'string', default: '1000000' },
    'baseline-rows': { type: 'string', default: '100000' },
    formats: { type: 'string', default: 'csv,ndjson,json' },
    rows: { type: 'string', default: '200000' },
    'worker-format': { type: 'string', default: 'csv' },
    'slice-ms': { type: 'string', default: '120000' },
    stages: { type: 'string', default: 'a,b' },
    child: { type: 'string' },
    params: { type: 'string' },
  },
});
const MB = 1024 * 1024;

if (args.child) {
  const stages = await import('./lib/export-memory-stages.mjs');
  const run = { stream: stages.streamStage, seed: stages.seedStage, worker: stages.workerStage }[args.child];
  process.stdout.write(`${JSON.stringify(await run(JSON.parse(args.params)))}\n`);
  process.exit(0);
}

if (!process.env.FIRESTORE_EMULATOR_HOST || !process.env.FIREBASE_STORAGE_EMULATOR_HOST) {
  console.error('run through the emulators: node tools/emulators/exec.mjs "node bench/export-memory.bench.mjs"');
  process.exit(2);
}

/** Runs one stage in a fresh Node process (with gc exposed); answers its one JSON line. */
function runChild(name, params) {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), '--child', name, '--params', JSON.stringify(params)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${name} exited ${code}`)),
    );
  });
}

const { BUCKET, PROJECT_ID } = await import('./lib/export-memory-stages.mjs');
const require = createRequire(join(here, '..', 'functions', 'package.json'));
const { initializeApp } = require('firebase-admin/app');
const { getStorage } = require('firebase-admin/storage');
const { CSV_COLUMNS } = require(join(here, '..', 'functions', 'lib', 'domain', 'export', 'index.js'));
const { parse: csvParse } = await import('csv-parse');
const bucket = getStorage(initializeApp({ projectId: PROJECT_ID }, 'export-memory-parent')).bucket(BUCKET);

/** The rows of an exported object, streamed: `{ tenantId, eventId, sequence }` each, plus size and SHA-256. */
async function* exportedRows(objectPath, format, tally) {
  const hash = createHash('sha256');
  const source = bucket.file(objectPath).createReadStream({ validation: false });
  const count = (chunk) => {
    hash.update(chunk);
    tally.bytes += chunk.length;
  };
  if (format === 'csv') {
    source.on('data', count);
    let columns;
    for await (const cells of source.pipe(csvParse({ bom: true }))) {
      if (!columns) {
        if (cells.join(',') !== CSV_COLUMNS.map((c) => c.name).join(',')) throw new Error('unexpected CSV header');
        columns = Object.fromEntries(cells.map((name, i) => [name, i]));
        continue;
      }
      yield { tenantId: cells[columns.tenantId], eventId: cells[columns.eventId], sequence: cells[columns.sequence] };
    }
  } else {
    // NDJSON: one record per line. JSON array: "[", then one record per line (all but the last
    // followed by a comma), then "]".
    let rest = '';
    let first = null;
    let last = null;
    for await (const chunk of source) {
      count(chunk);
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop();
      for (const text of lines) {
        first ??= text;
        last = text;
        if (format === 'json' && (text === '[' || text === ']')) continue;
        yield JSON.parse(format === 'json' && text.endsWith(',') ? text.slice(0, -1) : text);
      }
    }
    if (rest !== '') throw new Error(`${objectPath} does not end with a full line`);
    if (format === 'json' && (first !== '[' || last !== ']')) throw new Error(`${objectPath} is not one JSON array`);
  }
  tally.sha256 = hash.digest('hex');
}

/** Streams an object back and checks it against what its writer reported; throws on any mismatch. */
async function verify(result, tenantId, checkRow) {
  const tally = { bytes: 0, sha256: '' };
  let rows = 0;
  let sequenceSum = 0;
  for await (const row of exportedRows(result.objectPath, result.format, tally)) {
    if (row.tenantId !== tenantId) throw new Error(`row ${rows} of ${result.objectPath} has tenant ${row.tenantId}`);
    checkRow?.(row, rows);
    sequenceSum += Number(row.sequence);
    rows++;
  }
  const [meta] = await bucket.file(result.objectPath).getMetadata();
  const checks = {
    rows: rows === result.rows,
    bytes: tally.bytes === result.bytes && Number(meta.size) === result.bytes,
    sha256: tally.sha256 === result.sha256,
    // Every sequence 0..rows-1 once (order aside): the sum is the check.
    sequences: sequenceSum === (result.rows * (result.rows - 1)) / 2,
  };
  const failed = Object.keys(checks).filter((k) => !checks[k]);
  if (failed.length > 0) {
    throw new Error(
      `${result.objectPath}: ${failed.join(', ')} do not match ` +
        `(read ${rows} rows, ${tally.bytes} bytes, ${tally.sha256}; reported ${result.rows}, ${result.bytes}, ${result.sha256})`,
    );
  }
  await bucket.file(result.objectPath).delete({ ignoreNotFound: true });
  return { rows, bytes: tally.bytes, sha256: tally.sha256, ok: true };
}

const mb = (bytes) => (bytes / MB).toFixed(1);
const int = (n) => Math.round(n).toLocaleString('en-US');
function memoryLine(r) {
  const m = r.memory;
  return (
    `${int(r.rowsPerSecond).padStart(7)} rows/s ${mb(r.bytes).padStart(7)} MB  ` +
    `RSS ${mb(m.start.rssBytes)} → peak ${mb(m.peak.rssBytes)} MB (kernel max ${mb(m.maxRssBytes)})  ` +
    (m.forcedGc
      ? `heap retained ${mb(m.start.heapBytes)} → peak ${mb(m.peak.heapBytes)} MB  ` +
        `buffers peak ${mb(m.peak.arrayBuffersBytes)} MB  `
      : `V8 heap committed peak ${mb(m.peak.heapTotalBytes)} MB  `) +
    `${r.seconds.toFixed(0)} s`
  );
}

/**
 * Writes what has been measured so far, so a stage that runs out of time keeps the earlier ones.
 * A stage not run this time keeps its figures from the file (each stage carries its own runId).
 */
async function saveReport() {
  const file = join(here, 'results', 'export-memory.json');
  const previous = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text))
    .catch(() => ({}));
  const out = { ...report };
  for (const key of ['stageA', 'stageB']) {
    if (out[key] === undefined && previous[key] !== undefined) {
      out[key] = { runId: previous.runId, ...previous[key], keptFromEarlierRun: true };
    }
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
}

const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const stages = args.stages.split(',');
const streamRows = Number(args['stream-rows']);
const baselineRows = Number(args['baseline-rows']);
const report = { benchmark: 'export memory at scale', node: process.version, runId, streamRows, baselineRows };

if (stages.includes('a')) {
  const tenantId = `bench-exp-${runId}`;
  console.log(
    `Stage A: recordOf → encoderFor → HashingObjectWriter → Storage emulator, synthetic stored entries, ` +
      `each run in its own process`,
  );
  report.stageA = { runId, formats: {} };
  for (const format of args.formats.split(',')) {
    // Each size twice: with the retained-heap GCs every second, and left alone for RSS.
    const runs = {};
    for (const rows of [baselineRows, streamRows]) {
      for (const forceGc of [true, false]) {
        const objectPath = `bench/export-memory/${runId}/${format}-${rows}-${forceGc ? 'gc' : 'plain'}.${format}`;
        const r = await runChild('stream', {
          format,
          rows,
          tenantId,
          objectPath,
          checkpointRows: rows > baselineRows ? baselineRows : 0,
          forceGc,
        });
        r.readBack = await verify(r, tenantId, (row, i) => {
          if (row.eventId !== `evt-${i}`) throw new Error(`row ${i} of ${objectPath} is ${row.eventId}`);
        });
        const label = forceGc ? 'GC each s' : 'no forced GC';
        console.log(
          `  ${format.padEnd(6)} ${int(rows).padStart(9)} rows ${label.padEnd(12)} ${memoryLine(r)}  read back ok`,
        );
        runs[`${rows}-${forceGc ? 'gc' : 'plain'}`] = r;
      }
    }
    const at = (rows, mode) => runs[`${rows}-${mode}`];
    const ratio = (mode, pick) => pick(at(streamRows, mode)) / pick(at(baselineRows, mode));
    const inRun = (r) => (r.checkpoint ? r.memory.peak.rssBytes / r.checkpoint.peak.rssBytes : null);
    const flat = {
      // Left alone: the RSS a worker would have.
      kernelMaxRss: ratio('plain', (r) => r.memory.maxRssBytes),
      peakRss: ratio('plain', (r) => r.memory.peak.rssBytes),
      // The same process at the baseline's row count and at the end: no process-to-process noise.
      peakRssInRun: inRun(at(streamRows, 'plain')),
      retainedHeapPeak: ratio('gc', (r) => r.memory.peak.heapBytes),
      kernelMaxRssWithGc: ratio('gc', (r) => r.memory.maxRssBytes),
    };
    for (const mode of ['plain', 'gc']) {
      const full = at(streamRows, mode);
      console.log(
        `  ${format.padEnd(6)} RSS at every tenth of ${int(streamRows)} rows (${mode === 'gc' ? 'GC each s' : 'no forced GC'}): ` +
          `${full.series.map((x) => (x.rssBytes / MB).toFixed(0)).join(' ')} MB ` +
          `(peak so far at half way ${mb(full.series[4]?.peakRssBytes ?? 0)}, at the end ${mb(full.memory.peak.rssBytes)})`,
      );
    }
    console.log(
      `  ${format.padEnd(6)} flat, ${int(streamRows)} / ${int(baselineRows)} rows: kernel max RSS ×${flat.kernelMaxRss.toFixed(3)} ` +
        `(sampled peak ×${flat.peakRss.toFixed(3)}, same process ×${flat.peakRssInRun?.toFixed(3)}; ` +
        `with GC each s ×${flat.kernelMaxRssWithGc.toFixed(3)}), retained heap peak ×${flat.retainedHeapPeak.toFixed(3)}`,
    );
    const [base, full] = [at(baselineRows, 'gc'), at(streamRows, 'gc')];
    const plain = { baseline: at(baselineRows, 'plain'), full: at(streamRows, 'plain') };
    report.stageA.formats[format] = { baseline: base, full, plain, flat };
    await saveReport();
  }
}

if (stages.includes('b')) {
  const rows = Number(args.rows);
  const format = args['worker-format'];
  const tenantId = `bench-exw-${runId}`;
  console.log(
    `Stage B: the real runExportSlice over ${int(rows)} entries in the named database, ` +
      `slices of at most ${int(Number(args['slice-ms']) / 1000)} s, until done`,
  );
  const seed = await runChild('seed', { rows, tenantId, neighbourRows: 1000 });
  console.log(`  seeded ${int(rows)} (+1,000 of a neighbour tenant) at ${int(seed.rowsPerSecond)} rows/s`);
  const r = await runChild('worker', { format, tenantId, sliceMs: Number(args['slice-ms']) });
  if (r.state !== 'succeeded') throw new Error(`export ${r.exportId} ended ${r.state}: ${JSON.stringify(r.error)}`);
  if (r.rows !== rows || r.audit?.rows !== rows || r.audit?.sha256 !== r.sha256) {
    throw new Error(`export ${r.exportId}: ${r.rows} rows, audit ${JSON.stringify(r.audit)}; expected ${rows}`);
  }
  r.readBack = await verify(r, tenantId);
  console.log(`  ${format.padEnd(6)} ${int(rows).padStart(9)} rows ${memoryLine(r)}  ${r.parts} part(s), read back ok`);
  const a = report.stageA?.formats[format];
  if (a) {
    const growth = (x) => x.memory.peak.heapBytes - x.memory.start.heapBytes;
    console.log(
      `  retained heap growth: worker ${mb(growth(r))} MB at ${int(rows)} rows; building blocks ` +
        `${mb(growth(a.baseline))} MB at ${int(baselineRows)}, ${mb(growth(a.full))} MB at ${int(streamRows)}`,
    );
  }
  report.stageB = { runId, seed, worker: r };
}

await saveReport();
process.exit(0);
