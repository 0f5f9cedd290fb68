import { rollupId } from '@audit-log/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollupJob } from '../../functions/src/analytics/job';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { dateDaysAgo } from '../support/tiering';

// A stored rollup that does not match its schema (an older version's, or damaged) must not stop
// the rollup job: the run reports the day with the field that is wrong and computes it afresh
// from its entries, and the other days of the run are still done.

requireEmulators('FIRESTORE');
const db = () => adminDb();
const tenant = uniqueTenant('rollups-malformed');
const [BROKEN, SOUND] = [3, 2].map(dateDaysAgo) as [string, string];

afterAll(async () => {
  await closeAdminApp();
});

beforeAll(async () => {
  await db().collection('tenants').doc(tenant).set({ name: 'rollups-malformed', retentionDays: 90 });
  await db()
    .collection('audit_rollups')
    .doc(rollupId(tenant, BROKEN))
    .set({ tenantId: tenant, date: BROKEN, final: true, archived: false, entries: 'many' });
});

describe('a malformed stored rollup', () => {
  it('is reported with its field and computed afresh, and the run goes on', async () => {
    const report = await runRollupJob(db(), { tenantIds: [tenant], from: BROKEN, to: SOUND });

    expect(report.malformed).toHaveLength(1);
    expect(report.malformed[0]).toMatchObject({ tenantId: tenant, date: BROKEN });
    expect(report.malformed[0]!.error).toContain(
      `malformed document audit_rollups/${rollupId(tenant, BROKEN)}: entries: must be a number, is a string`,
    );
    expect(report.computed.map((c) => c.date).sort()).toEqual([BROKEN, SOUND].sort());

    const rewritten = (await db().collection('audit_rollups').doc(rollupId(tenant, BROKEN)).get()).data()!;
    expect(rewritten).toMatchObject({ tenantId: tenant, date: BROKEN, entries: 0, archived: false });

    // The rewritten day reads cleanly: the next run finds nothing malformed.
    const again = await runRollupJob(db(), { tenantIds: [tenant], from: BROKEN, to: SOUND });
    expect(again.malformed).toEqual([]);
  });
});
