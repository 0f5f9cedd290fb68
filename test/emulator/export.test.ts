import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvRecord, type ExportRecord } from '../../functions/src/domain/export';
import { FUNCTIONS_BASE, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import {
  auditEntries,
  builtEntry,
  callOk,
  callStatus,
  downloadViaLink,
  exportJobDoc,
  expectedRecord,
  seedEntries,
  testBucket,
  waitForJob,
} from '../support/exports';
import { createTenant } from '../support/ingest-paths';

// Export jobs end to end on the emulators: the callable queues a job, the Firestore-triggered
// worker streams it to Storage in slices, the download endpoint streams it back. Two tenants
// hold entries in the same period; exports must return exactly the caller's.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();
const tenantA = uniqueTenant('export-a');
const tenantB = uniqueTenant('export-b');
// Kept small: every seeded entry also runs the project's audit_logs triggers in the emulator.
const ROWS = 1_200;
const BASE = Date.parse('2026-01-10T00:00:00.000Z');
// The seeded period. Exports write audit entries into the tenant as they finish (dated now), so
// tests that compare with the seed export exactly this period.
const JANUARY = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };

/** An operator-created job of the auditor over January (small slices, a claimed slice: what no client can ask for). */
function januaryJob(over: Record<string, unknown>): Record<string, unknown> {
  return exportJobDoc(
    tenantA,
    { uid: auditor.uid, role: 'auditor' },
    { filter: JANUARY, filterSummary: 'January', ...over },
  );
}

const HOSTILE = ['=1+1', '+SUM(A1)', '-2+3', '@cmd', 'a, "b"', '東京 北京 서울', "'=quoted", '🔐 emoji', ''];
const FREE_FORM = ['\t=1+1', '\r=2+2', 'line\nbreak\r\nCRLF', '=HYPERLINK("http://evil.example")'];

function entriesOf(tenantId: string, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const hostile = HOSTILE[i % HOSTILE.length]!;
    return builtEntry({
      specVersion: '1.0',
      eventId: `e-${i}`,
      eventType: ['repo.settings_updated', 'auth.login.failed', 'security.key_leaked', 'repo.created'][i % 4],
      tenantId,
      // Some share an instant, so ties are broken by id across pages and slices.
      occurredAt: new Date(BASE + Math.floor(i / 3) * 60_000).toISOString(),
      source: 'repo-service',
      sequence: i,
      actor: { type: 'user', id: `u-${i % 11}`, name: hostile, email: `user${i % 11}@example.com` },
      resource: { type: 'repository', id: `r-${i % 50}`, name: hostile },
      outcome: i % 4 === 1 ? 'failure' : 'success',
      ...(i % 4 === 0
        ? { changes: { before: { title: FREE_FORM[i % FREE_FORM.length], n: 1 }, after: { title: hostile, n: -2.5 } } }
        : {}),
      metadata: { note: FREE_FORM[i % FREE_FORM.length], list: [hostile, null, true, 3] },
      context: { correlationId: `corr-${i}` },
    });
  });
}

const sourceA = entriesOf(tenantA, ROWS);
const expectedA = new Map(sourceA.map((e) => [e.logId, expectedRecord(e)]));
let auditor: { uid: string; idToken: string };

beforeAll(async () => {
  await Promise.all([createTenant(db, tenantA), createTenant(db, tenantB)]);
  await seedEntries(db, sourceA);
  await seedEntries(db, entriesOf(tenantB, 300));
  auditor = await signInWithClaims({ tenantId: tenantA, role: 'auditor' });
});

afterAll(async () => {
  await closeAdminApp();
});

/** Starts an export as `idToken`, waits for it and downloads it; the job data and the file bytes. */
async function exportAndDownload(request: Record<string, unknown>, idToken: string) {
  const { exportId } = await callOk<{ exportId: string }>('startExport', request, idToken);
  const job = await waitForJob(db, 'audit_exports', exportId);
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  const response = await downloadViaLink('export', exportId, idToken);
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { exportId, job, bytes, response };
}

function sortedByOrder(records: ExportRecord[]): boolean {
  return records.every(
    (r, i) =>
      i === 0 ||
      records[i - 1]!.occurredAt > r.occurredAt ||
      (records[i - 1]!.occurredAt === r.occurredAt && records[i - 1]!.logId > r.logId),
  );
}

