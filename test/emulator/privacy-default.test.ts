import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain';
import { ERASED } from '../../functions/src/domain/privacy';
import { getEvents, postEvents, seedKey, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { callOk, downloadViaLink, waitForJob } from '../support/exports';
import { waitForDoc } from '../support/ingest-paths';
import { createTenant, DAY } from '../support/tiering';

// The attack on the default: a tenant created the way a new user creates one (no `privacy`
// setting at all) ingests an event with a person's e-mail, the person is erased by two
// compliance officers, and nothing of their personal data may still be readable: not in the
// stored entry, not through the API, not in an export. With sealing off by default the e-mail
// stayed readable everywhere after an "erasure" that erased nothing.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'FIREBASE_AUTH');
const db = adminDb();

const tenant = uniqueTenant('privacy-default');
const ADA = { type: 'user', id: 'u-ada', name: 'Ada Lovelace', email: 'ada@example.com', ip: '203.0.113.7' };
const ADA_CLEAR = ['ada@example.com', 'Ada Lovelace', '203.0.113.7'];
const logId = logIdFor(tenant, 'repo-service', 'evt-ada');

let apiKey: string;
let auditor: string;

beforeAll(async () => {
  // Exactly what a fresh tenant holds: a name and a retention, no privacy section.
  await createTenant(db, tenant, 30);
  apiKey = await seedKey(db, tenant);
  const posted = await postEvents(apiKey, {
    events: [
      {
        specVersion: '1.0',
        eventId: 'evt-ada',
        eventType: 'repo.created',
        tenantId: tenant,
        occurredAt: new Date().toISOString(),
        source: 'repo-service',
        actor: ADA,
        resource: { type: 'repository', id: 'r-1' },
      },
    ],
  });
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  await waitForDoc(db.collection('audit_logs').doc(logId), logId, 60_000);
  auditor = (await signInWithClaims({ tenantId: tenant, role: 'auditor' })).idToken;
}, 120_000);

afterAll(async () => {
  await closeAdminApp();
});

async function apiEmail(): Promise<unknown> {
  const answer = await getEvents(apiKey, { actor_id: 'u-ada' });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const rows = (answer.body as { entries: { logId: string; actor: { email?: unknown } }[] }).entries;
  return rows.find((r) => r.logId === logId)?.actor.email;
}

async function exportJson(): Promise<string> {
  const from = new Date(Date.now() - DAY).toISOString();
  const to = new Date(Date.now() + DAY).toISOString();
  const { exportId } = await callOk<{ exportId: string }>(
    'startExport',
    { format: 'json', filter: { from, to } },
    auditor,
  );
  const job = await waitForJob(db, 'audit_exports', exportId);
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  const response = await downloadViaLink('export', exportId, auditor);
  expect(response.status).toBe(200);
  return response.text();
}

describe('a tenant without a privacy setting', () => {
  it("stores the actor's personal fields sealed, and opens them for its readers", async () => {
    const text = JSON.stringify((await db.collection('audit_logs').doc(logId).get()).data());
    for (const clear of ADA_CLEAR) expect(text).not.toContain(clear);
    expect(await apiEmail()).toBe('ada@example.com');
  });

  it('erases the person everywhere once two officers have approved', async () => {
    const officer = (await signInWithClaims({ tenantId: tenant, role: 'compliance' })).idToken;
    const second = (await signInWithClaims({ tenantId: tenant, role: 'compliance' })).idToken;
    const { erasureId } = await callOk<{ erasureId: string }>(
      'requestErasure',
      { subject: 'u-ada', reason: 'data subject request, art. 17' },
      officer,
    );
    const executed = await callOk<{ status: string; keyDestroyed: boolean }>('approveErasure', { erasureId }, second);
    expect(executed).toMatchObject({ status: 'executed', keyDestroyed: true });

    // Other instances forget the key within their cache's time-to-live.
    await waitFor(apiEmail, (email) => email === ERASED, {
      timeoutMs: 40_000,
      intervalMs: 1000,
      what: 'the API to show the erased e-mail',
    });
    const text = await waitFor(exportJson, (t) => !t.includes('ada@example.com'), {
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'an export without the erased e-mail',
    });
    for (const clear of ADA_CLEAR) expect(text).not.toContain(clear);
    const stored = JSON.stringify((await db.collection('audit_logs').doc(logId).get()).data());
    for (const clear of ADA_CLEAR) expect(stored).not.toContain(clear);
  });
});
