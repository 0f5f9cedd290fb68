import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merkleRoot, archiveObjectPath, manifestObjectPath } from '../../functions/src/domain/archive';
import type { TieringStep } from '../../functions/src/tiering/context';
import { openDuckDb } from '../../functions/src/tiering/duckdb';
import { runTieringJob, type TieringReport } from '../../functions/src/tiering/job';
import { downloadWithDigest } from '../../functions/src/tiering/storage';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import {
  archivesOf,
  bucket,
  countExisting,
  createTenant,
  dateDaysAgo,
  entriesOn,
  readArchiveObject,
  rowAsStored,
  seed,
  tieringDeps,
} from '../support/tiering';

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE');
const db = adminDb();

afterAll(async () => {
  await closeAdminApp();
});

/** The clock of the daily run after a failed day's first retry wait (6 hours). */
const afterRetryWait = () => new Date(Date.now() + 7 * 3_600_000);

/** A crash at a named step: the hook throws the way a killed process stops. */
class Crash extends Error {}

function crashAt(step: TieringStep, afterCount = 0) {
  return (s: TieringStep, info: { count?: number }) => {
    if (s === step && (info.count ?? 0) >= afterCount) throw new Crash(`crash at ${step}`);
  };
}

/** All rows of every archived part of a tenant, with their hashes, for reconciliation. */
async function coldRows(tenantId: string) {
  const archives = await archivesOf(db, tenantId);
  const rows = [];
  for (const a of archives.values()) {
    if (a.state !== 'archived') continue;
    const retained = new Set(a.retainedLogIds as string[]);
    for (const row of await readArchiveObject(a.objectPath as string)) if (!retained.has(row.logId)) rows.push(row);
  }
  return rows;
}

describe('tiering job on the emulators', () => {
  const t1 = uniqueTenant('tier-a');
  const t2 = uniqueTenant('tier-b');
  const d1 = dateDaysAgo(200);
  const d2 = dateDaysAgo(120);
  const recent = dateDaysAgo(10);
  const old1 = [...entriesOn(t1, d1, 40), ...entriesOn(t1, d2, 25)];
  const old2 = entriesOn(t2, d1, 30);
  const young = entriesOn(t1, recent, 12);
  let stored: Awaited<ReturnType<typeof seed>>;
  let report: TieringReport;

  beforeAll(async () => {
    await createTenant(db, t1);
    await createTenant(db, t2);
    stored = await seed(db, [...old1, ...old2, ...young]);
    report = await runTieringJob(tieringDeps(), { tenantIds: [t1, t2], deleteBatchSize: 16 });
  });

  it('archives every day past retention and leaves younger entries warm', async () => {
    const days = report.days.map((d) => `${d.tenantId}/${d.date}/${d.status}`).sort();
    expect(days).toEqual([`${t1}/${d1}/archived`, `${t1}/${d2}/archived`, `${t2}/${d1}/archived`].sort());
    expect(report.archivedEntries).toBe(old1.length + old2.length);
    expect(
      await countExisting(
        db,
        [...old1, ...old2].map((e) => e.logId),
      ),
    ).toBe(0);
    expect(
      await countExisting(
        db,
        young.map((e) => e.logId),
      ),
    ).toBe(young.length);
  });

  it('writes Hive-partitioned Parquet objects and manifests whose figures match the entries', async () => {
    for (const [tenant, date, entries] of [
      [t1, d1, old1.filter((e) => e.occurredAt.startsWith(d1))],
      [t1, d2, old1.filter((e) => e.occurredAt.startsWith(d2))],
      [t2, d1, old2],
    ] as const) {
      const path = archiveObjectPath(tenant, date, 1);
      expect(path).toBe(`audit/tenant=${tenant}/date=${date}/part-1.parquet`);
      const [exists] = await bucket().file(path).exists();
      expect(exists).toBe(true);
      const [manifestText] = await bucket()
        .file(manifestObjectPath(tenant, date, 1))
        .download();
      const manifest = JSON.parse(manifestText.toString('utf8')) as Record<string, unknown>;
      expect(manifest.rowCount).toBe(entries.length);
      expect(manifest.merkleRoot).toBe(merkleRoot(entries.map((e) => e.hash)));
      const times = entries.map((e) => e.occurredAt).sort();
      expect(String(manifest.minOccurredAt).slice(0, 23)).toBe(times[0]!.slice(0, 23));
      expect(String(manifest.maxOccurredAt).slice(0, 23)).toBe(times[times.length - 1]!.slice(0, 23));
      const [meta] = await bucket().file(path).getMetadata();
      expect(meta.metadata?.sha256).toBe(manifest.sha256);
    }
  });

  it('every archived row equals its source entry field by field', async () => {
    const rows = [...(await coldRows(t1)), ...(await coldRows(t2))];
    expect(rows).toHaveLength(old1.length + old2.length);
    for (const row of rows) {
      // A row is the entry plus the review state of its review doc (audit_reviews), never the
      // entry's own: flagged entries were seeded pending with their review doc, the rest have none.
      const { reviewStatus, review, ...entry } = rowAsStored(row);
      const source = stored.get(row.logId)!;
      expect(entry).toEqual(source);
      expect(reviewStatus).toBe(source.requiresReview ? 'pending' : 'none');
      expect(review).toEqual(source.requiresReview ? { version: 0, decisions: [] } : undefined);
    }
  });

  it('files read back in Node too (hyparquet), with the same rows and hashes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tiering-node-'));
    try {
      const local = join(dir, 'p.parquet');
      await downloadWithDigest(bucket(), archiveObjectPath(t2, d1, 1), local);
      const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(local), compressors })) as Array<
        Record<string, unknown>
      >;
      expect(rows.map((r) => r.hash).sort()).toEqual(old2.map((e) => e.hash).sort());
      const byId = new Map(old2.map((e) => [e.logId, e]));
      for (const r of rows) {
        const e = byId.get(r.logId as string)!;
        expect(r.eventType).toBe(e.eventType);
        expect((r.actor as Record<string, unknown>).id).toBe(e.actor.id);
        expect(r.searchTokens).toEqual(e.searchTokens);
        expect((r.occurredAt as Date).toISOString()).toBe(e.occurredAt);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('records each archive in audit_archives and as a COMPLIANCE audit event', async () => {
    const archives = await archivesOf(db, t1);
    expect([...archives.keys()].sort()).toEqual([`${t1}:${d1}:1`, `${t1}:${d2}:1`].sort());
    for (const a of archives.values()) {
      expect(a.state).toBe('archived');
      expect(a.needsWork).toBe(false);
      const event = await db
        .collection('audit_logs')
        .doc(a.eventLogId as string)
        .get();
      expect(event.get('eventType')).toBe('compliance.archive.created');
      expect(event.get('category')).toBe('COMPLIANCE');
      expect(event.get('source')).toBe('audit-tiering');
      expect(event.get('resource')).toMatchObject({ type: 'audit_archive', id: `${t1}:${a.date as string}:1` });
    }
  });

  it('a second run finds nothing to do and duplicates nothing', async () => {
    const again = await runTieringJob(tieringDeps(), { tenantIds: [t1, t2] });
    expect(again.days).toEqual([]);
    expect((await coldRows(t1)).length + (await coldRows(t2)).length).toBe(old1.length + old2.length);
  });
});

