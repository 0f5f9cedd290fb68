import { Timestamp, type Query } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../functions/src/domain';
import { archiveObjectPath, withReviewState } from '../../functions/src/domain/archive';
import { fromFirestore } from '../../functions/src/commands/instants';
import { fromStored } from '../../functions/src/store/converters';
import { runTieringJob } from '../../functions/src/tiering/job';
import { callCallable, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import {
  archivesOf,
  bucket,
  countExisting,
  createTenant,
  DAY,
  dateDaysAgo,
  entriesOn,
  seed,
  tieringDeps,
} from '../support/tiering';

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'FIREBASE_AUTH');
const db = adminDb();

type Entry = AuditEntry & { recordedAt: string; reviewStatus?: string; review?: unknown };
interface Filters {
  from?: string;
  to?: string;
  categories?: string[];
  levels?: string[];
  eventTypes?: string[];
  actorId?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
  operations?: string[];
  keyword?: string;
}

/**
 * The console's hot query for the same filters: tenant first, newest first; each entry with the
 * review state of its review doc (audit_reviews), as the archive keeps it.
 */
async function hotSearch(tenantId: string, f: Filters): Promise<Entry[]> {
  let q: Query = db.collection('audit_logs').where('tenantId', '==', tenantId);
  if (f.from) q = q.where('occurredAt', '>=', Timestamp.fromDate(new Date(f.from)));
  if (f.to) q = q.where('occurredAt', '<', Timestamp.fromDate(new Date(f.to)));
  if (f.categories) q = q.where('category', 'in', f.categories);
  if (f.levels) q = q.where('level', 'in', f.levels);
  if (f.eventTypes) q = q.where('eventType', 'in', f.eventTypes);
  if (f.actorId) q = q.where('actor.id', '==', f.actorId);
  if (f.resourceType) q = q.where('resource.type', '==', f.resourceType);
  if (f.resourceId) q = q.where('resource.id', '==', f.resourceId);
  if (f.outcome) q = q.where('outcome', '==', f.outcome);
  if (f.operations) q = q.where('operation', 'in', f.operations);
  if (f.keyword) q = q.where('searchTokens', 'array-contains', f.keyword.toLowerCase());
  const snap = await q.orderBy('occurredAt', 'desc').get();
  if (snap.empty) return [];
  const reviews = await db.getAll(...snap.docs.map((d) => db.collection('audit_reviews').doc(d.id)));
  return snap.docs.map((d, i) => {
    const review = reviews[i]!.data();
    const state = review ? (fromFirestore(review) as Record<string, unknown>) : undefined;
    return withReviewState({ ...fromStored(d.data()) }, state) as unknown as Entry;
  });
}

/** Every page of the cold search callable, following cursors. */
async function coldSearch(idToken: string, f: Filters & { tenantId?: string }, pageSize = 7): Promise<Entry[]> {
  const all: Entry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const answer = await callCallable('searchArchives', { ...f, pageSize, ...(cursor ? { cursor } : {}) }, idToken);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const result = (answer.body as { result: { entries: Entry[]; nextCursor: string | null } }).result;
    expect(result.entries.length).toBeLessThanOrEqual(pageSize);
    all.push(...result.entries);
    if (!result.nextCursor) return all;
    cursor = result.nextCursor;
  }
  throw new Error('too many pages');
}

function errorOf(answer: { status: number; body: unknown }) {
  return (answer.body as { error?: { status: string; details?: { code?: string } } }).error;
}

const tA = uniqueTenant('cold-a');
const tB = uniqueTenant('cold-b');
const d1 = dateDaysAgo(160);
const d2 = dateDaysAgo(130);
const entriesA = [...entriesOn(tA, d1, 26, 'a'), ...entriesOn(tA, d2, 17, 'a')];
const entriesB = entriesOn(tB, d1, 21, 'b');

const FILTERS: Array<[string, Filters]> = [
  ['no filter', {}],
  ['time range inside one day', { from: `${d1}T03:00:00.000Z`, to: `${d1}T12:00:00.000Z` }],
  ['time range across days', { from: `${d1}T10:00:00.000Z`, to: `${d2}T08:00:00.000Z` }],
  ['categories', { categories: ['AUTHENTICATION', 'SYSTEM_CONFIGURATION'] }],
  ['level', { levels: ['WARNING'] }],
  ['event types', { eventTypes: ['repo.created', 'pr.merged'] }],
  ['actor', { actorId: 'u-2' }],
  ['resource', { resourceType: 'repository', resourceId: 'r-1' }],
  ['outcome', { outcome: 'failure' }],
  ['operations (what was created or executed)', { operations: ['CREATE', 'EXECUTE'] }],
  ['operation and resource', { operations: ['CREATE'], resourceType: 'repository', resourceId: 'r-0' }],
  ['keyword (lower-cased)', { keyword: 'Failed' }],
  ['keyword that is an id', { keyword: 'u-3' }],
  ['combined', { categories: ['DATA_MODIFICATION', 'BUSINESS_OPERATION'], outcome: 'success', actorId: 'u-0' }],
];

