import { rollupId, riskScore, type DailyRollup, type Level } from '@audit-log/model';
import type { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollupJob } from '../../functions/src/analytics/job';
import { rollupDoc, RollupStore } from '../../functions/src/analytics/rollup-store';
import type { AuditEntry } from '../../functions/src/domain';
import { logIdFor } from '../../functions/src/domain/ids';
import { runTieringJob } from '../../functions/src/tiering/job';
import { checkpointTenants } from '../support/checkpoints';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';
import { countExisting, dateDaysAgo, entriesOn, seed, tieringDeps } from '../support/tiering';

// Daily rollups against the real emulators: entries of several back-dated days (seeded through
// the real pipeline, and published over Pub/Sub with the backfill capability, where the anomaly
// detector reacts to them), the rollup job, then tiering, which deletes archived days' entries:
// every figure is checked exactly, before and after.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_STORAGE');
const db = () => adminDb();
const tenant = uniqueTenant('rollups');
const BACKFILL_SOURCE = 'history-import';
// D0 is rolled up only by tiering; D1 by the job, then archived; D2 starts empty; D3 holds denials.
const [D0, D1, D2, D3] = [5, 4, 3, 2].map(dateDaysAgo) as [string, string, string, string];

let d0: AuditEntry[] = [];
let d1: AuditEntry[] = [];

const rollupOf = async (date: string) =>
  (await db().collection('audit_rollups').doc(rollupId(tenant, date)).get()).data() as
    DailyRollup<Timestamp> | undefined;