describe('export rights', () => {
  it('refuses members, reviewers and anonymous callers (permission-denied / unauthenticated)', async () => {
    const member = await signInWithClaims({ tenantId: tenantA, role: 'member' });
    const reviewer = await signInWithClaims({ tenantId: tenantA, role: 'reviewer' });
    expect(await callStatus('startExport', { format: 'csv' }, member.idToken)).toBe('PERMISSION_DENIED');
    expect(await callStatus('startExport', { format: 'csv' }, reviewer.idToken)).toBe('PERMISSION_DENIED');
    expect(await callStatus('startExport', { format: 'csv' })).toBe('UNAUTHENTICATED');
    const queued = await db.collection('audit_exports').where('tenantId', '==', tenantA).get();
    expect(queued.docs.filter((d) => (d.get('requestedBy') as { uid: string }).uid !== auditor.uid)).toHaveLength(0);
  });

  it('takes the tenant from the claims: a request naming another tenant is refused', async () => {
    expect(await callStatus('startExport', { format: 'csv', tenantId: tenantB }, auditor.idToken)).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await callStatus('startExport', { format: 'csv', filter: { tenantId: tenantB } }, auditor.idToken)).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses a filter combination no index serves', async () => {
    const status = await callStatus(
      'startExport',
      { format: 'ndjson', filter: { keyword: 'x', actorId: 'u-1' } },
      auditor.idToken,
    );
    expect(status).toBe('INVALID_ARGUMENT');
  });
});

describe('CSV export', () => {
  it('round-trips through a real CSV parser to exactly the source entries, hostile cells inert, no other tenant', async () => {
    const { job, bytes, response } = await exportAndDownload(
      { format: 'csv', bom: true, filter: JANUARY },
      auditor.idToken,
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('x-content-sha256')).toBe(job.sha256);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(job.sha256);
    expect(job.bytes).toBe(bytes.length);

    const rows = parse(bytes, {
      bom: true,
      cast: (value, context) => ({ value, quoted: context.quoting }),
    }) as unknown as Array<Array<{ value: string; quoted: boolean }>>;
    const cells = rows.flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c.value))).toEqual([]);
    const records = rows.slice(1).map((row) => csvRecord(row));
    expect(records).toHaveLength(ROWS);
    expect(job.rowsWritten).toBe(ROWS);
    expect(records.every((r) => r.tenantId === tenantA)).toBe(true);
    expect(sortedByOrder(records)).toBe(true);
    expect(records).toEqual(records.map((r) => expectedA.get(r.logId)));
    expect(new Set(records.map((r) => r.logId)).size).toBe(ROWS);
  });
});

