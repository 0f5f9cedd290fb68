import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { exportJobDoc } from '../support/exports';
import { createTenant } from '../support/ingest-paths';

// A worker that crashes mid-export leaves its job `running` with nobody to finish it. The sweep
// (scheduled, and runnable by an admin because the emulator never fires schedules) marks such
// jobs failed and records it; a job whose worker is alive is left alone.

const db = () => adminDb();

afterAll(async () => {
  await closeAdminApp();
});

function runningJob(tenantId: string, requester: User, updatedAt: Timestamp): Record<string, unknown> {
  return exportJobDoc(tenantId, requester, {
    state: 'running',
    rowsWritten: 500,
    rowsTotal: 1000,
    bytes: 1234,
    progress: 0.5,
    slice: 1,
    claimedSlice: 1,
    parts: 1,
    createdAt: updatedAt,
    updatedAt,
  });
}

describe('export job sweep', () => {
  let tenant: string;
  let admin: User;

  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'FIREBASE_AUTH');
    tenant = uniqueTenant('sweep');
    await createTenant(db(), tenant);
    admin = await tenantUser(db(), tenant, 'admin');
  });

  it('fails a job whose worker stopped reporting, records it, and leaves a live job running', async () => {
    const stale = db().collection('audit_exports').doc(`stale-${tenant}`);
    const live = db().collection('audit_exports').doc(`live-${tenant}`);
    await stale.set(runningJob(tenant, admin, Timestamp.fromMillis(Date.now() - 3 * 3_600_000)));
    await live.set(runningJob(tenant, admin, Timestamp.now()));

    const report = await ok<{ swept: number }>('runExportSweep', {}, admin.idToken);
    expect(report.swept).toBe(1);

    const swept = (await stale.get()).data()!;
    expect(swept).toMatchObject({ state: 'failed', error: { code: 'worker_lost' } });
    expect((await live.get()).data()).toMatchObject({ state: 'running' });

    const recorded = await waitFor(
      async () =>
        (
          await db()
            .collection('audit_logs')
            .where('tenantId', '==', tenant)
            .where('eventType', '==', 'compliance.export.failed')
            .get()
        ).docs,
      (docs) => docs.length >= 1,
      { what: 'the failed export entry' },
    );
    expect(recorded[0]!.data()).toMatchObject({ resource: { id: `stale-${tenant}` } });

    // A second sweep finds nothing left to do.
    expect((await ok<{ swept: number }>('runExportSweep', {}, admin.idToken)).swept).toBe(0);
  });
});