/** Figures counted straight from the entries, independently of the accumulator. */
function expectedFigures(entries: readonly AuditEntry[]) {
  const count = (p: (e: AuditEntry) => boolean) => entries.filter(p).length;
  return {
    entries: entries.length,
    byLevel: Object.fromEntries(
      (['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as Level[]).map((l) => [l, count((e) => e.level === l)]),
    ),
    byOutcome: {
      success: count((e) => e.outcome === 'success'),
      failure: count((e) => e.outcome === 'failure'),
      denied: count((e) => e.outcome === 'denied'),
    },
  };
}

function denial(i: number, date: string, minute = 0): Record<string, unknown> {
  return testEnvelope(tenant, {
    eventId: `denied-${date}-${minute}-${i}`,
    source: BACKFILL_SOURCE,
    eventType: 'permission.check.denied',
    outcome: 'denied',
    occurredAt: `${date}T12:0${minute}:0${i}.000Z`,
    actor: { type: 'user', id: 'u-mallory', name: 'Mallory' },
    resource: { type: 'repository', id: 'r-crown-jewels' },
  });
}

/** Publishes over Pub/Sub and waits until ingest stored every one (the first may meet a cold start). */
async function published(...envelopes: Array<Record<string, unknown>>): Promise<void> {
  await Promise.all(envelopes.map((e) => publishEnvelope(e)));
  for (const e of envelopes) {
    const ref = db().doc(`audit_logs/${logIdFor(tenant, BACKFILL_SOURCE, String(e.eventId))}`);
    await waitForDoc(ref, `entry ${String(e.eventId)}`, 150_000);
  }
}

beforeAll(async () => {
  await db()
    .collection('tenants')
    .doc(tenant)
    .set({ name: 'rollups', retentionDays: 90, ingest: { backfillSources: [BACKFILL_SOURCE] } });
  d0 = entriesOn(tenant, D0, 8, 'd0');
  d1 = entriesOn(tenant, D1, 12, 'd1');
  // Seeded (and checkpointed) before anything is recorded now, so no signed window gets late entries.
  await seed(db(), [...d0, ...d1]);
}, 120_000);

afterAll(async () => {
  await closeAdminApp();
});

describe('daily rollups', () => {
  it('count each day exactly, rank the risky actor and see the anomaly its denials raised', async () => {
    await published(...[0, 1, 2, 3, 4].map((i) => denial(i, D3)));
    // The repeated-denials detector reacts to the fifth denial with one CRITICAL SECURITY entry.
    await waitFor(
      () =>
        db()
          .collection('audit_logs')
          .where('tenantId', '==', tenant)
          .where('eventType', '==', 'security.anomaly.repeated_denials')
          .get(),
      (s) => s.size === 1,
      { what: 'the repeated-denials anomaly', timeoutMs: 60_000 },
    );

    const report = await runRollupJob(db(), { tenantIds: [tenant], from: D1, to: D3 });
    expect(report.computed.map((c) => [c.date, c.entries, c.final])).toEqual([
      [D3, 6, true],
      [D2, 0, true],
      [D1, 12, true],
    ]);

    const r1 = (await rollupOf(D1))!;
    expect(r1).toMatchObject({ tenantId: tenant, date: D1, final: true, archived: false, ...expectedFigures(d1) });
    // entriesOn cycles u-0..u-3 over its entries: each of them acted three times that day.
    expect(r1.actors.map((a) => [a.key, a.entries]).sort()).toEqual([
      ['user:u-0', 3],
      ['user:u-1', 3],
      ['user:u-2', 3],
      ['user:u-3', 3],
    ]);
    const byCategory = Object.values(r1.byCategory).reduce((a, b) => a + b, 0);
    expect(byCategory).toBe(12);

    const r3 = (await rollupOf(D3))!;
    expect(r3.entries).toBe(6);
    expect(r3.byOutcome).toEqual({ success: 1, failure: 0, denied: 5 });
    expect(r3.byCategory.SECURITY).toBe(1);
    expect(r3.byLevel.CRITICAL).toBe(1);
    expect(r3.anomalies).toEqual([{ pattern: 'security.anomaly.repeated_denials', count: 1 }]);
    expect(r3.actors).toHaveLength(1);
    const mallory = r3.actors[0]!;
    // The tenant seals personal data (the default): a rollup outlives an erasure, so it never takes
    // the sealed name as a label, and the dashboard names the actor by id.
    expect(mallory.label).toBeUndefined();
    expect(JSON.stringify(r3)).not.toContain('Mallory');
    expect(mallory).toMatchObject({
      key: 'user:u-mallory',
      entries: 6,
      denials: 5,
      failures: 0,
      critical: 1,
      security: 1,
      anomalies: 1,
    });
    expect(mallory.risk).toBe(riskScore(mallory));
    expect(mallory.risk).toBe(5 * 3 + 5 + 2 + 10);
  }, 300_000);

  it('leaves fresh days alone, and computes a day again when an entry is back-dated into it', async () => {
    const again = await runRollupJob(db(), { tenantIds: [tenant], from: D1, to: D3 });
    expect(again.computed).toEqual([]);
    // Three rollup reads and three count pages, nothing read of the entries themselves, no writes.
    expect(again.writes).toBe(0);
    expect(again.reads).toBe(1 + 3 + 3);

    await published(
      testEnvelope(tenant, { eventId: 'late-d2', source: BACKFILL_SOURCE, occurredAt: `${D2}T08:00:00.000Z` }),
    );
    const late = await runRollupJob(db(), { tenantIds: [tenant], from: D1, to: D3 });
    expect(late.computed.map((c) => [c.date, c.entries])).toEqual([[D2, 1]]);
    expect((await rollupOf(D2))!.byCategory.DATA_MODIFICATION).toBe(1);
  }, 120_000);

  it("keeps an archived day's rollup after tiering deletes its entries, computing a missing one first", async () => {
    const before = (await rollupOf(D1))!;
    expect(await rollupOf(D0)).toBeUndefined();
    // Warm retention of 3 days: D0 and D1 are due for the archive.
    await db().collection('tenants').doc(tenant).update({ retentionDays: 3 });
    const tiering = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
    const archived = tiering.days.filter((d) => d.status === 'archived').map((d) => d.date);
    expect(archived.sort()).toEqual([D0, D1]);
    expect(
      await countExisting(
        db(),
        [...d0, ...d1].map((e) => e.logId),
      ),
    ).toBe(0);

    const r0 = (await rollupOf(D0))!;
    expect(r0).toMatchObject({ final: true, archived: true, uncounted: 0, ...expectedFigures(d0) });
    const r1 = (await rollupOf(D1))!;
    expect(r1).toMatchObject({ archived: true, uncounted: 0 });
    expect({ ...r1, archived: false }).toEqual(before);

    // The job no longer touches them: their entries are gone, their figures stay.
    const after = await runRollupJob(db(), { tenantIds: [tenant], from: D0, to: D3 });
    expect(after.computed).toEqual([]);
    expect((await rollupOf(D1))!.entries).toBe(12);
    expect((await rollupOf(D0))!.entries).toBe(8);
  }, 300_000);

  it('folds an entry back-dated into an archived day into its rollup once', async () => {
    await published(
      testEnvelope(tenant, { eventId: 'late-d1', source: BACKFILL_SOURCE, occurredAt: `${D1}T09:00:00.000Z` }),
    );
    await checkpointTenants([tenant]);
    await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
    const lateId = logIdFor(tenant, BACKFILL_SOURCE, 'late-d1');
    const r1 = (await rollupOf(D1))!;
    expect(r1.entries).toBe(13);
    expect(r1.lateLogIds).toEqual([lateId]);
    expect(r1.uncounted).toBe(0);
    // A second run finds nothing new to fold.
    await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
    expect((await rollupOf(D1))!.entries).toBe(13);
  }, 300_000);

  it('never lets a job overwrite a rollup tiering wrote while the job was reading the day', async () => {
    const store = new RollupStore(db());
    const date = dateDaysAgo(40);
    const { version: none } = await store.readVersioned(tenant, date);
    // Tiering takes the day over meanwhile.
    const figures = await store.computeFigures(tenant, date);
    await store.write(rollupDoc(tenant, date, figures, { final: true, archived: true, computedAt: new Date() }));
    expect(
      await store.writeIfUnchanged(
        rollupDoc(tenant, date, figures, { final: true, archived: false, computedAt: new Date() }),
        none,
      ),
    ).toBe(false);
    // Or the job computed it before, and tiering marks it archived after the job read it.
    const other = dateDaysAgo(41);
    await store.write(rollupDoc(tenant, other, figures, { final: true, archived: false, computedAt: new Date() }));
    const { version } = await store.readVersioned(tenant, other);
    await store.markArchived(tenant, other);
    const stale = rollupDoc(tenant, other, figures, { final: true, archived: false, computedAt: new Date() });
    expect(await store.writeIfUnchanged(stale, version)).toBe(false);
    // Unchanged since read, the write goes through.
    const fresh = await store.readVersioned(tenant, other);
    expect(await store.writeIfUnchanged({ ...fresh.rollup!, uncounted: 0 }, fresh.version)).toBe(true);
    expect((await rollupOf(date))!.archived).toBe(true);
    expect((await rollupOf(other))!.archived).toBe(true);
  });
});
