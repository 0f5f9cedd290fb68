import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTieringJob } from '../../functions/src/tiering/job';
import { getEvents, seedKey, signInWithClaims } from '../support/api-client';
import { call, fails, ok } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, dateDaysAgo, entriesOn, seed, tieringDeps } from '../support/tiering';

// Reads of the audit log are entries of the log: one per query or entry opened, never per row,
// and reading those entries is recorded like any other read, once per query.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();

const tenant = uniqueTenant('reads');
const other = uniqueTenant('reads-other');
const LOG_ID = '0123456789abcdef0123456789abcdef';
let auditor: { uid: string; idToken: string };
let apiKey: string;

/** The tenant's entries of one event type, as stored. */
async function entriesOf(eventType: string): Promise<Array<Record<string, unknown> & { id: string }>> {
  const snap = await db
    .collection('audit_logs')
    .where('tenantId', '==', tenant)
    .where('eventType', '==', eventType)
    .get();
  return snap.docs.map((d) => ({ id: d.id, ...d.data() }));
}

/** How many entries of each read type the tenant holds now. */
async function readCounts(): Promise<Record<string, number>> {
  const types = ['audit.log.searched', 'audit.entry.viewed', 'audit.archive.searched', 'api.events.listed'];
  const counts = await Promise.all(types.map(async (t) => [t, (await entriesOf(t)).length] as const));
  return Object.fromEntries(counts);
}

const searchReport = (extra: Record<string, unknown> = {}) => ({
  tenantId: tenant,
  kind: 'search',
  view: 'log_search',
  filters: { range: '30d', level: ['CRITICAL'] },
  returned: 4,
  ...extra,
});

beforeAll(async () => {
  await createTenant(db, tenant);
  await createTenant(db, other);
  // Two archived days, so a cold search has pages to turn.
  await seed(db, [...entriesOn(tenant, dateDaysAgo(150), 5, 'r'), ...entriesOn(tenant, dateDaysAgo(140), 5, 'r')]);
  const report = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
  expect(report.failures).toBe(0);
  auditor = await signInWithClaims({ tenantId: tenant, role: 'auditor' });
  apiKey = await seedKey(db, tenant, ['read']);
}, 120_000);

afterAll(async () => {
  await closeAdminApp();
});

describe('recordAccess', () => {
  it('records one console search as one DATA_ACCESS entry of the tenant, filters and not rows', async () => {
    const before = await readCounts();
    const answer = await ok<{ auditLogId: string; duplicate: boolean }>(
      'recordAccess',
      searchReport(),
      auditor.idToken,
    );
    expect(answer.duplicate).toBe(false);
    expect(await readCounts()).toEqual({ ...before, 'audit.log.searched': before['audit.log.searched']! + 1 });
    const entry = (await db.collection('audit_logs').doc(answer.auditLogId).get()).data()!;
    expect(entry).toMatchObject({
      tenantId: tenant,
      eventType: 'audit.log.searched',
      source: 'audit-access',
      category: 'DATA_ACCESS',
      level: 'INFO',
      requiresReview: false,
      actor: { type: 'user', id: auditor.uid },
      changes: { after: { view: 'log_search', filters: { range: ['30d'], level: ['CRITICAL'] }, returned: 4 } },
    });
  });

  it('records a retried report once', async () => {
    const requestId = `retry-${Date.now().toString(36)}-0000000`;
    const first = await ok<{ auditLogId: string; duplicate: boolean }>(
      'recordAccess',
      { tenantId: tenant, kind: 'entry_view', view: 'entry_detail', logId: LOG_ID, requestId },
      auditor.idToken,
    );
    const again = await ok<{ auditLogId: string; duplicate: boolean }>(
      'recordAccess',
      { tenantId: tenant, kind: 'entry_view', view: 'entry_detail', logId: LOG_ID, requestId },
      auditor.idToken,
    );
    expect(again).toEqual({ auditLogId: first.auditLogId, duplicate: true });
    const views = (await entriesOf('audit.entry.viewed')).filter((e) => e.id === first.auditLogId);
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ resource: { type: 'audit_log_entry', id: LOG_ID } });
  });

  it('refuses anonymous callers, members, and readers of another tenant, recording nothing', async () => {
    const before = await readCounts();
    expect((await fails('recordAccess', searchReport())).status).toBe('UNAUTHENTICATED');
    const member = await signInWithClaims({ tenantId: tenant, role: 'member' });
    expect((await fails('recordAccess', searchReport(), member.idToken)).code).toBe('permission_denied');
    const stranger = await signInWithClaims({ tenantId: other, role: 'admin' });
    expect((await fails('recordAccess', searchReport(), stranger.idToken)).code).toBe('permission_denied');
    expect(await readCounts()).toEqual(before);
  });

  it('lets a platform admin record a read of the tenant in view', async () => {
    const platform = await signInWithClaims({ platformAdmin: true });
    const answer = await ok<{ auditLogId: string }>('recordAccess', searchReport(), platform.idToken);
    const entry = (await db.collection('audit_logs').doc(answer.auditLogId).get()).data()!;
    expect(entry).toMatchObject({ tenantId: tenant, actor: { id: platform.uid, roles: ['platformAdmin'] } });
  });

  it('refuses hostile and oversized input with field-level errors, recording nothing', async () => {
    const before = await readCounts();
    const cases: Array<[unknown, string[]]> = [
      [{ ...searchReport(), kind: 'export' }, ['kind']],
      [{ ...searchReport(), filters: { keyword: 'x'.repeat(5000) } }, ['filters.keyword']],
      [{ ...searchReport(), filters: { level: Array.from({ length: 50 }, () => 'INFO') } }, ['filters.level']],
      [
        { ...searchReport(), filters: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'x'])) },
        ['filters'],
      ],
      [{ ...searchReport(), filters: { 'a.b': 'x' } }, ['filters.a.b']],
      [{ ...searchReport(), filters: { level: { $gt: '' } } }, ['filters.level']],
      [{ tenantId: tenant, kind: 'entry_view', view: 'entry_detail', logId: '../../tenants/x' }, ['logId']],
      [{ ...searchReport(), results: ['everything'] }, ['']],
      ['not an object', ['']],
    ];
    for (const [data, paths] of cases) {
      const error = await fails('recordAccess', data, auditor.idToken);
      expect(error.code, JSON.stringify(data).slice(0, 80)).toBe('invalid_argument');
      expect(error.errors?.map((e) => e.path)).toEqual(paths);
    }
    expect(await readCounts()).toEqual(before);
  });

  it('never records a hostile key, however the transport decodes it', async () => {
    // JSON carries `__proto__` as an own property; the callable's decoding drops it on the way
    // (assigning it sets no field), and the schema refuses it should it ever arrive.
    const proto = await call<{ auditLogId: string }>(
      'recordAccess',
      JSON.parse(`{"tenantId":"${tenant}","kind":"search","view":"log_search","filters":{"__proto__":{"x":1}}}`),
      auditor.idToken,
    );
    if (!proto.ok) {
      expect(proto.error.code).toBe('invalid_argument');
      return;
    }
    const entry = (await db.collection('audit_logs').doc(proto.result.auditLogId).get()).data()!;
    const filters = (entry.changes as { after: { filters: Record<string, unknown> } }).after.filters;
    expect(Object.getOwnPropertyNames(filters)).toEqual([]);
  });
});

