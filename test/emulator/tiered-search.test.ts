import { mergeTiers, type MergedCursor, type MergedPage, type TierReader } from '@audit-log/model/tier-merge';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../functions/src/domain';
import type { ExportRecord } from '../../functions/src/domain/export';
import { runTieringJob } from '../../functions/src/tiering/job';
import { callCallable, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { callOk, downloadViaLink, waitForJob } from '../support/exports';
import { countExisting, createTenant, DAY, dateDaysAgo, entriesOn, seed, tieringDeps } from '../support/tiering';

// One search across both tiers, on the real emulators: a tenant with two archived days and two
// warm days. Before tiering everything is warm; after it, the merged search (warm query + the
// searchArchives callable, merged by the model's mergeTiers), an archived entry opened by id, an
// export and a PDF report over the whole range must give exactly what they gave before.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'FIREBASE_AUTH');
const db = adminDb();

const tenant = uniqueTenant('tiers');
const oldDays = [dateDaysAgo(160), dateDaysAgo(130)];
const warmDays = [dateDaysAgo(20), dateDaysAgo(3)];
const entries: AuditEntry[] = [
  ...entriesOn(tenant, oldDays[0]!, 19, 'o'),
  ...entriesOn(tenant, oldDays[1]!, 14, 'o'),
  ...entriesOn(tenant, warmDays[0]!, 12, 'w'),
  ...entriesOn(tenant, warmDays[1]!, 9, 'w'),
];
const archivedIds = new Set(entries.filter((e) => oldDays.some((d) => e.occurredAt.startsWith(d))).map((e) => e.logId));
// The whole seeded range, ending before today: exports and reports record their own entries now.
const RANGE = {
  from: `${oldDays[0]}T00:00:00.000Z`,
  to: new Date(Date.parse(`${dateDaysAgo(1)}T00:00:00.000Z`)).toISOString(),
};

interface Row {
  logId: string;
  occurredAt: string;
  archived: boolean;
}

let auditor: string;
let compliance: string;
/** Everything, newest first, read while all of it was warm. */
let allWarm: string[];
let exportBefore: ExportRecord[];
let reportBefore: Record<string, unknown>;

/** The console's warm query: tenant, range, newest first (document id breaking ties), paged. */
const warmPages =
  (pageSize: number): TierReader<Row, string> =>
  async (after) => {
    let q = db
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('occurredAt', '>=', Timestamp.fromDate(new Date(RANGE.from)))
      .where('occurredAt', '<', Timestamp.fromDate(new Date(RANGE.to)))
      .orderBy('occurredAt', 'desc')
      .orderBy('__name__', 'desc')
      .limit(pageSize);
    if (after) {
      const [at, id] = after.split('|');
      q = q.startAfter(Timestamp.fromMillis(Number(at)), id);
    }
    const snap = await q.get();
    const rows = snap.docs.map((d) => ({
      logId: d.id,
      occurredAt: (d.get('occurredAt') as Timestamp).toDate().toISOString(),
      archived: false,
    }));
    const last = rows[rows.length - 1];
    return { rows, next: rows.length === pageSize && last ? `${Date.parse(last.occurredAt)}|${last.logId}` : null };
  };

/** The archive side: pages of the searchArchives callable, as the console calls it. */
const coldPages =
  (pageSize: number): TierReader<Row, string> =>
  async (cursor) => {
    const answer = await callCallable('searchArchives', { ...RANGE, pageSize, ...(cursor ? { cursor } : {}) }, auditor);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const result = (answer.body as { result: { entries: Row[]; nextCursor: string | null } }).result;
    return {
      rows: result.entries.map((e) => ({ logId: e.logId, occurredAt: e.occurredAt, archived: true })),
      next: result.nextCursor,
    };
  };

async function mergedSearch(pageSize: number, withCold: boolean): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let cursor: MergedCursor<Row, string, string> | null = null;
  let pages = 0;
  do {
    const page: MergedPage<Row, string, string> = await mergeTiers(
      {
        hot: warmPages(pageSize),
        cold: withCold ? coldPages(pageSize) : undefined,
        positionOf: (r: Row) => ({ atMs: Date.parse(r.occurredAt), logId: r.logId }),
        pageSize,
      },
      cursor,
    );
    rows.push(...page.rows.map((r) => r.row));
    cursor = page.next;
    pages++;
  } while (cursor !== null && pages < 100);
  return { rows, pages };
}

