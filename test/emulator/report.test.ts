import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  waitForJob,
} from '../support/exports';
import { createTenant } from '../support/ingest-paths';
import { scheduleMonthlyReports } from '../../functions/src/reports/functions';

// PDF compliance reports end to end: the callable queues a report, the worker reads the period,
// renders the PDF (charts, CJK text, page numbers) and stores it with its SHA-256; the file is
// read back with poppler (pdfinfo, pdftotext) and a page is rendered to PNG for a person to see.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();
const tenant = uniqueTenant('report');
const other = uniqueTenant('report-other');
const OUT = join(__dirname, '../../test-results/reports');
const JAN = { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };
const EXPORT_SHA = 'ab'.repeat(32);

let serial = 0;
function event(tenantId: string, at: string, fields: Record<string, unknown>) {
  serial++;
  return builtEntry({
    specVersion: '1.0',
    eventId: `r-${serial}`,
    tenantId,
    occurredAt: at,
    source: 'repo-service',
    actor: { type: 'user', id: `u-${serial % 4}`, name: '山田 太郎' },
    resource: { type: 'repository', id: 'r-1', name: '北京リポジトリ' },
    ...fields,
  });
}

const day = (d: number, h = 10) => new Date(Date.UTC(2026, 0, d, h)).toISOString();

function seed(tenantId: string) {
  return [
    ...Array.from({ length: 30 }, (_, i) => event(tenantId, day(1 + (i % 28)), { eventType: 'auth.user.login' })),
    ...Array.from({ length: 8 }, (_, i) =>
      event(tenantId, day(2 + i), { eventType: 'auth.login.failed', outcome: 'failure' }),
    ),
    ...Array.from({ length: 5 }, (_, i) =>
      event(tenantId, day(10 + i), {
        eventType: 'security.key_leaked',
        actor: { type: 'user', id: 'u-li', name: '李明' },
      }),
    ),
    ...Array.from({ length: 3 }, (_, i) =>
      event(tenantId, day(20 + i), {
        eventType: 'repo.visibility_changed',
        changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
      }),
    ),
    event(tenantId, day(15), {
      eventType: 'compliance.export.completed',
      resource: { type: 'audit_export', id: 'x-1' },
      metadata: { format: 'csv', rows: 1234, sha256: EXPORT_SHA, filter: 'level CRITICAL' },
    }),
    // Outside the period: never counted.
    event(tenantId, '2026-02-03T00:00:00.000Z', { eventType: 'security.key_leaked' }),
    event(tenantId, '2025-12-31T23:59:59.000Z', { eventType: 'security.key_leaked' }),
  ];
}

let compliance: { uid: string; email: string; idToken: string };

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  await Promise.all([
    createTenant(db, tenant, { name: '株式会社テスト', retentionDays: 120 }),
    createTenant(db, other),
  ]);
  await seedEntries(db, seed(tenant));
  await seedEntries(db, seed(other).slice(0, 20));
  compliance = await signInWithClaims({ tenantId: tenant, role: 'compliance' });
});

afterAll(async () => {
  await closeAdminApp();
});

/** Generates a report, waits for it, downloads it and reads it back with poppler. */
async function generate(kind: string, extra: Record<string, unknown> = {}, name = kind) {
  const { reportId } = await callOk<{ reportId: string }>(
    'generateReport',
    { kind, ...JAN, ...extra },
    compliance.idToken,
  );
  const record = await waitForJob(db, 'audit_reports', reportId, 120_000);
  expect(record.state, JSON.stringify(record.error)).toBe('succeeded');
  const response = await downloadViaLink('report', reportId, compliance.idToken);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  const pdf = Buffer.from(await response.arrayBuffer());
  const file = join(OUT, `${name}.pdf`);
  writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
  return { reportId, record, pdf, file, info, text, fonts };
}

