// The stages of bench/export-memory.bench.mjs, each run in a child process of its own (started
// with --expose-gc) so the peak RSS it reports belongs to that stage alone.
//
// A "stream": the worker's own building blocks over synthetic stored entries — Firestore-shaped
//   documents (real `Timestamp`s) in pages of the worker's page size, mapped with the worker's
//   `recordOf`, encoded with `encoderFor` and written through `HashingObjectWriter` into the
//   Storage emulator. No Firestore: its emulator pages too slowly for 1,000,000 rows.
// B "seed" + "worker": the same entries seeded into the named database `export-load` (no
//   triggers fire there), then the real `runExportSlice`, slice after slice, until the job ends.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { syntheticDay } from './archive-entries.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Resolved from functions/, so `Timestamp` is the very class `recordOf` tests with instanceof.
const require = createRequire(join(root, 'functions', 'package.json'));
const lib = (p) => require(join(root, 'functions', 'lib', p));
const { deleteApp, initializeApp } = require('firebase-admin/app');
const { getFirestore, Timestamp } = require('firebase-admin/firestore');
const { getStorage } = require('firebase-admin/storage');
const { DEFAULT_SLICE_BUDGET, describeExportFilter, encoderFor, exportObjectPath, parseExportFilter } =
  lib('domain/export/index.js');
const { cursorOf, recordOf } = lib('export/log-source.js');
const { HashingObjectWriter } = lib('export/storage.js');
const { EXPORT_PAGE_SIZE, runExportSlice } = lib('export/export-worker.js');
const { exportsCollection, newExportDoc } = lib('export/export-jobs.js');
const { COLLECTIONS } = lib('store/collections.js');

