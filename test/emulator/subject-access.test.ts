import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain';
import { WITHHELD } from '../../functions/src/domain/export';
import { ERASED } from '../../functions/src/domain/privacy';
import { DataKeyStore } from '../../functions/src/privacy/data-keys';
import { runTieringJob } from '../../functions/src/tiering/job';
import { callCallable, postEvents, seedKey, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { auditEntries, callOk, downloadViaLink, waitForJob } from '../support/exports';
import { waitForDoc } from '../support/ingest-paths';
import { devKek, devKekSecret, sealedEntries } from '../support/privacy';
import { countExisting, createTenant, dateDaysAgo, seed, tieringDeps } from '../support/tiering';

// A subject access export (`gdpr_export`) end to end: a sealing tenant holds a person's entries
// in both tiers (a day archived to Parquet, and live ones), as actor and as the user others acted
// upon, among another person's. The export holds exactly that person's entries, each once, with
// their personal fields opened; its PDF summary agrees with it and names its hash; the request and
// the result are COMPLIANCE entries naming the subject by reference. After the person's erasure,
// the same export still lists every entry, with the personal fields erased.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'FIREBASE_AUTH');
const db = adminDb();
process.env.AUDIT_PERSONAL_DATA_KEK = devKekSecret();

const tenant = uniqueTenant('sar');
const archivedDay = dateDaysAgo(40);
const ADA = { type: 'user', id: 'u-ada', name: 'Ada Lovelace', email: 'ada@example.com', ip: '203.0.113.7' };
const GRACE = { type: 'user', id: 'u-grace', name: 'Grace Hopper', email: 'grace@example.com' };
const ADMIN = { type: 'user', id: 'u-admin', name: 'Org Admin', email: 'admin@example.com' };
const OUT = mkdtempSync(join(tmpdir(), 'subject-access-'));

/** An event of `actor` on `resource`. */
function envelope(
  actor: Record<string, unknown>,
  eventId: string,
  occurredAt: string,
  resource: Record<string, unknown> = { type: 'repository', id: `r-${eventId}` },
): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId,
    eventType: resource.type === 'user' ? 'org.member.updated' : 'repo.created',
    tenantId: tenant,
    occurredAt,
    source: 'repo-service',
    actor,
    resource,
  };
}

const onAda = { type: 'user', id: 'u-ada' };
/** Expected rows of Ada's export, by log id: how each concerns her and its tier. */
const expected = new Map<string, { relation: string; tier: string }>();
const graceIds: string[] = [];
let officer: string;
let secondOfficer: string;
let auditor: string;

beforeAll(async () => {
  await createTenant(db, tenant, 30);
  await db
    .collection('tenants')
    .doc(tenant)
    .set({ privacy: { encryptPersonalData: true } }, { merge: true });
  const at = (minute: number) => new Date(Date.parse(`${archivedDay}T10:00:00.000Z`) + minute * 60_000).toISOString();
  const old = [
    envelope(ADA, 'old-ada-1', at(1)),
    envelope(GRACE, 'old-grace', at(2)),
    envelope(ADMIN, 'old-admin-on-ada', at(3), onAda),
    envelope(ADA, 'old-ada-2', at(4)),
    envelope(ADMIN, 'old-admin-on-grace', at(5), { type: 'user', id: 'u-grace' }),
  ];
  const archived = await sealedEntries(old, new DataKeyStore(db, devKek()));
  await seed(db, archived);
  const tiering = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
  expect(tiering.failures).toBe(0);
  expect(
    await countExisting(
      db,
      archived.map((e) => e.logId),
    ),
  ).toBe(0);

  const now = new Date().toISOString();
  const live = [
    envelope(ADA, 'live-ada', now),
    envelope(GRACE, 'live-grace', now),
    envelope(ADMIN, 'live-admin-on-ada', now, onAda),
    envelope(ADA, 'live-ada-on-self', now, onAda),
  ];
  const posted = await postEvents(await seedKey(db, tenant), { events: live });
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  for (const e of live) {
    const logId = logIdFor(tenant, 'repo-service', e.eventId as string);
    await waitForDoc(db.collection('audit_logs').doc(logId), logId, 60_000);
  }

  const id = (e: Record<string, unknown>) => logIdFor(tenant, 'repo-service', e.eventId as string);
  expected.set(id(old[0]!), { relation: 'actor', tier: 'archive' });
  expected.set(id(old[3]!), { relation: 'actor', tier: 'archive' });
  expected.set(id(old[2]!), { relation: 'resource', tier: 'archive' });
  expected.set(id(live[0]!), { relation: 'actor', tier: 'warm' });
  expected.set(id(live[3]!), { relation: 'actor', tier: 'warm' });
  expected.set(id(live[2]!), { relation: 'resource', tier: 'warm' });
  graceIds.push(id(old[1]!), id(old[4]!), id(live[1]!));

  officer = (await signInWithClaims({ tenantId: tenant, role: 'compliance' })).idToken;
  secondOfficer = (await signInWithClaims({ tenantId: tenant, role: 'compliance' })).idToken;
  auditor = (await signInWithClaims({ tenantId: tenant, role: 'auditor' })).idToken;
}, 240_000);