const hot = new Map<string, Entry[]>();
let auditorA: string;
let auditorB: string;
let adminA: string;

beforeAll(async () => {
  await createTenant(db, tA);
  await createTenant(db, tB);
  await seed(db, [...entriesA, ...entriesB]);
  for (const [name, f] of FILTERS) hot.set(name, await hotSearch(tA, f));
  hot.set('B', await hotSearch(tB, {}));
  // Every filter case must select something, or the comparison proves little.
  for (const [name, rows] of hot) expect(rows.length, name).toBeGreaterThan(0);
  const report = await runTieringJob(tieringDeps(), { tenantIds: [tA, tB] });
  expect(report.failures).toBe(0);
  expect(
    await countExisting(
      db,
      [...entriesA, ...entriesB].map((e) => e.logId),
    ),
  ).toBe(0);
  auditorA = (await signInWithClaims({ tenantId: tA, role: 'auditor' })).idToken;
  auditorB = (await signInWithClaims({ tenantId: tB, role: 'auditor' })).idToken;
  adminA = (await signInWithClaims({ tenantId: tA, role: 'admin' })).idToken;
});

afterAll(async () => {
  await closeAdminApp();
});

describe('cold search returns exactly what hot search returned before tiering', () => {
  for (const [name, f] of FILTERS) {
    it(name, async () => {
      expect(await coldSearch(auditorA, f)).toEqual(hot.get(name));
    });
  }
});

describe("cold search stays inside the caller's tenant", () => {
  it("returns only the caller's rows, even on the same day", async () => {
    const rows = await coldSearch(auditorB, {}, 50);
    expect(rows).toEqual(hot.get('B'));
    expect(rows.every((r) => r.tenantId === tB)).toBe(true);
  });

  it("refuses to search another tenant's archives", async () => {
    const answer = await callCallable('searchArchives', { tenantId: tA }, auditorB);
    expect(answer.status).toBe(403);
    expect(errorOf(answer)?.details?.code).toBe('permission_denied');
  });

  it('refuses members and anonymous callers', async () => {
    const member = (await signInWithClaims({ tenantId: tA, role: 'member' })).idToken;
    expect(errorOf(await callCallable('searchArchives', {}, member))?.status).toBe('PERMISSION_DENIED');
    expect(errorOf(await callCallable('searchArchives', {}))?.status).toBe('UNAUTHENTICATED');
  });

  it('lets a platform admin read a named tenant', async () => {
    const platform = (await signInWithClaims({ platformAdmin: true })).idToken;
    expect(await coldSearch(platform, { tenantId: tB }, 50)).toEqual(hot.get('B'));
  });

  it('refuses an unknown operation with a field-level error', async () => {
    const answer = await callCallable('searchArchives', { operations: ['CREATE', 'delete'] }, auditorA);
    expect(answer.status).toBe(400);
    const error = (answer.body as { error?: { details?: { code?: string; errors?: unknown } } }).error;
    expect(error?.details).toMatchObject({
      code: 'invalid_argument',
      errors: [{ path: 'operations.1', message: 'must be one of CREATE, UPDATE, DELETE, READ, EXECUTE' }],
    });
  });

  it('refuses a cursor issued for other filters, with a field-level error', async () => {
    const first = await callCallable('searchArchives', { pageSize: 2 }, auditorA);
    const cursor = (first.body as { result: { nextCursor: string } }).result.nextCursor;
    const answer = await callCallable('searchArchives', { pageSize: 2, outcome: 'failure', cursor }, auditorA);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)?.details?.code).toBe('invalid_cursor');
  });
});

