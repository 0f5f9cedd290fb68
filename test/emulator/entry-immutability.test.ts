import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { escalateOverdueReviews } from '../../functions/src/review/escalation';
import { ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';

// The tamper-evidence claim "an entry is never updated" attacked through a whole review flow:
// the deadline stamp, assignment, a two-person approval, an investigation, a manual escalation
// and the overdue sweep. Firestore's own `updateTime` of the entry document must never move
// (any write, even one that leaves the hashed fields alone, moves it), while the review state in
// `audit_reviews/{logId}` follows every step.

const db = () => adminDb();
let tenant: string;
let admin: User;
let alice: User;
let bob: User;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  tenant = uniqueTenant('immutable');
  await createTenant(db(), tenant, { review: { deadlineHours: { CRITICAL: 2 } } });
  [admin, alice, bob] = await Promise.all([
    tenantUser(db(), tenant, 'admin'),
    tenantUser(db(), tenant, 'reviewer'),
    tenantUser(db(), tenant, 'reviewer'),
  ]);
});

afterAll(async () => {
  await closeAdminApp();
});

const entryRef = (logId: string) => db().collection('audit_logs').doc(logId);
const reviewRef = (logId: string) => db().collection('audit_reviews').doc(logId);

/** A flagged entry through Pub/Sub; returns its id and the `updateTime` it was created with. */
async function flagged(kind: 'security' | 'config'): Promise<{ logId: string; written: Timestamp }> {
  const envelope =
    kind === 'security'
      ? testEnvelope(tenant, { eventType: 'security.secret.leaked', source: 'secret-scanner', changes: undefined })
      : testEnvelope(tenant, {
          eventType: 'repo.visibility_changed',
          operation: 'UPDATE',
          changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
        });
  await publishEnvelope(envelope);
  const logId = logIdFor(tenant, envelope.source as string, envelope.eventId as string);
  await waitForDoc(entryRef(logId), `flagged ${kind} entry`);
  const snap = await entryRef(logId).get();
  // Created once, never written since: both times agree.
  expect(snap.updateTime!.isEqual(snap.createTime!)).toBe(true);
  expect(snap.get('reviewStatus')).toBeUndefined();
  expect(snap.get('review')).toBeUndefined();
  return { logId, written: snap.updateTime! };
}

/** Fails when the entry document was written after its creation. */
async function expectUntouched(logId: string, written: Timestamp): Promise<void> {
  const snap = await entryRef(logId).get();
  expect(snap.exists).toBe(true);
  expect(snap.updateTime!.isEqual(written), `audit_logs/${logId} was updated`).toBe(true);
}

/** Waits for the review doc to satisfy a condition (the trigger stamps the deadline later). */
function reviewWhere(logId: string, what: string, until: (d: DocumentData) => boolean): Promise<DocumentData> {
  return waitFor(async () => (await reviewRef(logId).get()).data() ?? {}, until, {
    what: `audit_reviews/${logId}: ${what}`,
    timeoutMs: 60_000,
  });
}

const actions = (d: DocumentData) => (d.decisions as Array<{ action: string }>).map((x) => x.action);

describe('entries never change during review', () => {
  it('a two-person approval with assignment and deadline writes only audit_reviews', async () => {
    const { logId, written } = await flagged('security');
    const stamped = await reviewWhere(logId, 'dueAt stamped', (d) => d.dueAt instanceof Timestamp);
    expect(stamped).toMatchObject({ tenantId: tenant, status: 'pending', level: 'CRITICAL', category: 'SECURITY' });
    await expectUntouched(logId, written);

    await ok('assignReviewer', { logId, reviewerUid: alice.uid, note: 'yours' }, admin.idToken);
    expect((await reviewRef(logId).get()).get('assignee')).toEqual({ uid: alice.uid, email: alice.email });
    await expectUntouched(logId, written);

    await ok('decideReview', { logId, decision: 'approve', note: 'false positive' }, alice.idToken);
    const first = (await reviewRef(logId).get()).data()!;
    expect(first.status).toBe('pending');
    expect(first.awaitingConfirmation).toMatchObject({ by: { uid: alice.uid } });
    await expectUntouched(logId, written);

    await ok('confirmReview', { logId, note: 'agreed' }, bob.idToken);
    const closed = (await reviewRef(logId).get()).data()!;
    expect(closed.status).toBe('approved');
    expect(actions(closed)).toEqual(['assigned', 'approved', 'confirmed']);
    expect(closed.closedAt).toBeInstanceOf(Timestamp);
    await expectUntouched(logId, written);
  });

  it('investigation, manual escalation and the overdue sweep write only audit_reviews', async () => {
    const manual = await flagged('config');
    const swept = await flagged('config');
    await reviewWhere(manual.logId, 'dueAt stamped', (d) => d.dueAt instanceof Timestamp);
    await reviewWhere(swept.logId, 'dueAt stamped', (d) => d.dueAt instanceof Timestamp);

    await ok('decideReview', { logId: manual.logId, decision: 'investigate', note: 'who?' }, alice.idToken);
    expect((await reviewRef(manual.logId).get()).data()).toMatchObject({
      status: 'investigating',
      investigationId: manual.logId,
    });
    await ok('decideReview', { logId: manual.logId, decision: 'escalate', note: 'owner' }, bob.idToken);
    expect((await reviewRef(manual.logId).get()).get('status')).toBe('escalated');
    await expectUntouched(manual.logId, manual.written);

    // Time passes: the deadline is behind us (the emulator's clock cannot be moved, so it is).
    await reviewRef(swept.logId).update({ dueAt: Timestamp.fromMillis(Date.now() - 60_000) });
    const report = await escalateOverdueReviews(db(), { tenantId: tenant });
    expect(report.escalatedLogIds).toContain(swept.logId);
    const escalated = (await reviewRef(swept.logId).get()).data()!;
    expect(escalated).toMatchObject({ status: 'escalated' });
    expect(escalated.overdueEscalatedAt).toBeInstanceOf(Timestamp);
    await expectUntouched(swept.logId, swept.written);
    await expectUntouched(manual.logId, manual.written);
  });

  it('entries that need no review get no review doc and are never written either', async () => {
    const envelope = testEnvelope(tenant, { eventType: 'issue.created', changes: undefined });
    await publishEnvelope(envelope);
    const logId = logIdFor(tenant, envelope.source as string, envelope.eventId as string);
    const data = await waitForDoc(entryRef(logId), 'unflagged entry');
    expect(data.requiresReview).toBe(false);
    expect(data.reviewStatus).toBeUndefined();
    expect((await reviewRef(logId).get()).exists).toBe(false);
  });
});
