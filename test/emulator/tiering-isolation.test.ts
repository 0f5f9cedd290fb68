import { afterAll, describe, expect, it } from 'vitest';
import type { TieringHook } from '../../functions/src/tiering/context';
import { runTieringJob } from '../../functions/src/tiering/job';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { archivesOf, countExisting, createTenant, dateDaysAgo, entriesOn, seed, tieringDeps } from '../support/tiering';

// The tiering job serves every tenant. The attacks: one tenant's data makes its day fail (or kill
// the process) and the job stops archiving for every tenant after it, on every run, because the
// failed day comes first each time; a member backdates many large events onto one day, and the
// part that holds them outgrows the function's memory, where /tmp lives.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE');
const db = adminDb();
const HOUR = 3_600_000;

afterAll(async () => {
  await closeAdminApp();
});

/** A failure nobody anticipated, in one tenant's day only. */
function failsFor(tenantId: string): TieringHook {
  return (step, info) => {
    if (step === 'written' && info.record.tenantId === tenantId) throw new Error('unexpected failure in this day');
  };
}

describe('tenants are isolated from each other', () => {
  it("archives the other tenants when one tenant's day fails unexpectedly, and retries that day after a backoff", async () => {
    // Ids in this order, so the failing tenant is served first in a fresh run.
    const failing = uniqueTenant('tier-iso-a');
    const healthy = uniqueTenant('tier-iso-b');
    const date = dateDaysAgo(130);
    await Promise.all([createTenant(db, failing), createTenant(db, healthy)]);
    const bad = entriesOn(failing, date, 12);
    const good = entriesOn(healthy, date, 15);
    await seed(db, [...bad, ...good]);
    const tenantIds = [failing, healthy];

    const first = await runTieringJob(tieringDeps(), { tenantIds, hook: failsFor(failing) });
    expect(first.days.map((d) => [d.tenantId, d.status])).toEqual([
      [failing, 'failed'],
      [healthy, 'archived'],
    ]);
    expect(first.days[0]!.error?.code).toBe('internal');
    expect(first.failures).toBe(1);
    expect(
      await countExisting(
        db,
        good.map((e) => e.logId),
      ),
    ).toBe(0);
    expect(
      await countExisting(
        db,
        bad.map((e) => e.logId),
      ),
    ).toBe(bad.length);

    // The next run does not start with the failed day again: it waits for its retry.
    const second = await runTieringJob(tieringDeps(), { tenantIds });
    const deferred = second.days.find((d) => d.tenantId === failing)!;
    expect(deferred.status).toBe('deferred');
    expect(deferred.retryAtMs! - Date.now()).toBeGreaterThan(5 * HOUR);
    expect(second.failures).toBe(0);

    // Once the wait is over (the daily run after it), the day is archived.
    const later = await runTieringJob(tieringDeps(), { tenantIds, now: () => new Date(Date.now() + 7 * HOUR) });
    expect(later.days.filter((d) => d.tenantId === failing).map((d) => d.status)).toEqual(['archived']);
    expect(
      await countExisting(
        db,
        bad.map((e) => e.logId),
      ),
    ).toBe(0);
  });

  it('serves first the tenants a run that never came back did not reach', async () => {
    const stuck = uniqueTenant('tier-fair-a');
    const waiting = uniqueTenant('tier-fair-b');
    const date = dateDaysAgo(140);
    await Promise.all([createTenant(db, stuck), createTenant(db, waiting)]);
    await seed(db, [...entriesOn(stuck, date, 5), ...entriesOn(waiting, date, 5)]);
    const tenantIds = [stuck, waiting];

    // A run stops for good inside the first tenant's day (the way an out-of-memory kill would).
    let resume!: () => void;
    const held = new Promise<void>((resolve) => (resume = resolve));
    let reached!: () => void;
    const stopped = new Promise<void>((resolve) => (reached = resolve));
    const killed = runTieringJob(tieringDeps(), {
      tenantIds,
      hook: async (step, info) => {
        if (step === 'written' && info.record.tenantId === stuck) {
          reached();
          await held;
        }
      },
    });
    await stopped;

    // The next run starts with the tenant the stopped run never reached.
    const next = await runTieringJob(tieringDeps(), { tenantIds });
    expect(next.days.map((d) => d.tenantId)).toEqual([waiting, stuck]);
    expect(next.days[0]!.status).toBe('archived');
    expect(next.days[1]!.status).toBe('deferred');

    resume();
    await killed;
  });
});

describe('archive parts are capped by bytes', () => {
  it('splits a day of large entries into parts within the byte cap, every row archived once', async () => {
    const tenant = uniqueTenant('tier-bytes');
    const date = dateDaysAgo(120);
    await createTenant(db, tenant);
    // What a member can do: many large events backdated onto one day.
    const large = entriesOn(tenant, date, 24, 'big', { metadata: { blob: 'x'.repeat(20_000) } });
    await seed(db, large);
    const maxBytesPerPart = 100_000;

    const report = await runTieringJob(tieringDeps(), { tenantIds: [tenant], maxBytesPerPart, pageSize: 10 });
    expect(report.failures).toBe(0);
    const parts = report.days[0]!.parts;
    expect(parts.length).toBeGreaterThan(4);
    for (const part of parts) {
      expect(part.state).toBe('archived');
      // Each entry stages about 21 KB: four fit under the cap, five would not.
      expect(part.rows).toBeLessThanOrEqual(4);
    }
    expect(parts.reduce((n, p) => n + (p.rows ?? 0), 0)).toBe(large.length);
    expect(
      await countExisting(
        db,
        large.map((e) => e.logId),
      ),
    ).toBe(0);
    expect((await archivesOf(db, tenant)).size).toBe(parts.length);
  });
});
