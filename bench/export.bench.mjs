// Export and report benchmarks, each against a baseline measured in the same run:
//
// 1. Encoder throughput: CSV (RFC 4180, formula neutralising, lossless empty/absent) and NDJSON
//    rows per CPU second against a plain serialization of the same records (JSON.stringify per
//    row), interleaved rounds, median.
// 2. Peak memory of a streamed export of 1,000,000 rows (encoder + the worker's hashing writer,
//    into /dev/null) in a child process, against a child that only generates the same rows.
// 3. PDF report generation time: model building over synthetic entries, chart rendering and PDF
//    layout with the embedded CJK font (cold first run, then the median of warm runs).
//
// Run after `npm run build`:  node bench/export.bench.mjs [--rows N] [--stream-rows N] [--rounds R]
// Writes bench/results/export.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { syntheticDay } from './lib/archive-entries.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const lib = (p) => require(join(here, '..', 'functions', 'lib', p));
const { csvLine, ndjsonEncoder, toExportRecord, ReportAccumulator } = lib('domain/export/index.js');
const { reportDocument, renderPdf } = lib('reports/report-pdf.js');

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1]);
const ROWS = Number(args.get('--rows') ?? 20_000);
const STREAM_ROWS = Number(args.get('--stream-rows') ?? 1_000_000);
const ROUNDS = Number(args.get('--rounds') ?? 9);
const MB = 1024 * 1024;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---- 1. encoder throughput -------------------------------------------------------------------
const stored = syntheticDay({ tenantId: 'bench-tenant' });
const records = Array.from({ length: ROWS }, (_, i) => {
  const s = stored(i);
  return toExportRecord({
    ...s,
    occurredAt: s.occurredAt.toDate().toISOString(),
    recordedAt: s.recordedAt.toDate().toISOString(),
  });
});

const encoders = {
  baseline: (r) => `${JSON.stringify(r)}\n`,
  ndjson: (r, i) => ndjsonEncoder.record(r, i),
  csv: (r) => csvLine(r),
};

function measure(encode) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let length = 0;
  for (let i = 0; i < records.length; i++) length += encode(records[i], i).length;
  const cpu = process.cpuUsage(cpuStart);
  if (length === 0) throw new Error('nothing encoded');
  return { cpu: ROWS / ((cpu.user + cpu.system) / 1e6), wall: ROWS / ((performance.now() - start) / 1000), length };
}

for (let r = 0; r < 3; r++) for (const encode of Object.values(encoders)) measure(encode);
const rates = Object.fromEntries(Object.keys(encoders).map((k) => [k, []]));
const names = Object.keys(encoders);
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order so drift (GC, CPU frequency) hits all alike.
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + r) % names.length];
    rates[name].push(measure(encoders[name]));
  }
}
const throughput = Object.fromEntries(
  names.map((name) => [
    name,
    {
      rowsPerCpuSecond: Math.round(median(rates[name].map((x) => x.cpu))),
      rowsPerWallSecond: Math.round(median(rates[name].map((x) => x.wall))),
      meanRowBytes: Math.round(rates[name][0].length / ROWS),
    },
  ]),
);
const ratio = (name) => Number((throughput[name].rowsPerCpuSecond / throughput.baseline.rowsPerCpuSecond).toFixed(3));

console.log(`1. encoders: ${ROWS} rows × ${ROUNDS} interleaved rounds, one thread`);
for (const name of names) {
  const t = throughput[name];
  console.log(
    `   ${name.padEnd(34)}${String(t.rowsPerCpuSecond).padStart(10)} rows/CPU s ${String(t.meanRowBytes).padStart(6)} B/row` +
      (name === 'baseline' ? '   (JSON.stringify per row)' : `   ratio ${ratio(name)}`),
  );
}