describe('cold search', () => {
  it('records exactly one access entry per searchArchives call, whatever it returns', async () => {
    const before = await readCounts();
    const first = await ok<{ entries: unknown[]; nextCursor: string | null }>(
      'searchArchives',
      { pageSize: 3 },
      auditor.idToken,
    );
    expect(first.entries).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    expect(await readCounts()).toEqual({
      ...before,
      'audit.archive.searched': before['audit.archive.searched']! + 1,
    });
    await ok('searchArchives', { pageSize: 3, cursor: first.nextCursor }, auditor.idToken);
    const recorded = await entriesOf('audit.archive.searched');
    expect(recorded).toHaveLength(before['audit.archive.searched']! + 2);
    const continued = recorded.map((e) => (e.changes as { after: { continued: boolean; returned: number } }).after);
    expect(continued).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ continued: false, returned: 3, more: true }),
        expect.objectContaining({ continued: true, returned: 3 }),
      ]),
    );
  });

  it('records nothing for a refused search', async () => {
    const before = await readCounts();
    const member = await signInWithClaims({ tenantId: tenant, role: 'member' });
    expect((await call('searchArchives', {}, member.idToken)).ok).toBe(false);
    expect((await call('searchArchives', { levels: ['LOUD'] }, auditor.idToken)).ok).toBe(false);
    expect(await readCounts()).toEqual(before);
  });
});