describe('restoring a day', () => {
  it('puts the entries back with their ids and hashes, hides them from cold search, and re-archives after the hold', async () => {
    const day = entriesA.filter((e) => e.occurredAt.startsWith(d1));
    const answer = await callCallable('restoreArchiveDay', { date: d1, holdDays: 5 }, adminA);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((answer.body as { result: Record<string, unknown> }).result).toMatchObject({
      restored: day.length,
      alreadyPresent: 0,
    });

    const snaps = await db.getAll(...day.map((e) => db.collection('audit_logs').doc(e.logId)));
    for (const [i, snap] of snaps.entries()) {
      expect(snap.exists).toBe(true);
      // The entry comes back without review state; a flagged one's state goes back to its review doc.
      const { reviewStatus, review: _review, ...entry } = hot.get('no filter')!.find((h) => h.logId === day[i]!.logId)!;
      expect(fromStored(snap.data()!)).toEqual(entry);
      const reviewDoc = await db.collection('audit_reviews').doc(snap.id).get();
      expect(reviewDoc.exists ? reviewDoc.get('status') : 'none').toBe(reviewStatus);
    }
    const [archive] = [...(await archivesOf(db, tA)).values()].filter((a) => a.date === d1);
    expect(archive).toMatchObject({ state: 'restored', eventLogId: null, cycle: 1 });

    // Warm again, so cold search no longer returns them (hot search does).
    const cold = await coldSearch(auditorA, {}, 50);
    expect(cold.map((e) => e.logId).sort()).toEqual(
      entriesA
        .filter((e) => e.occurredAt.startsWith(d2))
        .map((e) => e.logId)
        .sort(),
    );

    // Idempotent.
    const again = await callCallable('restoreArchiveDay', { date: d1, holdDays: 5 }, adminA);
    expect((again.body as { result: Record<string, unknown> }).result).toMatchObject({
      restored: 0,
      alreadyPresent: day.length,
    });

    // Within the hold the job leaves the day warm; after it, it deletes them again.
    const held = await runTieringJob(tieringDeps(), { tenantIds: [tA] });
    expect(held.days.find((d) => d.date === d1)?.status).toBe('held');
    expect(
      await countExisting(
        db,
        day.map((e) => e.logId),
      ),
    ).toBe(day.length);
    const later = await runTieringJob(tieringDeps(), { tenantIds: [tA], now: () => new Date(Date.now() + 6 * DAY) });
    expect(later.days.find((d) => d.date === d1)?.status).toBe('archived');
    expect(
      await countExisting(
        db,
        day.map((e) => e.logId),
      ),
    ).toBe(0);
    expect(await coldSearch(auditorA, {})).toEqual(hot.get('no filter'));

    const events = await db
      .collection('audit_logs')
      .where('tenantId', '==', tA)
      .where('source', '==', 'audit-tiering')
      .get();
    const types = events.docs.map((d) => `${d.get('eventType') as string} ${d.get('resource.id') as string}`).sort();
    const id = `${tA}:${d1}:1`;
    expect(types.filter((t) => t.endsWith(id))).toEqual([
      `compliance.archive.created ${id}`,
      `compliance.archive.created ${id}`,
      `compliance.archive.restored ${id}`,
    ]);
  });

  it('is for tenant admins only', async () => {
    const answer = await callCallable('restoreArchiveDay', { date: d2 }, auditorA);
    expect(errorOf(answer)?.details?.code).toBe('permission_denied');
    const missing = await callCallable('restoreArchiveDay', { date: '2001-01-01' }, adminA);
    expect(errorOf(missing)?.details?.code).toBe('not_found');
  });
});

describe('the admin entry point', () => {
  it("runs the same job for a tenant admin's own tenant, and for nobody else", async () => {
    const tD = uniqueTenant('cold-admin');
    await createTenant(db, tD);
    const day = dateDaysAgo(100);
    const entries = entriesOn(tD, day, 6, 'd');
    await seed(db, entries);
    const auditor = (await signInWithClaims({ tenantId: tD, role: 'auditor' })).idToken;
    expect(errorOf(await callCallable('runTiering', {}, auditor))?.details?.code).toBe('permission_denied');
    const admin = (await signInWithClaims({ tenantId: tD, role: 'admin' })).idToken;
    expect(errorOf(await callCallable('runTiering', { tenantId: tA }, admin))?.details?.code).toBe('permission_denied');

    const answer = await callCallable('runTiering', {}, admin);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const result = (answer.body as { result: { tenants: number; days: Array<Record<string, unknown>> } }).result;
    expect(result.tenants).toBe(1);
    expect(result.days).toEqual([expect.objectContaining({ tenantId: tD, date: day, status: 'archived' })]);
    expect(
      await countExisting(
        db,
        entries.map((e) => e.logId),
      ),
    ).toBe(0);
  });
});

describe('cold retention', () => {
  it('purges archives older than seven years, records it, and keeps younger ones', async () => {
    const tC = uniqueTenant('cold-purge');
    await createTenant(db, tC);
    const ancient = dateDaysAgo(2557 + 40);
    const oldEnough = dateDaysAgo(400);
    await seed(db, [...entriesOn(tC, ancient, 5, 'c'), ...entriesOn(tC, oldEnough, 4, 'c')]);
    await runTieringJob(tieringDeps(), { tenantIds: [tC] });

    const platform = (await signInWithClaims({ platformAdmin: true })).idToken;
    const answer = await callCallable('runArchivePurge', { tenantId: tC }, platform);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const purged = (answer.body as { result: { purged: Array<{ archiveId: string; rows: number }> } }).result.purged;
    expect(purged).toEqual([expect.objectContaining({ archiveId: `${tC}:${ancient}:1`, rows: 5 })]);

    const [gone] = await bucket()
      .file(archiveObjectPath(tC, ancient, 1))
      .exists();
    const [kept] = await bucket()
      .file(archiveObjectPath(tC, oldEnough, 1))
      .exists();
    expect([gone, kept]).toEqual([false, true]);
    const archives = await archivesOf(db, tC);
    expect(archives.get(`${tC}:${ancient}:1`)).toMatchObject({ state: 'purged', rowCount: 5 });
    expect(archives.get(`${tC}:${ancient}:1`)?.manifest).toMatchObject({ rowCount: 5 });
    expect(archives.get(`${tC}:${oldEnough}:1`)).toMatchObject({ state: 'archived' });
    const event = await db
      .collection('audit_logs')
      .doc(archives.get(`${tC}:${ancient}:1`)?.purgeEventLogId as string)
      .get();
    expect(event.get('eventType')).toBe('compliance.archive.purged');
  });
});