async function exportJson(): Promise<{ records: ExportRecord[]; job: Record<string, unknown> }> {
  const { exportId } = await callOk<{ exportId: string }>('startExport', { format: 'json', filter: RANGE }, auditor);
  const job = await waitForJob(db, 'audit_exports', exportId);
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  const response = await downloadViaLink('export', exportId, auditor);
  expect(response.status).toBe(200);
  return { records: JSON.parse(Buffer.from(await response.arrayBuffer()).toString('utf8')) as ExportRecord[], job };
}

async function report(): Promise<Record<string, unknown>> {
  const { reportId } = await callOk<{ reportId: string }>('generateReport', { kind: 'change', ...RANGE }, compliance);
  const record = await waitForJob(db, 'audit_reports', reportId, 120_000);
  expect(record.state, JSON.stringify(record.error)).toBe('succeeded');
  return record;
}

beforeAll(async () => {
  await createTenant(db, tenant);
  await seed(db, entries);
  auditor = (await signInWithClaims({ tenantId: tenant, role: 'auditor' })).idToken;
  compliance = (await signInWithClaims({ tenantId: tenant, role: 'compliance' })).idToken;
  allWarm = (await mergedSearch(500, false)).rows.map((r) => r.logId);
  expect(allWarm).toHaveLength(entries.length);
  exportBefore = (await exportJson()).records;
  reportBefore = await report();
  expect(reportBefore.entries as number).toBeGreaterThan(0);

  const run = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
  expect(run.failures).toBe(0);
  expect(await countExisting(db, [...archivedIds])).toBe(0);
  expect(await countExisting(db, allWarm)).toBe(allWarm.length - archivedIds.size);
}, 300_000);

afterAll(async () => {
  await closeAdminApp();
});

describe('one search over warm and archived days', () => {
  it('pages through both tiers newest first, each row once, archived rows marked', async () => {
    // A page size that puts page boundaries inside days and across the warm/archived boundary.
    const { rows, pages } = await mergedSearch(7, true);
    expect(rows.map((r) => r.logId)).toEqual(allWarm);
    expect(new Set(rows.map((r) => r.logId)).size).toBe(rows.length);
    for (const r of rows) expect(r.archived, r.logId).toBe(archivedIds.has(r.logId));
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(allWarm.length / 7));
  });

  it('without the archive, the warm query alone misses exactly the archived days', async () => {
    const { rows } = await mergedSearch(50, false);
    expect(rows.map((r) => r.logId)).toEqual(allWarm.filter((id) => !archivedIds.has(id)));
  });

  it('opens an archived entry by id from its day, whole, and nothing for another day', async () => {
    const wanted = entries.find((e) => archivedIds.has(e.logId) && e.changes !== undefined)!;
    const day = wanted.occurredAt.slice(0, 10);
    const from = `${day}T00:00:00.000Z`;
    const to = new Date(Date.parse(from) + DAY).toISOString();
    const answer = await callCallable('searchArchives', { from, to, logId: wanted.logId, pageSize: 1 }, auditor);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const [found, ...rest] = (answer.body as { result: { entries: Array<Record<string, unknown>> } }).result.entries;
    expect(rest).toEqual([]);
    expect(found).toMatchObject({
      logId: wanted.logId,
      eventType: wanted.eventType,
      hash: wanted.hash,
      changes: wanted.changes,
      actor: wanted.actor,
    });

    const elsewhere = await callCallable(
      'searchArchives',
      { from: `${oldDays[1]}T00:00:00.000Z`, to: RANGE.to, logId: wanted.logId, pageSize: 1 },
      auditor,
    );
    expect((elsewhere.body as { result: { entries: unknown[] } }).result.entries).toEqual([]);
  });

  it('refuses a log id that is not one, with a field-level error', async () => {
    const answer = await callCallable('searchArchives', { logId: "x' OR 1=1" }, auditor);
    expect(answer.status).toBe(400);
    const details = (answer.body as { error: { details: { errors: Array<{ path: string }> } } }).error.details;
    expect(details.errors.map((e) => e.path)).toContain('logId');
  });
});

describe('exports and reports over a range spanning both tiers', () => {
  it('exports exactly what was exported while every day was warm, in the same order', async () => {
    const { records, job } = await exportJson();
    expect(records).toHaveLength(entries.length);
    expect(records).toEqual(exportBefore);
    // Archived rows are not counted ahead; the total is known at the end.
    expect(job.rowsTotal).toBe(entries.length);
  });

  it('reports the same figures as while every day was warm', async () => {
    const after = await report();
    expect(after.entries).toBe(reportBefore.entries);
    expect(after.figures).toEqual(reportBefore.figures);
  });
});