describe('JSON exports', () => {
  it('JSON array and NDJSON equal the source entries', async () => {
    const json = await exportAndDownload({ format: 'json', filter: JANUARY }, auditor.idToken);
    const array = JSON.parse(json.bytes.toString('utf8')) as ExportRecord[];
    expect(array).toHaveLength(ROWS);
    expect(array).toEqual(array.map((r) => expectedA.get(r.logId)));

    const ndjson = await exportAndDownload(
      { format: 'ndjson', filter: { ...JANUARY, levels: ['WARNING', 'ERROR'] } },
      auditor.idToken,
    );
    const lines = ndjson.bytes
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ExportRecord);
    const wanted = sourceA.filter((e) => e.level === 'WARNING' || e.level === 'ERROR');
    expect(wanted.length).toBeGreaterThan(0);
    expect(lines.map((r) => r.logId).sort()).toEqual(wanted.map((e) => e.logId).sort());
    expect(lines).toEqual(lines.map((r) => expectedA.get(r.logId)));
  });

  it('an operation filter exports exactly what was created, alone and for one resource', async () => {
    const created = sourceA.filter((e) => e.operation === 'CREATE');
    // The seed mixes created, updated and executed entries, so the filter has something to drop.
    expect(created.length).toBeGreaterThan(0);
    expect(created.length).toBeLessThan(ROWS);
    const all = await exportAndDownload(
      { format: 'ndjson', filter: { ...JANUARY, operations: ['CREATE'] } },
      auditor.idToken,
    );
    const lines = all.bytes
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ExportRecord);
    expect(lines.map((r) => r.logId).sort()).toEqual(created.map((e) => e.logId).sort());
    expect(lines).toEqual(lines.map((r) => expectedA.get(r.logId)));
    expect(sortedByOrder(lines)).toBe(true);

    const resource = created[0]!.resource!;
    const one = await exportAndDownload(
      {
        format: 'json',
        filter: { ...JANUARY, operations: ['CREATE'], resourceType: resource.type, resourceId: resource.id },
      },
      auditor.idToken,
    );
    const records = JSON.parse(one.bytes.toString('utf8')) as ExportRecord[];
    const wanted = created.filter((e) => e.resource?.id === resource.id);
    expect(records.map((r) => r.logId).sort()).toEqual(wanted.map((e) => e.logId).sort());

    expect(
      await callStatus('startExport', { format: 'csv', filter: { operations: ['REMOVE'] } }, auditor.idToken),
    ).toBe('INVALID_ARGUMENT');
  });

  it('writes in several slices when the budget runs out, and joins them into one identical file', async () => {
    // An operator-created job with small slices (the callable never lets clients choose this).
    const ref = db.collection('audit_exports').doc();
    const objectPath = `exports/${tenantA}/${ref.id}.json`;
    const whole = await exportAndDownload({ format: 'json', filter: JANUARY }, auditor.idToken);
    await ref.create(
      januaryJob({
        format: 'json',
        sliceRows: 1000,
        objectPath,
        contentType: 'application/json; charset=utf-8',
        fileName: 'sliced.json',
      }),
    );
    const job = await waitForJob(db, 'audit_exports', ref.id);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.parts).toBe(2);
    const [content] = await testBucket()
      .file(job.objectPath as string)
      .download();
    expect(content.equals(whole.bytes)).toBe(true);
    expect(job.sha256).toBe(whole.job.sha256);
    const [files] = await testBucket().getFiles({ prefix: `exports/${tenantA}/${ref.id}.` });
    expect(files.map((f) => f.name)).toEqual([job.objectPath]);
    const download = await downloadViaLink('export', ref.id, auditor.idToken);
    expect(Buffer.from(await download.arrayBuffer()).equals(whole.bytes)).toBe(true);
  });
});

describe('a review-status filter', () => {
  it('exports exactly the entries whose review doc has the status, newest first, with that status', async () => {
    // A tenant of its own: review decisions here must not change the other suites' expectations.
    const tenantC = uniqueTenant('export-review');
    await createTenant(db, tenantC);
    const source = entriesOf(tenantC, 40);
    await seedEntries(db, source);
    const flagged = source.filter((e) => e.requiresReview);
    expect(flagged.length).toBeGreaterThan(5);
    // Review decisions land in the review docs (the server's review functions write there).
    const approved = flagged.slice(0, 3);
    await Promise.all(approved.map((e) => db.collection('audit_reviews').doc(e.logId).update({ status: 'approved' })));
    const auditorC = await signInWithClaims({ tenantId: tenantC, role: 'auditor' });
    const { bytes } = await exportAndDownload(
      { format: 'ndjson', filter: { ...JANUARY, reviewStatuses: ['approved'] } },
      auditorC.idToken,
    );
    const lines = bytes
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ExportRecord);
    expect(lines.map((r) => r.logId).sort()).toEqual(approved.map((e) => e.logId).sort());
    expect(sortedByOrder(lines)).toBe(true);
    expect(lines).toEqual(
      lines.map((r) =>
        expectedRecord(
          source.find((e) => e.logId === r.logId)!,
          'approved',
        ),
      ),
    );

    // Every other entry keeps its seeded status in an unfiltered export of the period.
    const all = await exportAndDownload({ format: 'json', filter: JANUARY }, auditorC.idToken);
    const records = JSON.parse(all.bytes.toString('utf8')) as ExportRecord[];
    const done = new Set(approved.map((e) => e.logId));
    expect(records).toEqual(
      records.map((r) => {
        const e = source.find((x) => x.logId === r.logId)!;
        return expectedRecord(e, done.has(e.logId) ? 'approved' : undefined);
      }),
    );

    // A review status combines only with what audit_reviews copies (level, category).
    expect(
      await callStatus(
        'startExport',
        { format: 'ndjson', filter: { reviewStatuses: ['pending'], keyword: 'x' } },
        auditorC.idToken,
      ),
    ).toBe('INVALID_ARGUMENT');
  });
});

