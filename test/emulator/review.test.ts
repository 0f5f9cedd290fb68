import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash } from '../../functions/src/domain/entry';
import { logIdFor } from '../../functions/src/domain/ids';
import { fromStored } from '../../functions/src/store/converters';
import { call, fails, ok, readEntry, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';

// The review workflow through the real callables, over HTTP with ID tokens from the Auth
// emulator: flagged entries arrive through Pub/Sub, reviewers decide, and every decision changes
// only the entry's review doc (audit_reviews; the entry never changes) and is itself an audit
// entry linked to the reviewed one.

const db = () => adminDb();
let tenant: string;
let other: string;
let admin: User;
let alice: User;
let bob: User;
let auditor: User;
let member: User;
let outsider: User;

interface Applied {
  logId: string;
  action: string;
  reviewStatus: string;
  awaitingConfirmation: boolean;
  auditEventId: string;
  auditLogId: string;
  investigationId?: string;
}

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  tenant = uniqueTenant('review');
  other = uniqueTenant('review-other');
  await createTenant(db(), tenant, { review: { deadlineHours: { CRITICAL: 2 } } });
  await createTenant(db(), other);
  [admin, alice, bob, auditor, member, outsider] = await Promise.all([
    tenantUser(db(), tenant, 'admin'),
    tenantUser(db(), tenant, 'reviewer'),
    tenantUser(db(), tenant, 'reviewer'),
    tenantUser(db(), tenant, 'auditor'),
    tenantUser(db(), tenant, 'member'),
    tenantUser(db(), other, 'reviewer'),
  ]);
});

afterAll(async () => {
  await closeAdminApp();
});

/** A CRITICAL SECURITY event (two-person rule) or a CRITICAL configuration change (one person). */
async function flagged(kind: 'security' | 'config'): Promise<string> {
  const envelope =
    kind === 'security'
      ? testEnvelope(tenant, {
          eventType: 'security.secret.leaked',
          source: 'secret-scanner',
          resource: { type: 'repository', id: 'r-api', name: 'api' },
          changes: undefined,
        })
      : testEnvelope(tenant, {
          eventType: 'repo.visibility_changed',
          operation: 'UPDATE',
          changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
        });
  await publishEnvelope(envelope);
  const logId = logIdFor(tenant, envelope.source as string, envelope.eventId as string);
  await waitForDoc(db().collection('audit_logs').doc(logId), `flagged ${kind} entry`);
  expect(await entry(logId)).toMatchObject({ requiresReview: true, reviewStatus: 'pending', level: 'CRITICAL' });
  return logId;
}

function entry(logId: string) {
  return readEntry(db(), logId);
}

