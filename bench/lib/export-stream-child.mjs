// Child process of bench/export.bench.mjs: streams N synthetic rows through an export encoder and
// the real hashing object writer (into /dev/null instead of Storage), or only generates the rows
// (mode "generate", the baseline), and reports its peak memory as one JSON line.
//   node bench/lib/export-stream-child.mjs <csv|ndjson|json|generate> <rows>
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticDay } from './archive-entries.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { encoderFor, toExportRecord } = require(join(root, 'functions/lib/domain/export/index.js'));
const { HashingObjectWriter } = require(join(root, 'functions/lib/export/storage.js'));

const [mode, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const stored = syntheticDay({ tenantId: 'bench-tenant' });

let peakRss = process.memoryUsage.rss();
let peakHeap = process.memoryUsage().heapUsed;
const sample = () => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) peakRss = m.rss;
  if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
};
const timer = setInterval(sample, 50);
const startRss = process.memoryUsage.rss();

/** The export record of the i-th synthetic stored entry (instants as ISO strings, as the worker maps them). */
function record(i) {
  const s = stored(i);
  return toExportRecord({
    ...s,
    occurredAt: s.occurredAt.toDate().toISOString(),
    recordedAt: s.recordedAt.toDate().toISOString(),
  });
}

const started = performance.now();
let bytes = 0;
let sha256 = '';
if (mode === 'generate') {
  let check = 0;
  for (let i = 0; i < rows; i++) {
    check += record(i).logId.length;
    if (i % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  bytes = check;
} else {
  const encoder = encoderFor(mode, true);
  // The worker's writer, on a file stand-in whose stream goes to /dev/null.
  const file = { createWriteStream: () => createWriteStream('/dev/null') };
  const writer = new HashingObjectWriter(file, encoder.contentType, {});
  await writer.write(encoder.start());
  for (let i = 0; i < rows; i++) await writer.write(encoder.record(record(i), i));
  await writer.write(encoder.end(rows));
  ({ sha256, bytes } = await writer.close());
}
clearInterval(timer);
sample();
console.log(
  JSON.stringify({
    mode,
    rows,
    seconds: (performance.now() - started) / 1000,
    bytes,
    sha256,
    startRssBytes: startRss,
    peakRssBytes: peakRss,
    peakHeapBytes: peakHeap,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
