import type { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { fails, tenantUser } from '../support/commands';
import { postEvents, seedKey } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';

// Backdating: `occurredAt` decides which day an entry belongs to, and days past warm retention go
// to the archive. The attack: anyone who may write (a member through the outbox, a producer over
// Pub/Sub or HTTP) claims that large events happened months ago, onto days already past retention
// (and maybe archived), straight into the next archive run. Each path must dead-letter such an
// event with a reason and an error on `occurredAt`; importing history takes an explicit
// capability (an API key with the `backfill` scope, a Pub/Sub source the tenant lists).

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
const db = () => adminDb();
const tenant = uniqueTenant('backdate');
const DAY = 86_400_000;
/** A day well past the default warm retention (90 days). */
const longAgo = () => new Date(Date.now() - 120 * DAY).toISOString();
let serial = 0;

function oldEvent(source: string): Record<string, unknown> {
  serial++;
  return testEnvelope(tenant, { eventId: `old-${serial}`, source, occurredAt: longAgo() });
}

const logRef = (e: Record<string, unknown>) =>
  db().doc(`audit_logs/${logIdFor(tenant, String(e.source), String(e.eventId))}`);

async function deadLetterOf(e: Record<string, unknown>) {
  const snap = await waitFor(
    () => db().collection('audit_dead_letters').where('tenantId', '==', tenant).where('eventId', '==', e.eventId).get(),
    (s) => s.size > 0,
    { what: `the dead letter of ${String(e.eventId)}`, timeoutMs: 60_000 },
  );
  return snap.docs[0]!.data();
}

function expectBackdated(letter: Record<string, unknown>): void {
  expect(letter.reason).toBe('backdated');
  expect(letter.errors).toEqual([
    { path: 'occurredAt', message: expect.stringMatching(/^must not be more than 30 days in the past/) as unknown },
  ]);
}

beforeAll(async () => {
  await createTenant(db(), tenant, { ingest: { backfillSources: ['history-import'] } });
});

afterAll(async () => {
  await closeAdminApp();
});

describe('events that claim to be older than their producer may write', () => {
  it('are dead-lettered as backdated on Pub/Sub, the outbox and HTTP, and never stored', async () => {
    const viaPubSub = oldEvent('repo-service');
    await publishEnvelope(viaPubSub);
    const viaOutbox = oldEvent('repo-service');
    const outbox = db().collection('audit_outbox').doc();
    await outbox.set(viaOutbox);
    const viaHttp = oldEvent('repo-service');
    const answer = await postEvents(await seedKey(db(), tenant, ['ingest']), { events: [viaHttp] });
    expect(answer.status).toBe(400);
    expect((answer.body as { results: unknown[] }).results).toEqual([
      expect.objectContaining({
        status: 'rejected',
        reason: 'backdated',
        errors: [expect.objectContaining({ path: 'occurredAt' })],
      }),
    ]);

    for (const event of [viaPubSub, viaOutbox, viaHttp]) expectBackdated(await deadLetterOf(event));
    const failed = await waitFor(
      () => outbox.get(),
      (s) => s.get('status') === 'failed',
      { what: 'the outbox document marked failed', timeoutMs: 60_000 },
    );
    expect(failed.get('failure.reason')).toBe('backdated');
    for (const event of [viaPubSub, viaOutbox, viaHttp]) expect((await logRef(event).get()).exists).toBe(false);
  });

  it('are stored for producers with the backfill capability, and only for them', async () => {
    const importer = oldEvent('history-import');
    await publishEnvelope(importer);
    const stored = await waitForDoc(logRef(importer), 'the imported Pub/Sub event', 60_000);
    expect((stored.occurredAt as Timestamp).toDate().toISOString()).toBe(importer.occurredAt);

    const backfillKey = await seedKey(db(), tenant, ['ingest', 'backfill']);
    const viaHttp = oldEvent('billing-import');
    const answer = await postEvents(backfillKey, { events: [viaHttp] });
    expect(answer.status).toBe(202);
    expect((await logRef(viaHttp).get()).exists).toBe(true);

    // A key created before scopes existed keeps ingest and read, not backfill.
    const legacy = oldEvent('billing-import');
    const refused = await postEvents(await seedKey(db(), tenant), { events: [legacy] });
    expect((refused.body as { results: Array<{ reason?: string }> }).results[0]!.reason).toBe('backdated');
  });

  it('has a bound the admin sets, checked field by field', async () => {
    const admin = await tenantUser(db(), tenant, 'admin', false);
    const refused = await fails(
      'updateTenantSettings',
      { settings: { ingest: { maxBackdateDays: 0, backfillSources: [''] } } },
      admin.idToken,
    );
    expect(refused.code).toBe('invalid_argument');
    expect(refused.errors?.map((e) => e.path).sort()).toEqual([
      'settings.ingest.backfillSources.0',
      'settings.ingest.maxBackdateDays',
    ]);
  });
});