describe('decideReview', () => {
  it('approves with a note: only the review doc changes, and the decision is a linked audit entry', async () => {
    const logId = await flagged('config');
    const before = await entry(logId);

    const applied = await ok<Applied>(
      'decideReview',
      { logId, decision: 'approve', note: 'planned release' },
      alice.idToken,
    );
    expect(applied).toMatchObject({ logId, action: 'approved', reviewStatus: 'approved', awaitingConfirmation: false });

    const after = await entry(logId);
    expect(after.reviewStatus).toBe('approved');
    expect(after.review.decisions).toEqual([
      expect.objectContaining({
        action: 'approved',
        note: 'planned release',
        by: { uid: alice.uid, email: alice.email },
      }),
    ]);
    // Everything the hash covers is untouched, so the entry still verifies.
    const { review: _r, reviewStatus: _s, ...restAfter } = after;
    const { review: _r0, reviewStatus: _s0, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
    expect(entryHash(fromStored(after))).toBe(after.hash);

    const decision = await waitForDoc(db().collection('audit_logs').doc(applied.auditLogId), 'the decision entry');
    expect(decision).toMatchObject({
      tenantId: tenant,
      eventType: 'audit.review.approved',
      source: 'audit-review',
      actor: { type: 'user', id: alice.uid },
      resource: { type: 'audit_entry', id: logId },
      context: { correlationId: logId },
      metadata: expect.objectContaining({ note: 'planned release', action: 'approved' }) as unknown,
      changes: {
        before: expect.objectContaining({ reviewStatus: 'pending' }) as unknown,
        after: expect.objectContaining({ reviewStatus: 'approved' }) as unknown,
      },
    });

    const again = await fails('decideReview', { logId, decision: 'escalate', note: 'too late' }, bob.idToken);
    expect(again).toMatchObject({ status: 'FAILED_PRECONDITION', code: 'review_closed' });
  });

  it('requires a note and a reviewer or admin of the same tenant', async () => {
    const logId = await flagged('config');
    const noNote = await fails('decideReview', { logId, decision: 'approve', note: ' ' }, alice.idToken);
    expect(noNote).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'invalid_argument' });
    expect(noNote.errors).toEqual([expect.objectContaining({ path: 'note' })]);
    expect(await fails('decideReview', { logId, decision: 'approve' }, alice.idToken)).toMatchObject({
      code: 'invalid_argument',
    });
    expect(await fails('decideReview', { logId, decision: 'approve', note: 'fine' }, auditor.idToken)).toMatchObject({
      status: 'PERMISSION_DENIED',
    });
    expect(await fails('decideReview', { logId, decision: 'approve', note: 'fine' }, member.idToken)).toMatchObject({
      status: 'PERMISSION_DENIED',
    });
    expect(await fails('decideReview', { logId, decision: 'approve', note: 'fine' }, outsider.idToken)).toMatchObject({
      status: 'NOT_FOUND',
    });
    expect(await fails('decideReview', { logId, decision: 'approve', note: 'fine' })).toMatchObject({
      status: 'UNAUTHENTICATED',
    });
    expect((await entry(logId)).reviewStatus).toBe('pending');
  });

  it('investigate opens an investigation; escalate notifies the admins; approving closes both', async () => {
    const logId = await flagged('config');
    const inv = await ok<Applied>(
      'decideReview',
      { logId, decision: 'investigate', note: 'who changed it?' },
      alice.idToken,
    );
    expect(inv).toMatchObject({ reviewStatus: 'investigating', investigationId: logId });
    const investigation = await db().doc(`tenants/${tenant}/investigations/${logId}`).get();
    expect(investigation.data()).toMatchObject({
      tenantId: tenant,
      logId,
      status: 'open',
      openedBy: { uid: alice.uid },
      note: 'who changed it?',
      entry: { eventType: 'repo.visibility_changed', level: 'CRITICAL' },
    });

    const esc = await ok<Applied>(
      'decideReview',
      { logId, decision: 'escalate', note: 'needs the owner' },
      bob.idToken,
    );
    expect(esc.reviewStatus).toBe('escalated');
    const escalations = await db()
      .collection('notifications')
      .where('tenantId', '==', tenant)
      .where('recipientUid', '==', admin.uid)
      .where('logId', '==', logId)
      .where('kind', '==', 'review_escalated')
      .get();
    expect(escalations.docs.map((d) => d.data())).toEqual([
      expect.objectContaining({ read: false, body: expect.stringContaining('needs the owner') as unknown }),
    ]);
    const mail = await db()
      .collection('mail')
      .where('logId', '==', logId)
      .where('kind', '==', 'review_escalated')
      .get();
    expect(mail.docs.map((d) => d.get('to') as string)).toEqual([admin.email]);
    expect(mail.docs[0]!.get('message')).toMatchObject({
      subject: expect.stringContaining('Review escalated') as unknown,
    });

    const closed = await ok<Applied>(
      'decideReview',
      { logId, decision: 'approve', note: 'owner confirmed' },
      admin.idToken,
    );
    expect(closed.reviewStatus).toBe('approved');
    expect((await db().doc(`tenants/${tenant}/investigations/${logId}`).get()).data()).toMatchObject({
      status: 'closed',
      closedBy: { uid: admin.uid },
    });
    expect((await entry(logId)).review.decisions.map((d) => d.action)).toEqual([
      'investigate',
      'escalated',
      'approved',
    ]);
  });
});