describe('crash at each step, then rerun: every entry in exactly one tier', () => {
  const steps: Array<[TieringStep, number]> = [
    ['written', 0],
    ['uploaded', 0],
    ['verified', 0],
    ['deleteBatch', 20],
    ['deleted', 0],
    ['archived', 0],
  ];
  for (const [step, after] of steps) {
    it(`after ${step}${after ? ` (${after} deleted)` : ''}`, async () => {
      const tenant = uniqueTenant(`tier-crash-${step}`);
      const date = dateDaysAgo(150);
      await createTenant(db, tenant);
      const entries = entriesOn(tenant, date, 55);
      await seed(db, entries);
      const ids = entries.map((e) => e.logId);

      // The run records the crash against the day (and would go on with other tenants).
      const crashed = await runTieringJob(tieringDeps(), {
        tenantIds: [tenant],
        deleteBatchSize: 10,
        hook: crashAt(step, after),
      });
      expect(crashed.days).toEqual([expect.objectContaining({ date, status: 'failed' })]);
      const warmAfterCrash = await countExisting(db, ids);
      if (step === 'deleteBatch') expect(warmAfterCrash).toBeLessThan(entries.length);
      if (['written', 'uploaded', 'verified'].includes(step)) expect(warmAfterCrash).toBe(entries.length);

      // The next run after the day's retry wait picks up where the crash left it.
      const rerun = await runTieringJob(tieringDeps(), {
        tenantIds: [tenant],
        deleteBatchSize: 10,
        now: afterRetryWait,
      });
      expect(rerun.failures).toBe(0);
      expect(await countExisting(db, ids)).toBe(0);
      const rows = await coldRows(tenant);
      expect(rows.map((r) => r.logId).sort()).toEqual([...ids].sort());
      expect(merkleRoot(rows.map((r) => r.hash))).toBe(merkleRoot(entries.map((e) => e.hash)));
      const archives = [...(await archivesOf(db, tenant)).values()];
      expect(archives.every((a) => a.state === 'archived' && a.eventLogId !== null)).toBe(true);
      // One event per archive, however many runs it took.
      const events = await db
        .collection('audit_logs')
        .where('tenantId', '==', tenant)
        .where('eventType', '==', 'compliance.archive.created')
        .get();
      expect(events.size).toBe(archives.length);
    });
  }
});

