import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import {
  auditEntries,
  builtEntry,
  callOk,
  callStatus,
  downloadViaLink,
  seedEntries,
  testBucket,
  waitForJob,
} from '../support/exports';
import { createTenant } from '../support/ingest-paths';

// An export of 100,000 entries on the emulators: correct counts, the file's hash, no other
// tenant, and the worker's memory (measured by the worker itself and recorded on the job)
// staying far below the size of what it wrote. Then a running export is canceled.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();
const tenant = uniqueTenant('export-large');
const neighbour = uniqueTenant('export-large-n');
const ROWS = 100_000;
const PERIOD = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
const MB = 1024 * 1024;

function* entries(tenantId: string, count: number) {
  const base = Date.parse('2026-01-05T00:00:00.000Z');
  for (let i = 0; i < count; i++) {
    yield builtEntry({
      specVersion: '1.0',
      eventId: `big-${i}`,
      eventType: ['repo.settings_updated', 'auth.login', 'issue.commented', 'auth.login.failed'][i % 4],
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

let auditor: { uid: string; idToken: string };

beforeAll(async () => {
  await Promise.all([createTenant(db, tenant), createTenant(db, neighbour)]);
  const seeded = await seedEntries(db, entries(tenant, ROWS), 6);
  expect(seeded).toBe(ROWS);
  await seedEntries(db, entries(neighbour, 2_000));
  auditor = await signInWithClaims({ tenantId: tenant, role: 'auditor' });
}, 600_000);

afterAll(async () => {
  await closeAdminApp();
});

describe('an export of 100,000 entries', () => {
  it(
    'completes with correct counts, the file hash, no other tenant, and flat worker memory',
    { timeout: 1_200_000 },
    async () => {
      const started = Date.now();
      const { exportId } = await callOk<{ exportId: string }>(
        'startExport',
        { format: 'ndjson', filter: PERIOD },
        auditor.idToken,
      );
      // Progress is reported while it runs.
      const running = await waitFor(
        async () => (await db.collection('audit_exports').doc(exportId).get()).data() ?? {},
        (d) => (d.rowsWritten as number) > 0 || d.state === 'succeeded',
        { timeoutMs: 300_000, intervalMs: 500, what: 'first progress report' },
      );
      expect(running.rowsTotal).toBe(ROWS);
      const job = await waitForJob(db, 'audit_exports', exportId, 1_000_000);
      const seconds = (Date.now() - started) / 1000;
      expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
      expect(job.rowsWritten).toBe(ROWS);
      expect(job.progress).toBe(1);

      // Stream the download: count, check the tenant of every row and hash, without holding the file.
      const response = await downloadViaLink('export', exportId, auditor.idToken);
      expect(response.status).toBe(200);
      const hash = createHash('sha256');
      let bytes = 0;
      let lines = 0;
      let foreign = 0;
      let rest = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        bytes += chunk.length;
        const text = rest + decoder.decode(chunk, { stream: true });
        const parts = text.split('\n');
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

      // The worker records its own memory at every progress point.
      const stats = job.stats as Record<string, number>;
      const heapGrowth = stats.peakHeapBytes! - stats.startHeapBytes!;
      const rssGrowth = stats.peakRssBytes! - stats.startRssBytes!;
      console.log(
        `export of ${ROWS} rows: ${(bytes / MB).toFixed(1)} MB in ${seconds.toFixed(0)} s, ${job.parts as number} part(s); ` +
          `worker heap ${(stats.startHeapBytes! / MB).toFixed(0)} → peak ${(stats.peakHeapBytes! / MB).toFixed(0)} MB, ` +
          `RSS ${(stats.startRssBytes! / MB).toFixed(0)} → peak ${(stats.peakRssBytes! / MB).toFixed(0)} MB`,
      );
      // Flat: the worker never holds more than a fraction of what it wrote.
      expect(heapGrowth).toBeLessThan(bytes / 4);
      expect(rssGrowth).toBeLessThan(bytes / 2);
    },
  );

  it('stops a running export on cancel, removes its file and records who canceled', { timeout: 600_000 }, async () => {
    const { exportId } = await callOk<{ exportId: string }>(
      'startExport',
      { format: 'csv', filter: PERIOD },
      auditor.idToken,
    );
    await waitFor(
      async () => (await db.collection('audit_exports').doc(exportId).get()).data() ?? {},
      (d) => (d.rowsWritten as number) > 0,
      { timeoutMs: 300_000, intervalMs: 250, what: 'the export to be running' },
    );
    expect(await callOk<{ state: string }>('cancelExport', { id: exportId }, auditor.idToken)).toEqual({
      state: 'canceled',
    });
    const prefix = `exports/${tenant}/${exportId}.`;
    await waitFor(
      async () => {
        const [files] = await testBucket().getFiles({ prefix });
        const logs = await auditEntries(db, tenant, 'compliance.export.canceled');
        return { files: files.length, audited: logs.some((e) => (e.resource as { id: string }).id === exportId) };
      },
      (s) => s.files === 0 && s.audited,
      { timeoutMs: 120_000, intervalMs: 500, what: 'the canceled export to be cleaned up and audited' },
    );
    const job = (await db.collection('audit_exports').doc(exportId).get()).data()!;
    expect(job.state).toBe('canceled');
    expect(job.sha256).toBeNull();
    expect((job.rowsWritten as number) < ROWS).toBe(true);
    expect(await callStatus('createDownloadLink', { kind: 'export', id: exportId }, auditor.idToken)).toBe(
      'FAILED_PRECONDITION',
    );
  });
});