afterAll(async () => {
  await closeAdminApp();
});

interface SubjectFile {
  format: string;
  subject: string;
  count: number;
  entries: Array<{ relation: string; tier: string; logId: string; actor: Record<string, unknown> }>;
}

/** Runs a subject access export of `subject` to the end; its job, file and PDF summary. */
async function subjectAccessExport(subject: string, name: string) {
  const started = await callOk<{ exportId: string; logId: string }>(
    'startSubjectAccessExport',
    { subject, reason: 'data subject request #42 (art. 15)' },
    officer,
  );
  const job = await waitForJob(db, 'audit_exports', started.exportId, 180_000);
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  const response = await downloadViaLink('export', started.exportId, officer);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(createHash('sha256').update(text).digest('hex')).toBe(job.sha256);
  const report = (await db.collection('audit_reports').doc(String(job.summaryReportId)).get()).data() as Record<
    string,
    unknown
  >;
  const pdfResponse = await downloadViaLink('report', String(job.summaryReportId), officer);
  expect(pdfResponse.status).toBe(200);
  const pdf = Buffer.from(await pdfResponse.arrayBuffer());
  const file = join(OUT, `${name}.pdf`);
  writeFileSync(file, pdf);
  const pdfText = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { started, job, file: JSON.parse(text) as SubjectFile, report, pdf, pdfText };
}

