import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeExportFilter,
  exportObjectPath,
  parseExportFilter,
  type Requester,
} from '../../functions/src/domain/export';
import { exportsCollection, newExportDoc } from '../../functions/src/export/export-jobs';
import { runExportSlice, type ExportWorkerDeps } from '../../functions/src/export/export-worker';
import { adminApp, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { builtEntry, seedEntries, testBucket } from '../support/exports';

// An export of 50,000 entries through the real worker against the Firestore and Storage
// emulators, run in this process so its memory can be measured while it works. The size is set by
// the emulator, not the product: every page query scans the whole collection there (~0.6 s per
// page at this size, ~1.1 s at 100,000), so doubling the rows quadruples the run without proving
// more; `npm run bench:export-memory` measures larger exports. The entries live
// in a named database: writes there fire none of the project's audit_logs triggers, which would
// otherwise queue 50,000 × every trigger in the one functions emulator. The callable and
// trigger path is covered by export.test.ts; this suite is about size, slices and memory.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE');
const db: Firestore = getFirestore(adminApp(), 'export-load');
const tenant = uniqueTenant('export-large');
const neighbour = uniqueTenant('export-large-n');
const ROWS = 50_000;
const SLICE_ROWS = 20_000;
const PERIOD = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
const MB = 1024 * 1024;
const requester: Requester = { tenantId: tenant, uid: 'u-exporter', role: 'auditor', email: 'exporter@example.com' };
const audits: Array<Record<string, unknown>> = [];
const deps: ExportWorkerDeps = {
  db,
  bucket: testBucket(),
  now: () => new Date(),
  audit: (envelope) => {
    audits.push(envelope);
    return Promise.resolve();
  },
};

function* entries(tenantId: string, count: number) {
  const base = Date.parse('2026-01-05T00:00:00.000Z');
  for (let i = 0; i < count; i++) {
    yield builtEntry({
      specVersion: '1.0',
      eventId: `big-${i}`,
      eventType: ['repo.settings_updated', 'auth.user.login', 'issue.commented', 'auth.login.failed'][i % 4],
      tenantId,
      occurredAt: new Date(base + i * 7_000).toISOString(),
      source: 'repo-service',
      sequence: i,
      actor: { type: 'user', id: `u-${i % 97}`, name: `User ${i % 97}`, email: `user${i % 97}@example.com` },
      resource: { type: 'repository', id: `r-${i % 500}`, name: `repo-${i % 500}`, path: `/org/repo-${i % 500}` },
      outcome: i % 4 === 3 ? 'failure' : 'success',
      ...(i % 4 === 0
        ? { changes: { before: { wiki: true, issues: true }, after: { wiki: false, issues: true } } }
        : {}),
      metadata: { requestPath: `/api/v1/repos/${i % 500}`, latencyMs: i % 400, tags: ['load', 'export'] },
      context: { correlationId: `corr-${i}`, requestId: `req-${i}` },
    });
  }
}

/** Queues a job as `startExport` would; `sliceRows` is the operator knob for smaller slices. */
async function queueJob(format: 'ndjson' | 'csv', sliceRows?: number): Promise<string> {
  const ref = exportsCollection(db).doc();
  const filter = parseExportFilter(PERIOD);
  await ref.create({
    ...newExportDoc({
      tenantId: tenant,
      requestedBy: requester,
      filter,
      filterSummary: describeExportFilter(filter),
      format,
      bom: false,
      objectPath: exportObjectPath(tenant, ref.id, format),
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      fileName: `large.${format}`,
    }),
    ...(sliceRows ? { sliceRows } : {}),
  });
  return ref.id;
}

/** Runs slices as the slice trigger would, until the job leaves `running`. */
async function runAllSlices(id: string): Promise<Record<string, unknown>> {
  let slice = 0;
  for (;;) {
    await runExportSlice(deps, id, slice);
    const data = (await exportsCollection(db).doc(id).get()).data()!;
    if (data.state !== 'running') return data;
    slice = data.slice as number;
  }
}

beforeAll(async () => {
  expect(await seedEntries(db, entries(tenant, ROWS), 6)).toBe(ROWS);
  await seedEntries(db, entries(neighbour, 2_000));
}, 900_000);

afterAll(async () => {
  await closeAdminApp();
});

describe('an export of 50,000 entries', () => {
  it(
    'completes in three slices with correct counts and hash, no other tenant, and flat memory',
    { timeout: 1_200_000 },
    async () => {
      // Memory of this process while the worker runs. A peak of `heapUsed` mostly measures how lazily
      // V8 collects; what matters is what stays reachable, so each sample is taken after a full GC.
      v8.setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      const heapStart = process.memoryUsage().heapUsed;
      const rssStart = process.memoryUsage.rss();
      let retainedPeak = heapStart;
      let rssPeak = rssStart;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
        gc();
        retainedPeak = Math.max(retainedPeak, process.memoryUsage().heapUsed);
      }, 1000);
      const started = Date.now();
      const id = await queueJob('ndjson', SLICE_ROWS);
      let job: Record<string, unknown>;
      try {
        job = await runAllSlices(id);
      } finally {
        clearInterval(sampler);
      }
      const seconds = (Date.now() - started) / 1000;
      expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
      expect(job.rowsWritten).toBe(ROWS);
      expect(job.rowsTotal).toBe(ROWS);
      expect(job.parts).toBe(3);
      expect(job.progress).toBe(1);

      // Stream the file back: count, check every row's tenant, hash, without holding it.
      const hash = createHash('sha256');
      let bytes = 0;
      let lines = 0;
      let foreign = 0;
      let rest = '';
      for await (const chunk of testBucket()
        .file(job.objectPath as string)
        .createReadStream() as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          lines++;
          if ((JSON.parse(line) as { tenantId: string }).tenantId !== tenant) foreign++;
        }
      }
      expect(rest).toBe('');
      expect(lines).toBe(ROWS);
      expect(foreign).toBe(0);
      expect(bytes).toBe(job.bytes);
      expect(hash.digest('hex')).toBe(job.sha256);
      const [left] = await testBucket().getFiles({ prefix: `exports/${tenant}/${id}.` });
      expect(left.map((f) => f.name)).toEqual([job.objectPath]);
      expect(audits.find((a) => a.eventId === `export-${id}-completed`)?.metadata).toMatchObject({
        rows: ROWS,
        sha256: job.sha256,
      });

      console.log(
        `export of ${ROWS} rows: ${(bytes / MB).toFixed(1)} MB in ${seconds.toFixed(0)} s (3 slices); ` +
          `heap retained ${(heapStart / MB).toFixed(0)} → peak ${(retainedPeak / MB).toFixed(0)} MB, ` +
          `RSS ${(rssStart / MB).toFixed(0)} → peak ${(rssPeak / MB).toFixed(0)} MB; worker's own heap peak ` +
          `(no forced GC) ${((job.stats as { peakHeapBytes: number }).peakHeapBytes / MB).toFixed(0)} MB`,
      );
      // Flat: what the process holds while exporting is a small fixed amount (a page of 1,000
      // documents and the upload buffer, 10–18 MB measured), not the rows it wrote: holding them
      // would retain more than `bytes` (41 MB of output here).
      expect(retainedPeak - heapStart).toBeLessThan(Math.min(32 * MB, (bytes * 3) / 4));
    },
  );

  it('stops at the next page when canceled and removes what it wrote', { timeout: 600_000 }, async () => {
    const id = await queueJob('csv');
    const ref = exportsCollection(db).doc(id);
    const running = runExportSlice(deps, id, 0);
    await waitFor(
      async () => (await ref.get()).data() ?? {},
      (d) => (d.rowsWritten as number) > 0,
      { timeoutMs: 300_000, intervalMs: 100, what: 'the export to report progress' },
    );
    // What cancelExport does to the job (the callable itself is covered in export.test.ts).
    await ref.update({ state: 'canceled' });
    await running;
    const job = (await ref.get()).data()!;
    expect(job.state).toBe('canceled');
    expect(job.sha256).toBeNull();
    expect(job.rowsWritten as number).toBeLessThan(ROWS);
    const [files] = await testBucket().getFiles({ prefix: `exports/${tenant}/${id}.` });
    expect(files).toHaveLength(0);
    expect(audits.some((a) => a.eventId === `export-${id}-completed`)).toBe(false);
  });
});