export const PROJECT_ID = 'demo-auditlog';
export const BUCKET = `${PROJECT_ID}.appspot.com`;
export const LOAD_DATABASE = 'export-load';
/** The day syntheticDay() spreads its entries over, as an export filter. */
export const PERIOD = { from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z' };

/** The i-th stored entry of a tenant as Firestore holds it: instants as real Timestamps. */
export function storedEntries(tenantId) {
  const day = syntheticDay({ tenantId });
  const ts = (t) => new Timestamp(t.seconds, t.nanoseconds);
  return (i) => {
    const s = day(i);
    return { ...s, occurredAt: ts(s.occurredAt), recordedAt: ts(s.recordedAt) };
  };
}

/** What the worker reads of a QueryDocumentSnapshot: `id`, `data()`, `get(field)`. */
function snapshotOf(data) {
  return { id: data.logId, data: () => data, get: (field) => data[field] };
}

/**
 * Memory of this process from now on. RSS (with V8's committed heap and external memory) is read
 * every 100 ms as it is. With `forceGc`, the heap is also read every second after a full GC (as
 * test/emulator/export-large.test.ts does), so it shows what stays reachable rather than how
 * lazily V8 collects; `arrayBuffers` (also after GC) holds the writer's Buffers, off the heap.
 * Those GCs also keep the heap, and so RSS, smaller than a process left alone would have it: RSS
 * is measured in runs without them too.
 */
export function memoryMeter(forceGc = true) {
  globalThis.gc();
  const first = process.memoryUsage();
  const start = {
    rssBytes: first.rss,
    heapTotalBytes: first.heapTotal,
    externalBytes: first.external,
    heapBytes: first.heapUsed,
    arrayBuffersBytes: first.arrayBuffers,
  };
  const peak = { ...start };
  let samples = 0;
  const raw = () => {
    const m = process.memoryUsage();
    peak.rssBytes = Math.max(peak.rssBytes, m.rss);
    peak.heapTotalBytes = Math.max(peak.heapTotalBytes, m.heapTotal);
    peak.externalBytes = Math.max(peak.externalBytes, m.external);
    return m;
  };
  const retained = () => {
    raw();
    if (forceGc) globalThis.gc();
    const m = process.memoryUsage();
    peak.heapBytes = Math.max(peak.heapBytes, m.heapUsed);
    peak.arrayBuffersBytes = Math.max(peak.arrayBuffersBytes, m.arrayBuffers);
    samples++;
  };
  const timers = [setInterval(raw, 100), setInterval(retained, 1000)];
  return {
    /** The current RSS and the peaks so far. */
    snapshot() {
      const m = raw();
      return { rssBytes: m.rss, peak: { ...peak }, samples };
    },
    stop() {
      timers.forEach(clearInterval);
      retained();
      // The kernel's high-water mark for the whole child, which no sampling interval can miss.
      const maxRssBytes = process.resourceUsage().maxRSS * 1024;
      return { forcedGc: forceGc, start, peak: { ...peak }, samples, maxRssBytes };
    },
  };
}

function emulatorApp() {
  return initializeApp({ projectId: PROJECT_ID }, `export-memory-${process.pid}`);
}

/** Stage A: `rows` synthetic entries through the worker's per-row path into one Storage object. */
export async function streamStage({ format, rows, tenantId, objectPath, checkpointRows, forceGc }) {
  const app = emulatorApp();
  const bucket = getStorage(app).bucket(BUCKET);
  const encoder = encoderFor(format, false);
  const stored = storedEntries(tenantId);
  // Warm the Storage client up before the start figures are taken.
  await bucket.file(objectPath).delete({ ignoreNotFound: true });

  const meter = memoryMeter(forceGc);
  const started = performance.now();
  const writer = new HashingObjectWriter(bucket.file(objectPath), encoder.contentType, { bench: 'export-memory' });
  await writer.write(encoder.start());
  let written = 0;
  let cursor = null;
  let checkpoint = null;
  const series = [];
  // The worker's loop: a page of documents at a time, one record after another into the writer.
  for (let first = 0; first < rows; first += EXPORT_PAGE_SIZE) {
    // The worker awaits Firestore twice per page (the job's state, the next page); without a turn
    // of the event loop here, the meter's timers would only run when the upload pushes back.
    await new Promise((resolve) => setImmediate(resolve));
    const page = [];
    for (let i = first; i < Math.min(rows, first + EXPORT_PAGE_SIZE); i++) page.push(snapshotOf(stored(i)));
    for (const doc of page) {
      await writer.write(encoder.record(recordOf(doc), written));
      written++;
    }
    cursor = cursorOf(page[page.length - 1]);
    if (checkpoint === null && checkpointRows > 0 && written >= checkpointRows) {
      checkpoint = { rows: written, seconds: (performance.now() - started) / 1000, ...meter.snapshot() };
    }
    // Every tenth of the way: does RSS level off, or keep climbing with the rows?
    if (written >= (series.length + 1) * (rows / 10)) {
      const { rssBytes, peak } = meter.snapshot();
      series.push({ rows: written, rssBytes, peakRssBytes: peak.rssBytes, heapTotalBytes: peak.heapTotalBytes });
    }
  }
  await writer.write(encoder.end(written));
  const { sha256, bytes } = await writer.close();
  const seconds = (performance.now() - started) / 1000;
  const memory = meter.stop();
  await deleteApp(app);
  return {
    stage: 'A',
    format,
    rows: written,
    seconds,
    rowsPerSecond: written / seconds,
    bytes,
    sha256,
    objectPath,
    pageSize: EXPORT_PAGE_SIZE,
    lastCursor: cursor,
    memory,
    checkpoint,
    series,
  };
}

/** Stage B, first child: seeds `rows` entries of the tenant and a few of a neighbour tenant. */
export async function seedStage({ rows, tenantId, neighbourRows }) {
  const app = emulatorApp();
  const db = getFirestore(app, LOAD_DATABASE);
  const logs = db.collection(COLLECTIONS.logs);
  const started = performance.now();
  let batch = db.batch();
  let size = 0;
  const pending = new Set();
  const commit = async () => {
    const p = batch.commit();
    pending.add(p);
    void p.finally(() => pending.delete(p));
    batch = db.batch();
    size = 0;
    if (pending.size >= 6) await Promise.race(pending);
  };
  const add = async (doc) => {
    batch.create(logs.doc(doc.logId), doc);
    if (++size === 500) await commit();
  };
  const ours = storedEntries(tenantId);
  for (let i = 0; i < rows; i++) await add(ours(i));
  // Serials past `rows`, so the neighbour's log ids never meet ours.
  const theirs = storedEntries(`${tenantId}-n`);
  for (let i = rows; i < rows + neighbourRows; i++) await add(theirs(i));
  if (size > 0) await commit();
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  await deleteApp(app);
  return { stage: 'B-seed', rows, neighbourRows, seconds, rowsPerSecond: (rows + neighbourRows) / seconds };
}

/** Stage B, second child: queues a job as `startExport` would and runs its slices as the trigger would. */
export async function workerStage({ format, tenantId, sliceMs }) {
  const app = emulatorApp();
  const db = getFirestore(app, LOAD_DATABASE);
  const bucket = getStorage(app).bucket(BUCKET);
  const encoder = encoderFor(format, false);
  const filter = parseExportFilter(PERIOD);
  const ref = exportsCollection(db).doc();
  await ref.create(
    newExportDoc({
      tenantId,
      requestedBy: { tenantId, uid: 'bench-exporter', role: 'auditor', email: 'bench@example.com' },
      filter,
      filterSummary: describeExportFilter(filter),
      format,
      bom: false,
      objectPath: exportObjectPath(tenantId, ref.id, encoder.extension),
      contentType: encoder.contentType,
      fileName: `bench.${encoder.extension}`,
    }),
  );
  // Warm the Storage client up too: Firestore already is (the create above).
  await bucket.getFiles({ maxResults: 1 });
  const audits = [];
  const deps = {
    db,
    bucket,
    // The worker's default time budget per slice, shortened: see --slice-ms in the bench.
    budget: { ...DEFAULT_SLICE_BUDGET, maxMs: sliceMs },
    now: () => new Date(),
    audit: (envelope) => {
      audits.push(envelope);
      return Promise.resolve();
    },
  };

  const meter = memoryMeter();
  const started = performance.now();
  let slice = 0;
  let runs = 0;
  let job;
  for (;;) {
    await runExportSlice(deps, ref.id, slice);
    runs++;
    job = (await ref.get()).data();
    if (job.state !== 'running') break;
    slice = job.slice;
  }
  const seconds = (performance.now() - started) / 1000;
  const memory = meter.stop();
  await deleteApp(app);
  const completed = audits.find((a) => a.eventId === `export-${ref.id}-completed`);
  return {
    stage: 'B',
    format,
    exportId: ref.id,
    state: job.state,
    error: job.error ?? null,
    rows: job.rowsWritten,
    rowsTotal: job.rowsTotal,
    parts: job.parts,
    sliceRuns: runs,
    bytes: job.bytes,
    sha256: job.sha256,
    objectPath: job.objectPath,
    seconds,
    rowsPerSecond: job.rowsWritten / seconds,
    pageSize: EXPORT_PAGE_SIZE,
    sliceBudgetMs: deps.budget.maxMs,
    memory,
    workerStats: job.stats ?? null,
    audit: completed ? { rows: completed.metadata?.rows, sha256: completed.metadata?.sha256 } : null,
  };
}