describe('subject access export', () => {
  let first: Awaited<ReturnType<typeof subjectAccessExport>>;

  it("holds exactly the subject's entries from both tiers, each once, as actor and acted upon", async () => {
    first = await subjectAccessExport('u-ada', 'ada');
    const { file } = first;
    expect(file).toMatchObject({ format: 'audit-log.subject-access.v1', subject: 'u-ada', count: expected.size });
    const got = new Map(file.entries.map((e) => [e.logId, { relation: e.relation, tier: e.tier }]));
    expect(got.size).toBe(file.entries.length);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
    for (const id of graceIds) expect(got.has(id)).toBe(false);
  });

  it("opens the subject's sealed fields for the officer, and withholds everyone else's", () => {
    const text = JSON.stringify(first.file);
    expect(text).not.toContain('enc:v1:');
    for (const other of ['grace@example.com', 'Grace Hopper', 'admin@example.com', 'Org Admin']) {
      expect(text).not.toContain(other);
    }
    const asActor = first.file.entries.filter((e) => e.relation === 'actor');
    for (const e of asActor) expect(e.actor).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    const actedUpon = first.file.entries.filter((e) => e.relation === 'resource');
    for (const e of actedUpon)
      expect(e.actor).toEqual({ type: 'user', id: 'u-admin', name: WITHHELD, email: WITHHELD });
  });

  it('comes with a PDF summary that agrees with the file and names its hash', () => {
    const { report, pdf, pdfText, job } = first;
    expect(report).toMatchObject({ kind: 'subject_access', state: 'succeeded', entries: expected.size });
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(report.sha256);
    const words = pdfText.replace(/\s+/g, ' ');
    expect(words).toContain('Subject access export');
    expect(words).toContain('u-ada');
    expect(words).toContain('ada@example.com');
    expect(words).not.toContain('grace@example.com');
    expect(words).toContain(String(job.sha256));
    expect(words).toContain('6 4 2 Entries As actor Acted upon');
    expect(words).toContain('3 3 0 Warm tier Archive Personal fields erased');
  });

  it('is recorded when requested and when done, naming the subject by reference only', async () => {
    const { started, job, report } = first;
    const requested = await waitFor(
      () => auditEntries(db, tenant, 'compliance.gdpr_export.requested'),
      (found) => found.some((e) => e.logId === started.logId),
      { what: 'the gdpr_export.requested entry' },
    );
    const completed = await waitFor(
      () => auditEntries(db, tenant, 'compliance.gdpr_export.completed'),
      (found) => found.some((e) => (e.metadata as Record<string, unknown>).exportId === started.exportId),
      { what: 'the gdpr_export.completed entry' },
    );
    const done = completed.find((e) => (e.metadata as Record<string, unknown>).exportId === started.exportId)!;
    expect(done).toMatchObject({
      category: 'COMPLIANCE',
      resource: { type: 'data_subject' },
      metadata: { rows: expected.size, sha256: job.sha256, summarySha256: report.sha256 },
    });
    const request = requested.find((e) => e.logId === started.logId)!;
    expect((request.resource as { id: string }).id).toBe((done.resource as { id: string }).id);
    for (const entry of [request, done]) expect(JSON.stringify(entry)).not.toContain('u-ada');
  });

  it('is refused to roles that may not answer data subject requests, and to bad input, field by field', async () => {
    const denied = await callCallable('startSubjectAccessExport', { subject: 'u-ada', reason: 'curious' }, auditor);
    expect((denied.body.error as { status?: string }).status).toBe('PERMISSION_DENIED');
    const member = (await signInWithClaims({ tenantId: tenant, role: 'member' })).idToken;
    const refused = await callCallable('startSubjectAccessExport', { subject: 'u-ada', reason: 'curious' }, member);
    expect((refused.body.error as { status?: string }).status).toBe('PERMISSION_DENIED');
    const bad = await callCallable(
      'startSubjectAccessExport',
      { subject: '', reason: 'x', tenantId: 'other' },
      officer,
    );
    expect(bad.status).toBe(400);
    const paths = ((bad.body.error as { details?: { errors?: Array<{ path: string }> } }).details?.errors ?? []).map(
      (e) => e.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['subject', 'reason']));
  });

  it('still lists every entry after the subject is erased, with the personal fields erased', async () => {
    const { erasureId } = await callOk<{ erasureId: string }>(
      'requestErasure',
      { subject: 'u-ada', reason: 'data subject request #43 (art. 17)' },
      officer,
    );
    await callOk('approveErasure', { erasureId }, secondOfficer);
    // Other instances forget the destroyed key within their cache's lifetime (docs/privacy.md).
    const after = await waitFor(
      () => subjectAccessExport('u-ada', 'ada-erased'),
      (r) => !JSON.stringify(r.file).includes('ada@example.com'),
      { timeoutMs: 120_000, intervalMs: 1000, what: 'an export without the erased values' },
    );
    expect(after.file.count).toBe(expected.size);
    for (const e of after.file.entries.filter((row) => row.relation === 'actor')) {
      expect(e.actor).toMatchObject({ id: 'u-ada', email: ERASED, name: ERASED });
    }
    expect(after.pdfText.replace(/\s+/g, ' ')).toMatch(/show as erased/);
    expect(after.pdfText).not.toContain('ada@example.com');
  });
});
