import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';

// Whoever may publish to the ingest topic may name any tenant. A tenant that knows its Pub/Sub
// producers lists their sources; an event under any other source is dead-lettered, not stored.

const db = () => adminDb();

afterAll(async () => {
  await closeAdminApp();
});

describe('per-tenant Pub/Sub sources', () => {
  let tenant: string;
  let open: string;

  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'PUBSUB');
    tenant = uniqueTenant('pssources');
    open = uniqueTenant('psopen');
    await createTenant(db(), tenant, { ingest: { pubsubSources: ['billing-service'] } });
    await createTenant(db(), open);
  });

  it('dead-letters an event from a source the tenant did not allow, with an error on `source`', async () => {
    const intruder = testEnvelope(tenant, { source: 'intruder', eventId: 'forged-1' });
    const messageId = await publishEnvelope(intruder);
    const letter = await waitForDoc(
      db().collection('audit_dead_letters').doc(`pubsub-${messageId}`),
      'the dead letter',
    );
    expect(letter).toMatchObject({ reason: 'source_not_allowed', tenantId: tenant });
    expect(letter.errors).toEqual([expect.objectContaining({ path: 'source' })]);
    expect(
      (
        await db()
          .collection('audit_logs')
          .doc(logIdFor(tenant, 'intruder', 'forged-1'))
          .get()
      ).exists,
    ).toBe(false);
  });

  it('stores events of an allowed source, and of any source for a tenant without a list', async () => {
    await publishEnvelope(testEnvelope(tenant, { source: 'billing-service', eventId: 'ok-1' }));
    await publishEnvelope(testEnvelope(open, { source: 'anything', eventId: 'ok-2' }));
    await waitForDoc(
      db()
        .collection('audit_logs')
        .doc(logIdFor(tenant, 'billing-service', 'ok-1')),
      'allowed entry',
    );
    await waitForDoc(
      db()
        .collection('audit_logs')
        .doc(logIdFor(open, 'anything', 'ok-2')),
      'open tenant entry',
    );
  });
});
