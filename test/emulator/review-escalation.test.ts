import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { escalateOverdueReviews } from '../../functions/src/review/escalation';
import { FUNCTIONS_BASE } from '../support/api-client';
import { fails, ok, readEntry, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope } from '../support/ingest-paths';

// The deadline escalation: overdue flagged entries are escalated exactly once, whether the plain
// module runs several times at once, the admin entry point runs, or the scheduled function fires.

const db = () => adminDb();
let tenant: string;
let admin: User;
let reviewer: User;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  tenant = uniqueTenant('escalate');
  await createTenant(db(), tenant, { review: { deadlineHours: { CRITICAL: 1, ERROR: 3 } } });
  [admin, reviewer] = await Promise.all([tenantUser(db(), tenant, 'admin'), tenantUser(db(), tenant, 'reviewer')]);
});

afterAll(async () => {
  await closeAdminApp();
});

/** Flagged entries through Pub/Sub, waited for until their deadline is stamped. */
async function flaggedEntries(
  count: number,
  level: 'CRITICAL' | 'WARNING',
): Promise<Array<{ logId: string; dueAt: Timestamp }>> {
  const envelopes = Array.from({ length: count }, () =>
    level === 'CRITICAL'
      ? testEnvelope(tenant, { eventType: 'security.token.exposed', source: 'scanner', changes: undefined })
      : // A SECURITY entry of low risk is a WARNING: flagged, but one reviewer suffices.
        testEnvelope(tenant, {
          eventType: 'auth.mfa.disabled',
          source: 'auth',
          changes: undefined,
        }),
  );
  await Promise.all(envelopes.map(publishEnvelope));
  return Promise.all(
    envelopes.map(async (e) => {
      const logId = logIdFor(tenant, e.source as string, e.eventId as string);
      const data = await waitFor(
        () => db().collection('audit_reviews').doc(logId).get(),
        (s) => s.get('dueAt') instanceof Timestamp,
        { what: `dueAt of audit_reviews/${logId}`, timeoutMs: 60_000 },
      );
      expect(data.get('level')).toBe(level);
      return { logId, dueAt: data.get('dueAt') as Timestamp };
    }),
  );
}

async function escalationNotices(logId: string) {
  return db()
    .collection('notifications')
    .where('tenantId', '==', tenant)
    .where('logId', '==', logId)
    .where('kind', '==', 'review_escalated')
    .get();
}

describe('overdue escalation', () => {
  it('moves overdue items exactly once when runs overlap, and leaves the rest alone', async () => {
    const overdue = await flaggedEntries(4, 'CRITICAL');
    const notYet = await flaggedEntries(1, 'WARNING');
    const decided = (await flaggedEntries(1, 'CRITICAL'))[0]!;
    await ok('decideReview', { logId: decided.logId, decision: 'investigate', note: 'on it' }, reviewer.idToken);

    // Time passes: the CRITICAL deadlines (and the decided entry's) are now behind us; the WARNING
    // entry's is not. (The emulator's clock cannot be moved, so the deadlines are.)
    const past = Timestamp.fromMillis(Date.now() - 60_000);
    await Promise.all(
      [...overdue, decided].map(({ logId }) => db().collection('audit_reviews').doc(logId).update({ dueAt: past })),
    );
    const now = new Date();
    expect(now.getTime()).toBeLessThan(notYet[0]!.dueAt.toMillis());

    const runs = await Promise.all(
      [1, 2, 3].map(() => escalateOverdueReviews(db(), { now, tenantId: tenant, pageSize: 2 })),
    );
    const again = await escalateOverdueReviews(db(), { now, tenantId: tenant });
    // The tenant may hold other overdue entries (an admin's membership change is CRITICAL too):
    // whatever was escalated, no entry was escalated by two runs, and each of ours by one.
    const escalated = runs.flatMap((r) => r.escalatedLogIds);
    expect(new Set(escalated).size).toBe(escalated.length);
    for (const { logId } of overdue) expect(escalated).toContain(logId);
    expect(again.escalated).toBe(0);

    for (const { logId } of overdue) {
      const data = await readEntry(db(), logId);
      expect(data.reviewStatus).toBe('escalated');
      expect(data.review.overdueEscalatedAt).toBeInstanceOf(Timestamp);
      const escalations = data.review.decisions.filter((d) => d.action === 'escalated');
      expect(escalations).toEqual([expect.objectContaining({ by: null })]);
      const notices = await escalationNotices(logId);
      expect(notices.docs.map((d) => d.get('recipientUid') as string)).toEqual([admin.uid]);
    }
    // Exactly one audit entry per escalation, by the system, linked to the entry.
    const ours = new Set(overdue.map((o) => o.logId));
    const entries = await waitFor(
      async () =>
        (
          await db()
            .collection('audit_logs')
            .where('tenantId', '==', tenant)
            .where('eventType', '==', 'audit.review.escalated')
            .get()
        ).docs.map((d) => d.data()),
      (all) => all.filter((e) => ours.has((e.resource as { id: string }).id)).length >= ours.size,
      { what: 'escalation audit entries', timeoutMs: 60_000 },
    );
    const mine = entries.filter((e) => ours.has((e.resource as { id: string }).id));
    expect(mine).toHaveLength(ours.size);
    expect(new Set(mine.map((e) => (e.resource as { id: string }).id))).toEqual(ours);
    expect(mine.every((e) => (e.actor as { type: string }).type === 'system')).toBe(true);

    expect((await readEntry(db(), notYet[0]!.logId)).reviewStatus).toBe('pending');
    expect((await readEntry(db(), decided.logId)).reviewStatus).toBe('investigating');
  });

  it('runs from the admin entry point and from the scheduled function, still once', async () => {
    const [item] = await flaggedEntries(1, 'CRITICAL');
    // Time passes: the deadline is now behind us (the emulator's clock cannot be moved).
    await db()
      .collection('audit_reviews')
      .doc(item!.logId)
      .update({ dueAt: Timestamp.fromMillis(Date.now() - 60_000) });

    expect(await fails('runReviewEscalation', {}, reviewer.idToken)).toMatchObject({ status: 'PERMISSION_DENIED' });
    const scheduled = fetch(`${FUNCTIONS_BASE}/escalateOverdueReviewsScheduled-0`, {
      method: 'POST',
      headers: {
        'X-CloudScheduler-JobName': 'escalateOverdueReviewsScheduled',
        'X-CloudScheduler-ScheduleTime': new Date().toISOString(),
      },
    });
    const manual = ok<{ escalated: number }>('runReviewEscalation', {}, admin.idToken);
    const [response, report] = await Promise.all([scheduled, manual]);
    expect(response.status).toBeLessThan(300);

    const data = await readEntry(db(), item!.logId);
    expect(data.reviewStatus).toBe('escalated');
    expect(report.escalated).toBeLessThanOrEqual(1);
    expect(data.review.decisions.filter((d) => d.action === 'escalated')).toHaveLength(1);
    expect((await escalationNotices(item!.logId)).size).toBe(1);
  });
});