// ---- 2. peak memory of a streamed export of 1,000,000 rows ------------------------------------
function child(mode) {
  const out = execFileSync(
    process.execPath,
    [join(here, 'lib', 'export-stream-child.mjs'), mode, String(STREAM_ROWS)],
    {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  return JSON.parse(out.trim().split('\n').pop());
}
const generate = child('generate');
const streamCsv = child('csv');
const streamNdjson = child('ndjson');
console.log(`2. streamed export of ${STREAM_ROWS.toLocaleString('en-US')} rows (child processes, peak RSS)`);
for (const run of [generate, streamCsv, streamNdjson]) {
  console.log(
    `   ${run.mode.padEnd(10)} peak RSS ${(run.peakRssBytes / MB).toFixed(1).padStart(7)} MB (maxRSS ${(run.maxRssBytes / MB).toFixed(1)} MB)` +
      `  heap ${(run.peakHeapBytes / MB).toFixed(1).padStart(6)} MB  ${(run.bytes / MB).toFixed(0).padStart(6)} MB out  ${run.seconds.toFixed(1)} s` +
      (run.mode === 'generate'
        ? '   (baseline: rows generated, not written)'
        : `   +${((run.maxRssBytes - generate.maxRssBytes) / MB).toFixed(1)} MB over baseline`),
  );
}

// ---- 3. PDF report generation -----------------------------------------------------------------
const LEVELS = ['INFO', 'INFO', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
const period = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
const REPORT_ENTRIES = 100_000;
// Built once, outside the timings: only accumulation, charts and layout are measured.
const reportEntries = Array.from({ length: REPORT_ENTRIES }, (_, i) => {
  const r = records[i % records.length];
  return {
    ...r,
    occurredAt: new Date(Date.parse(period.from) + i * 26_784).toISOString(),
    category: i % 3 ? 'SECURITY' : r.category,
    level: LEVELS[i % LEVELS.length],
    actor: { ...r.actor, name: i % 2 ? `山田 太郎 ${i % 40}` : `李明 ${i % 40}` },
  };
});
function buildModel() {
  const acc = new ReportAccumulator('security', period);
  for (const entry of reportEntries) acc.add(entry);
  return acc.result({ tenantId: 'bench-tenant', tenantName: '株式会社ベンチ', retentionDays: 90, archive: null });
}
const meta = { reportId: 'bench', tenantId: 'bench-tenant', generatedAt: new Date(), generatedBy: 'bench' };
const pdfRuns = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const model = buildModel();
  const t1 = performance.now();
  const doc = await reportDocument(model, meta);
  const t2 = performance.now();
  const { pdf, pages } = await renderPdf(doc);
  const t3 = performance.now();
  pdfRuns.push({ modelMs: t1 - t0, chartsMs: t2 - t1, pdfMs: t3 - t2, totalMs: t3 - t0, pages, bytes: pdf.length });
}
const warm = pdfRuns.slice(1);
const pdf = {
  entries: REPORT_ENTRIES,
  pages: pdfRuns[0].pages,
  bytes: pdfRuns[0].bytes,
  coldTotalMs: Math.round(pdfRuns[0].totalMs),
  warmMedianMs: {
    model: Math.round(median(warm.map((r) => r.modelMs))),
    charts: Math.round(median(warm.map((r) => r.chartsMs))),
    pdf: Math.round(median(warm.map((r) => r.pdfMs))),
    total: Math.round(median(warm.map((r) => r.totalMs))),
  },
};
console.log(
  `3. security report PDF over ${REPORT_ENTRIES.toLocaleString('en-US')} entries: ${pdf.pages} pages, ${(pdf.bytes / 1024).toFixed(0)} KiB`,
);
console.log(
  `   cold ${pdf.coldTotalMs} ms; warm median ${pdf.warmMedianMs.total} ms (model ${pdf.warmMedianMs.model}, charts ${pdf.warmMedianMs.charts}, PDF ${pdf.warmMedianMs.pdf})`,
);

const result = {
  benchmark: 'export encoders vs JSON.stringify per row; streamed export memory; PDF report time',
  node: process.version,
  rows: ROWS,
  rounds: ROUNDS,
  throughput,
  ratios: { csvToBaseline: ratio('csv'), ndjsonToBaseline: ratio('ndjson') },
  stream: { rows: STREAM_ROWS, generate, csv: streamCsv, ndjson: streamNdjson },
  pdf,
};
const outDir = join(here, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'export.json'), `${JSON.stringify(result, null, 2)}\n`);