describe('tenant isolation and downloads', () => {
  it('never includes another tenant: the other tenant exports only its own rows', async () => {
    const adminB = await signInWithClaims({ tenantId: tenantB, role: 'admin' });
    const { bytes, job } = await exportAndDownload({ format: 'ndjson', filter: JANUARY }, adminB.idToken);
    const lines = bytes
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ExportRecord);
    expect(lines).toHaveLength(300);
    expect(job.rowsWritten).toBe(300);
    expect(new Set(lines.map((r) => r.tenantId))).toEqual(new Set([tenantB]));
  });

  it('serves a link once, and never to another tenant', async () => {
    const { exportId } = await callOk<{ exportId: string }>(
      'startExport',
      { format: 'ndjson', filter: { levels: ['CRITICAL'] } },
      auditor.idToken,
    );
    await waitForJob(db, 'audit_exports', exportId);
    const link = await callOk<{ path: string }>(
      'createDownloadLink',
      { kind: 'export', id: exportId },
      auditor.idToken,
    );
    expect((await fetch(`${FUNCTIONS_BASE}/${link.path}`)).status).toBe(200);
    expect((await fetch(`${FUNCTIONS_BASE}/${link.path}`)).status).toBe(410);

    const outsider = await signInWithClaims({ tenantId: tenantB, role: 'admin' });
    expect(await callStatus('createDownloadLink', { kind: 'export', id: exportId }, outsider.idToken)).toBe(
      'NOT_FOUND',
    );
    const direct = (token: string) =>
      fetch(`${FUNCTIONS_BASE}/downloadExport?kind=export&id=${exportId}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
    expect((await direct(outsider.idToken)).status).toBe(404);
    expect((await direct(auditor.idToken)).status).toBe(200);
    expect((await fetch(`${FUNCTIONS_BASE}/downloadExport?kind=export&id=${exportId}`)).status).toBe(401);
  });
});

describe('cancelExport', () => {
  it("cancels an active export of the caller's tenant once, audited; refuses others", async () => {
    // A job a worker is busy with (claimed), created as an operator would; no worker touches it.
    const ref = db.collection('audit_exports').doc();
    await ref.create(
      januaryJob({
        state: 'running',
        rowsWritten: 500,
        bytes: 1000,
        claimedSlice: 0,
        objectPath: `exports/${tenantA}/${ref.id}.csv`,
      }),
    );
    const outsider = await signInWithClaims({ tenantId: tenantB, role: 'admin' });
    expect(await callStatus('cancelExport', { id: ref.id }, outsider.idToken)).toBe('NOT_FOUND');
    expect(await callOk<{ state: string }>('cancelExport', { id: ref.id }, auditor.idToken)).toEqual({
      state: 'canceled',
    });
    expect((await ref.get()).get('state')).toBe('canceled');
    expect(await callStatus('cancelExport', { id: ref.id }, auditor.idToken)).toBe('FAILED_PRECONDITION');
    const audited = await auditEntries(db, tenantA, 'compliance.export.canceled');
    expect(audited.find((e) => (e.resource as { id: string }).id === ref.id)?.actor).toMatchObject({ id: auditor.uid });
  });
});

describe('audit of the auditors', () => {
  it('records a COMPLIANCE entry per finished export with who, filter, rows and file hash', async () => {
    const { exportId, job } = await exportAndDownload(
      { format: 'csv', filter: { categories: ['SECURITY'] } },
      auditor.idToken,
    );
    const entry = await waitFor(
      async () =>
        (await auditEntries(db, tenantA, 'compliance.export.completed')).find(
          (e) => (e.resource as { id: string }).id === exportId,
        ),
      (e) => e !== undefined,
      { what: 'the export audit entry' },
    );
    expect(entry!.category).toBe('COMPLIANCE');
    expect((entry!.actor as { id: string }).id).toBe(auditor.uid);
    const metadata = entry!.metadata as Record<string, unknown>;
    expect(metadata.rows).toBe(job.rowsWritten);
    expect(metadata.sha256).toBe(job.sha256);
    expect(metadata.filter).toBe('category SECURITY');
    expect(job.rowsWritten).toBe(sourceA.filter((e) => e.category === 'SECURITY').length);
    const downloads = await auditEntries(db, tenantA, 'compliance.export.downloaded');
    expect(downloads.some((e) => (e.resource as { id: string }).id === exportId)).toBe(true);
  });
});