describe('a console query that reaches the archive', () => {
  type Page = { entries: unknown[]; nextCursor: string | null };
  let n = 0;
  const newQueryId = () => `query-${Date.now().toString(36)}-${(n++).toString().padStart(6, '0')}`;

  /** Every page of one cold request, sent in turn with its cursor as the console does. */
  async function allPages(request: Record<string, unknown>, idToken = auditor.idToken): Promise<number> {
    let pages = 0;
    let cursor: string | null = null;
    do {
      const page: Page = await ok<Page>('searchArchives', cursor ? { ...request, cursor } : request, idToken);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    return pages;
  }

  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

  it('records its pages and its report as one entry when the archive is read first', async () => {
    const before = await readCounts();
    const queryId = newQueryId();
    const request = { pageSize: 3, queryId };
    expect(await allPages(request)).toBeGreaterThanOrEqual(3);
    const report = await ok<{ auditLogId: string; duplicate: boolean }>(
      'recordAccess',
      searchReport({ filters: { range: 'all' }, archive: { queryId, request } }),
      auditor.idToken,
    );
    expect(report.duplicate).toBe(true);
    const after = await readCounts();
    expect(total(after)).toBe(total(before) + 1);
    const entry = (await db.collection('audit_logs').doc(report.auditLogId).get()).data()!;
    expect(entry).toMatchObject({
      eventType: 'audit.archive.searched',
      changes: { after: { queryId, filters: {}, continued: false } },
    });
  });

  it('records its report and its pages as one entry when the report comes first', async () => {
    const before = await readCounts();
    const queryId = newQueryId();
    const request = { pageSize: 4, queryId };
    const report = await ok<{ auditLogId: string; duplicate: boolean }>(
      'recordAccess',
      searchReport({ filters: { range: 'all' }, archive: { queryId, request } }),
      auditor.idToken,
    );
    expect(report.duplicate).toBe(false);
    expect(await allPages(request)).toBeGreaterThanOrEqual(3);
    expect(await readCounts()).toEqual({ ...before, 'audit.log.searched': before['audit.log.searched']! + 1 });
    const entry = (await db.collection('audit_logs').doc(report.auditLogId).get()).data()!;
    expect(entry).toMatchObject({ changes: { after: { queryId, archive: {}, filters: { range: ['all'] } } } });
  });

  it('records an archived entry view and its archive read as one entry', async () => {
    const [archived] = (await ok<Page>('searchArchives', { pageSize: 1 }, auditor.idToken)).entries as Array<{
      logId: string;
      occurredAt: string;
    }>;
    const day = archived!.occurredAt.slice(0, 10);
    const before = await readCounts();
    const queryId = newQueryId();
    const request = {
      from: `${day}T00:00:00.000Z`,
      to: new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString(),
      logId: archived!.logId,
      pageSize: 1,
      queryId,
    };
    expect((await ok<Page>('searchArchives', request, auditor.idToken)).entries).toHaveLength(1);
    const view = await ok<{ auditLogId: string; duplicate: boolean }>(
      'recordAccess',
      {
        tenantId: tenant,
        kind: 'entry_view',
        view: 'entry_detail',
        logId: archived!.logId,
        archive: { queryId, request },
      },
      auditor.idToken,
    );
    expect(view.duplicate).toBe(true);
    expect(total(await readCounts())).toBe(total(before) + 1);
  });

  it('records again a recorded query id sent with another filter, or by another reader (nothing read unrecorded)', async () => {
    const queryId = newQueryId();
    await allPages({ pageSize: 5, queryId });
    const before = await readCounts();
    // The same query id, a narrower filter: a read the first record does not describe.
    await ok<Page>('searchArchives', { pageSize: 5, queryId, keyword: 'r' }, auditor.idToken);
    // A report claiming the query's archive part, but with another filter, is a record of its own too.
    await ok('recordAccess', searchReport({ archive: { queryId, request: { levels: ['ERROR'] } } }), auditor.idToken);
    // Another reader cannot ride on the first reader's record.
    const other = await signInWithClaims({ tenantId: tenant, role: 'auditor' });
    await ok<Page>('searchArchives', { pageSize: 5, queryId }, other.idToken);
    expect(await readCounts()).toEqual({
      ...before,
      'audit.archive.searched': before['audit.archive.searched']! + 2,
      'audit.log.searched': before['audit.log.searched']! + 1,
    });
    const narrowed = (await entriesOf('audit.archive.searched')).filter(
      (e) => (e.changes as { after: { filters: Record<string, unknown> } }).after.filters.keyword !== undefined,
    );
    expect(narrowed.map((e) => (e.changes as { after: unknown }).after)).toEqual([
      expect.objectContaining({ queryId, filters: { keyword: ['r'] } }),
    ]);
  });

  it('refuses a malformed query id with a field-level error, recording nothing', async () => {
    const before = await readCounts();
    const refused = await call('searchArchives', { queryId: 'x/../../y' }, auditor.idToken);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.errors?.map((e) => e.path)).toEqual(['queryId']);
    const report = await call(
      'recordAccess',
      searchReport({ archive: { queryId: 'short', request: {} } }),
      auditor.idToken,
    );
    expect(report.ok).toBe(false);
    if (!report.ok) expect(report.error.errors?.map((e) => e.path)).toEqual(['archive.queryId']);
    expect(await readCounts()).toEqual(before);
  });
});

describe('reads of the read records', () => {
  it('costs one record per API request, however many access entries it returns', async () => {
    const before = await readCounts();
    const searched = before['audit.log.searched']!;
    expect(searched).toBeGreaterThan(1);
    const answer = await getEvents(apiKey, { event_type: 'audit.log.searched' });
    expect(answer.status).toBe(200);
    expect((answer.body.entries as unknown[]).length).toBe(searched);
    const second = await getEvents(apiKey, { event_type: 'api.events.listed', limit: '1' });
    expect(second.status).toBe(200);
    // One `api.events.listed` per request; nothing else recorded, no read records of read records per row.
    expect(await readCounts()).toEqual({ ...before, 'api.events.listed': before['api.events.listed']! + 2 });
  });

  it('costs one record per console query of the read records', async () => {
    const before = await readCounts();
    await ok(
      'recordAccess',
      searchReport({ filters: { type: 'audit.log.searched' }, returned: before['audit.log.searched'] }),
      auditor.idToken,
    );
    expect(await readCounts()).toEqual({ ...before, 'audit.log.searched': before['audit.log.searched']! + 1 });
  });
});