describe('security report', () => {
  it('holds the period figures, CJK text, page numbers and its recorded hash; a page is rendered to PNG', async () => {
    const { reportId, record, pdf, file, info, text, fonts } = await generate('security');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(record.sha256);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBe(record.pages);
    expect(pages).toBeGreaterThanOrEqual(3);
    // Five security events and three CRITICAL visibility changes in January; none outside it.
    expect(record.entries).toBe(8);
    expect(text).toContain('Security report');
    expect(text).toContain(tenant);
    expect(text).toContain('株式会社テスト');
    expect(text).toContain('2026-01-01 00:00:00 to 2026-02-01 00:00:00');
    expect(text).toMatch(/8\s+8\s+0\s+0\s*\n\s*Entries\s+Critical\s+Errors\s+Warnings/);
    expect(text).toContain('李明');
    expect(text).toContain('security.key_leaked');
    expect(text).toContain('repo.visibility_changed');
    expect(text).toContain(`Page 1 of ${pages}`);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain(`audit_reports/${reportId}`);
    expect(text).not.toContain('auth.login.failed');
    // Fonts are embedded (subsets), including the CJK one.
    expect(fonts).toMatch(/NotoSansCJK\S*\s.*\syes\s+yes/);
    execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '2', file, join(OUT, 'security')]);

    const audited = await waitFor(
      async () =>
        (await auditEntries(db, tenant, 'compliance.report.generated')).find(
          (e) => (e.resource as { id: string }).id === reportId,
        ),
      (e) => e !== undefined,
      { what: 'the report audit entry' },
    );
    expect(audited!.category).toBe('COMPLIANCE');
    expect((audited!.metadata as Record<string, unknown>).sha256).toBe(record.sha256);
    expect((audited!.actor as { id: string }).id).toBe(compliance.uid);
  });
});

describe('a report limited to operations', () => {
  it('counts only entries with those operations, and says so on its cover', async () => {
    // January's change-report entries are the three visibility changes: all UPDATE, none DELETE.
    const updates = await generate('change', { operations: ['UPDATE'] }, 'change-updates');
    expect(updates.record.entries).toBe(3);
    expect(updates.record.operations).toEqual(['UPDATE']);
    // pdftotext wraps the cover's scope sentence, so words are compared with spacing folded.
    expect(updates.text.replace(/\s+/g, ' ')).toContain('Only UPDATE operations.');
    const deletions = await generate('change', { operations: ['DELETE'] }, 'change-deletions');
    expect(deletions.record.entries).toBe(0);
    expect(deletions.text.replace(/\s+/g, ' ')).toContain('Only DELETE operations.');
    expect(
      await callStatus('generateReport', { kind: 'change', ...JAN, operations: ['WIPE'] }, compliance.idToken),
    ).toBe('INVALID_ARGUMENT');
  });
});

describe('compliance report', () => {
  it('lists the exports of the period with rows and file hash, and the retention state', async () => {
    const { text, record } = await generate('compliance');
    expect(text).toContain('Compliance report');
    expect(text).toContain('1,234');
    // The hash is printed in two halves of 32 hex digits.
    expect(text).toContain(EXPORT_SHA.slice(0, 32));
    expect(text).toContain(EXPORT_SHA.slice(32));
    expect(text).toContain('120 days');
    expect((record.figures as Array<{ label: string; value: string }>).find((f) => f.label === 'Exports')?.value).toBe(
      '1',
    );
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '70',
      '-f',
      '3',
      '-l',
      '3',
      join(OUT, 'compliance.pdf'),
      join(OUT, 'compliance'),
    ]);
  });
});

describe('monthly reports', () => {
  it('queue last month once per tenant that asks, and are generated by the schedule', async () => {
    await db
      .collection('tenants')
      .doc(tenant)
      .set({ monthlyReports: ['security'] }, { merge: true });
    const now = new Date('2026-02-10T03:00:00.000Z');
    const queued = (await scheduleMonthlyReports(db, now)).filter((id) => id.endsWith(tenant));
    expect(queued).toEqual([`monthly-security-2026-01-${tenant}`]);
    expect((await scheduleMonthlyReports(db, now)).filter((id) => id.endsWith(tenant))).toEqual([]);
    const record = await waitForJob(db, 'audit_reports', queued[0]!, 120_000);
    expect(record.state, JSON.stringify(record.error)).toBe('succeeded');
    expect(record.entries).toBe(8);
    expect(record.scheduled).toBe(true);
    const audited = await waitFor(
      async () =>
        (await auditEntries(db, tenant, 'compliance.report.generated')).find(
          (e) => (e.resource as { id: string }).id === queued[0],
        ),
      (e) => e !== undefined,
      { what: 'the scheduled report audit entry' },
    );
    expect(audited!.actor).toMatchObject({ type: 'system', id: 'scheduler' });
  });
});

describe('report rights', () => {
  it('only admin and compliance may generate reports', async () => {
    const auditor = await signInWithClaims({ tenantId: tenant, role: 'auditor' });
    const member = await signInWithClaims({ tenantId: tenant, role: 'member' });
    expect(await callStatus('generateReport', { kind: 'access', ...JAN }, auditor.idToken)).toBe('PERMISSION_DENIED');
    expect(await callStatus('generateReport', { kind: 'access', ...JAN }, member.idToken)).toBe('PERMISSION_DENIED');
    expect(await callStatus('generateReport', { kind: 'nope', ...JAN }, compliance.idToken)).toBe('INVALID_ARGUMENT');
  });
});
