import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { fails, ok, readEntry, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';

// Nobody reviews their own actions: the user who acted (the entry's user actor) can neither
// decide, confirm nor be assigned the review of that entry, through the real callables with ID
// tokens from the Auth emulator. Another reviewer can.

const db = () => adminDb();
let tenant: string;
let admin: User;
let alice: User;
let bob: User;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  tenant = uniqueTenant('self-review');
  await createTenant(db(), tenant);
  [admin, alice, bob] = await Promise.all([
    tenantUser(db(), tenant, 'admin'),
    tenantUser(db(), tenant, 'reviewer'),
    tenantUser(db(), tenant, 'reviewer'),
  ]);
});

afterAll(async () => {
  await closeAdminApp();
});

/** A flagged entry whose actor is `actorUid`: CRITICAL SECURITY (two persons) or a CRITICAL change. */
async function flaggedBy(actorUid: string, kind: 'security' | 'config'): Promise<string> {
  const actor = { type: 'user', id: actorUid };
  const envelope =
    kind === 'security'
      ? testEnvelope(tenant, {
          eventType: 'security.secret.leaked',
          source: 'secret-scanner',
          actor,
          changes: undefined,
        })
      : testEnvelope(tenant, {
          eventType: 'repo.visibility_changed',
          operation: 'UPDATE',
          actor,
          changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
        });
  await publishEnvelope(envelope);
  const logId = logIdFor(tenant, String(envelope.source), String(envelope.eventId));
  await waitForDoc(db().collection('audit_logs').doc(logId), `flagged ${kind} entry`);
  expect(await readEntry(db(), logId)).toMatchObject({
    requiresReview: true,
    reviewStatus: 'pending',
    actor: { id: actorUid },
  });
  return logId;
}

const SELF_REVIEW = { status: 'PERMISSION_DENIED', code: 'self_review' };

describe('self-review', () => {
  it('refuses every decision of the actor on their own critical change; another reviewer decides it', async () => {
    const logId = await flaggedBy(alice.uid, 'config');
    for (const decision of ['approve', 'investigate', 'escalate']) {
      expect(await fails('decideReview', { logId, decision, note: 'my own change' }, alice.idToken)).toMatchObject(
        SELF_REVIEW,
      );
    }
    expect((await readEntry(db(), logId)).reviewStatus).toBe('pending');
    expect(await ok('decideReview', { logId, decision: 'approve', note: 'checked' }, bob.idToken)).toMatchObject({
      reviewStatus: 'approved',
    });
  });

  it('keeps the actor out of both approvals of a two-person item', async () => {
    const first = await flaggedBy(alice.uid, 'security');
    expect(
      await fails('decideReview', { logId: first, decision: 'approve', note: 'mine' }, alice.idToken),
    ).toMatchObject(SELF_REVIEW);
    await ok('decideReview', { logId: first, decision: 'approve', note: 'first approval' }, bob.idToken);
    expect(await fails('confirmReview', { logId: first, note: 'second approval' }, alice.idToken)).toMatchObject(
      SELF_REVIEW,
    );
    expect(await ok('confirmReview', { logId: first, note: 'second approval' }, admin.idToken)).toMatchObject({
      action: 'confirmed',
      reviewStatus: 'approved',
    });
  });

  it('refuses to assign the actor as reviewer of their own entry, also when an admin is the actor', async () => {
    const logId = await flaggedBy(alice.uid, 'config');
    expect(await fails('assignReviewer', { logId, reviewerUid: alice.uid, note: '' }, admin.idToken)).toMatchObject(
      SELF_REVIEW,
    );
    await ok('assignReviewer', { logId, reviewerUid: bob.uid, note: '' }, admin.idToken);

    const adminsOwn = await flaggedBy(admin.uid, 'config');
    expect(
      await fails('decideReview', { logId: adminsOwn, decision: 'approve', note: 'mine' }, admin.idToken),
    ).toMatchObject(SELF_REVIEW);
  });
});