describe('an entry reviewed while its day is being archived', () => {
  it('is not deleted, stays the warm copy, and goes to the next part with its new state', async () => {
    const tenant = uniqueTenant('tier-review');
    const date = dateDaysAgo(110);
    await createTenant(db, tenant);
    const entries = entriesOn(tenant, date, 20);
    await seed(db, entries);
    // A flagged entry (repo.visibility_changed): its review state is in its review doc.
    const reviewed = entries[7]!;
    expect(reviewed.requiresReview).toBe(true);
    const first = await runTieringJob(tieringDeps(), {
      tenantIds: [tenant],
      hook: async (step) => {
        // A review decision lands between verification and deletion (server-side, as review does).
        if (step === 'verified') {
          await db.collection('audit_reviews').doc(reviewed.logId).update({ status: 'approved' });
        }
      },
    });
    expect(first.days[0]?.parts).toEqual([{ part: 1, state: 'archived', rows: 20, retained: 1 }]);
    expect(await countExisting(db, [reviewed.logId])).toBe(1);
    const archive = (await archivesOf(db, tenant)).get(`${tenant}:${date}:1`);
    expect(archive?.retainedLogIds).toEqual([reviewed.logId]);
    expect((await coldRows(tenant)).map((r) => r.logId)).not.toContain(reviewed.logId);

    const second = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
    expect(second.days[0]?.parts).toEqual([{ part: 2, state: 'archived', rows: 1, retained: 0 }]);
    expect(
      await countExisting(
        db,
        entries.map((e) => e.logId),
      ),
    ).toBe(0);
    const rows = await coldRows(tenant);
    expect(rows.map((r) => r.logId).sort()).toEqual(entries.map((e) => e.logId).sort());
    expect(rows.find((r) => r.logId === reviewed.logId)?.reviewStatus).toBe('approved');
  });
});

describe('a corrupted or truncated archive is caught before anything is deleted', () => {
  async function corruptedRun(corrupt: (objectPath: string) => Promise<void>) {
    const tenant = uniqueTenant('tier-corrupt');
    const date = dateDaysAgo(140);
    await createTenant(db, tenant);
    const entries = entriesOn(tenant, date, 30);
    await seed(db, entries);
    const report = await runTieringJob(tieringDeps(), {
      tenantIds: [tenant],
      hook: async (step, info) => {
        if (step === 'uploaded') await corrupt(info.record.objectPath);
      },
    });
    return { tenant, date, entries, report };
  }

  async function expectNothingDeleted(run: Awaited<ReturnType<typeof corruptedRun>>, problem: RegExp) {
    expect(run.report.days[0]).toMatchObject({ status: 'failed', error: { code: 'verification_failed' } });
    expect(
      await countExisting(
        db,
        run.entries.map((e) => e.logId),
      ),
    ).toBe(run.entries.length);
    const [archive] = [...(await archivesOf(db, run.tenant)).values()];
    expect(archive!.state).toBe('failed');
    expect((archive!.failure as { problems: string[] }).problems.join('\n')).toMatch(problem);
    // The next run after the day's retry wait writes the part again and finishes the day.
    const retry = await runTieringJob(tieringDeps(), { tenantIds: [run.tenant], now: afterRetryWait });
    expect(retry.failures).toBe(0);
    expect(
      await countExisting(
        db,
        run.entries.map((e) => e.logId),
      ),
    ).toBe(0);
    expect((await coldRows(run.tenant)).map((r) => r.hash).sort()).toEqual(run.entries.map((e) => e.hash).sort());
  }

  it('truncated object', async () => {
    const run = await corruptedRun(async (path) => {
      const [bytes] = await bucket().file(path).download();
      await bucket()
        .file(path)
        .save(bytes.subarray(0, Math.floor(bytes.length / 2)), { resumable: false });
    });
    await expectNothingDeleted(run, /size_mismatch|unreadable/);
  });

  it('one row rewritten inside a valid Parquet file', async () => {
    const run = await corruptedRun(async (path) => {
      const dir = await mkdtemp(join(tmpdir(), 'tiering-tamper-'));
      try {
        await downloadWithDigest(bucket(), path, join(dir, 'in.parquet'));
        const duck = await openDuckDb();
        await duck.conn.run(
          `COPY (SELECT * REPLACE (CASE WHEN "sequence" = 3 THEN 'tampered.event' ELSE "eventType" END AS "eventType") ` +
            `FROM read_parquet('${join(dir, 'in.parquet')}')) TO '${join(dir, 'out.parquet')}' (FORMAT parquet)`,
        );
        duck.close();
        await bucket().upload(join(dir, 'out.parquet'), { destination: path, resumable: false });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    await expectNothingDeleted(run, /bad_rows: 1 rows/);
  });
});