describe('assignReviewer', () => {
  it('lets admins assign a reviewer of the tenant, who (or an admin) then decides', async () => {
    const logId = await flagged('config');
    expect(await fails('assignReviewer', { logId, reviewerUid: alice.uid }, bob.idToken)).toMatchObject({
      status: 'PERMISSION_DENIED',
    });
    expect(await fails('assignReviewer', { logId, reviewerUid: member.uid }, admin.idToken)).toMatchObject({
      code: 'invalid_assignee',
    });
    expect(await fails('assignReviewer', { logId, reviewerUid: outsider.uid }, admin.idToken)).toMatchObject({
      code: 'invalid_assignee',
    });
    const assigned = await ok<Applied>(
      'assignReviewer',
      { logId, reviewerUid: alice.uid, note: 'yours' },
      admin.idToken,
    );
    expect(assigned.action).toBe('assigned');
    expect((await entry(logId)).review.assignee).toEqual({ uid: alice.uid, email: alice.email });
    await waitForDoc(db().collection('audit_logs').doc(assigned.auditLogId), 'the assignment entry');

    expect(await fails('decideReview', { logId, decision: 'approve', note: 'mine' }, bob.idToken)).toMatchObject({
      code: 'not_assignee',
    });
    const done = await ok<Applied>('decideReview', { logId, decision: 'approve', note: 'checked' }, alice.idToken);
    expect(done.reviewStatus).toBe('approved');
  });
});

describe('the two-person rule (CRITICAL SECURITY)', () => {
  it('cannot be bypassed by the same user confirming, even many times at once', async () => {
    const logId = await flagged('security');
    const first = await ok<Applied>(
      'decideReview',
      { logId, decision: 'approve', note: 'false positive' },
      alice.idToken,
    );
    expect(first).toMatchObject({ reviewStatus: 'pending', awaitingConfirmation: true });

    const selfConfirms = await Promise.all(
      Array.from({ length: 5 }, () => call('confirmReview', { logId, note: 'confirming myself' }, alice.idToken)),
    );
    for (const outcome of selfConfirms) {
      expect(outcome).toMatchObject({ ok: false, error: { status: 'PERMISSION_DENIED', code: 'two_person_rule' } });
    }
    expect(await fails('decideReview', { logId, decision: 'approve', note: 'again' }, alice.idToken)).toMatchObject({
      code: 'awaiting_confirmation',
    });
    const still = await entry(logId);
    expect(still.reviewStatus).toBe('pending');
    expect(still.review.awaitingConfirmation?.by.uid).toBe(alice.uid);
    expect(still.review.decisions).toHaveLength(1);

    // Two different second reviewers race: exactly one confirmation closes the review.
    const race = await Promise.all([
      call<Applied>('confirmReview', { logId, note: 'agreed' }, bob.idToken),
      call<Applied>('confirmReview', { logId, note: 'agreed too' }, admin.idToken),
    ]);
    expect(race.filter((o) => o.ok)).toHaveLength(1);
    expect(race.find((o) => !o.ok)).toMatchObject({ error: { code: 'review_closed' } });

    const closed = await entry(logId);
    expect(closed.reviewStatus).toBe('approved');
    expect(closed.review.awaitingConfirmation).toBeUndefined();
    expect(closed.review.decisions.map((d) => d.action)).toEqual(['approved', 'confirmed']);
    expect(closed.review.decisions[1]?.by?.uid).not.toBe(alice.uid);
    const confirmed = race.find((o) => o.ok) as { ok: true; result: Applied };
    await waitForDoc(db().collection('audit_logs').doc(confirmed.result.auditLogId), 'the confirmation entry');
  });

  it('refuses a confirmation when nothing waits for one', async () => {
    const logId = await flagged('security');
    expect(await fails('confirmReview', { logId, note: 'nothing here' }, bob.idToken)).toMatchObject({
      code: 'nothing_to_confirm',
    });
  });
});

describe('review deadlines', () => {
  it('are stamped on flagged entries from the tenant setting for their level', async () => {
    const logId = await flagged('config');
    const data = await waitFor(
      () => entry(logId),
      (d) => d.review?.dueAt instanceof Timestamp,
      { what: 'review.dueAt to be stamped' },
    );
    const recordedAt = (data.recordedAt as Timestamp).toMillis();
    expect((data.review.dueAt as Timestamp).toMillis() - recordedAt).toBe(2 * 3_600_000);
  });
});
