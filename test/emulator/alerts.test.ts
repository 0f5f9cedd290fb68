import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchAlerts } from '../../functions/src/alerts/dispatch';
import { retryDueWebhookDeliveries } from '../../functions/src/alerts/webhook-retry';
import { defaultDeliveryNetwork } from '../../functions/src/alerts/webhook-transport';
import { deliveryId, mailId, notificationId, verifyWebhookSignature } from '../../functions/src/domain/alerts';
import { logIdFor } from '../../functions/src/domain/ids';
import type { EntryCreatedEvent } from '../../functions/src/reactions/new-activity';
import { handleNewEntry } from '../../functions/src/reactions/functions';
import { ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';
import { Receiver } from '../support/webhook-receiver';

// Alerts end to end: CRITICAL entries published through Pub/Sub produce one notification per
// (entry, rule, recipient), a Trigger Email document and a signed webhook delivery with retries.

const db = () => adminDb();

async function criticalEntry(tenantId: string): Promise<{ logId: string; data: DocumentData }> {
  const envelope = testEnvelope(tenantId, {
    eventType: 'repo.visibility_changed',
    operation: 'UPDATE',
    changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
  });
  await publishEnvelope(envelope);
  const logId = logIdFor(tenantId, envelope.source as string, envelope.eventId as string);
  const data = await waitForDoc(db().collection('audit_logs').doc(logId), 'the CRITICAL entry');
  expect(data.level).toBe('CRITICAL');
  return { logId, data };
}

describe('in-app and email alerts', () => {
  let tenant: string;
  let admin: User;
  let reviewer: User;
  let auditor: User;

  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
    tenant = uniqueTenant('alerts');
    // Rules are in place before any entry of the tenant exists: functions cache tenant settings
    // for a few seconds, and a settings change is allowed to reach new entries that late.
    await createTenant(db(), tenant, {
      alerts: {
        rules: [
          { id: 'critical', name: 'Critical events', levels: ['CRITICAL'], channels: ['in_app', 'email'] },
          {
            id: 'repo-visibility',
            name: 'Visibility',
            eventTypes: ['repo.visibility_*'],
            recipientRoles: ['reviewer'],
          },
        ],
      },
    });
    [admin, reviewer, auditor] = await Promise.all([
      tenantUser(db(), tenant, 'admin'),
      tenantUser(db(), tenant, 'reviewer'),
      tenantUser(db(), tenant, 'auditor'),
    ]);
  });

  afterAll(async () => {
    await closeAdminApp();
  });

  it('creates one notification per (entry, rule, recipient) and one email, even when the trigger is redelivered', async () => {
    const { logId, data } = await criticalEntry(tenant);
    const expected = [
      notificationId(logId, 'critical', admin.uid),
      notificationId(logId, 'repo-visibility', reviewer.uid),
    ];
    for (const id of expected) await waitForDoc(db().collection('notifications').doc(id), `notification ${id}`);
    const mail = await waitForDoc(
      db()
        .collection('mail')
        .doc(mailId(logId, 'critical', admin.email)),
      'the email',
    );
    expect(mail).toMatchObject({
      to: admin.email,
      message: {
        subject: `[audit] CRITICAL repo.visibility_changed (${tenant})`,
        text: expect.stringContaining(`/logs/${logId}`) as unknown,
        html: expect.stringContaining('<table>') as unknown,
      },
    });

    // At-least-once delivery: the same entry handled again, three times at once, adds nothing.
    const redelivered = await Promise.all([1, 2, 3].map(() => dispatchAlerts(db(), logId, data)));
    expect(redelivered.every((r) => r.notifications === 0 && r.mails === 0)).toBe(true);

    const notes = await db()
      .collection('notifications')
      .where('tenantId', '==', tenant)
      .where('logId', '==', logId)
      .get();
    expect(notes.docs.map((d) => d.id).sort()).toEqual([...expected].sort());
    expect(notes.docs.map((d) => d.get('recipientUid') as string).sort()).toEqual([admin.uid, reviewer.uid].sort());
    expect(notes.docs.every((d) => d.get('recipientUid') !== auditor.uid)).toBe(true);
    expect((await db().collection('mail').where('logId', '==', logId).get()).size).toBe(1);
  });

  it('keeps a read notification read when the trigger is redelivered', async () => {
    const { logId, data } = await criticalEntry(tenant);
    const id = notificationId(logId, 'critical', admin.uid);
    await waitForDoc(db().collection('notifications').doc(id), 'the notification');
    const marked = await ok<{ updated: number }>('markNotificationsRead', { ids: [id] }, admin.idToken);
    expect(marked.updated).toBe(1);
    // Another user's id is skipped, not marked.
    const foreign = await ok<{ updated: number }>(
      'markNotificationsRead',
      { ids: [notificationId(logId, 'repo-visibility', reviewer.uid)] },
      admin.idToken,
    );
    expect(foreign.updated).toBe(0);
    await dispatchAlerts(db(), logId, data);
    expect((await db().collection('notifications').doc(id).get()).get('read')).toBe(true);
  });

  it('does not alert again when an old entry is restored from the archive', async () => {
    const { logId, data } = await criticalEntry(tenant);
    // What a restore writes: an entry as it was archived, recorded days before this write.
    const restoredId = `${logId.slice(0, 24)}restored`;
    const ref = db().collection('audit_logs').doc(restoredId);
    await ref.create({ ...data, recordedAt: Timestamp.fromMillis(Date.now() - 3 * 86_400_000) });
    const snapshot = await ref.get();
    // The trigger's handler, given the create event of that write, dispatches nothing (the
    // deployed trigger `reactToEntry` gets the same event; test/emulator/restore-quiet.test.ts
    // covers a real restore).
    const event = { data: snapshot, time: snapshot.createTime!.toDate().toISOString(), params: { logId: restoredId } };
    await handleNewEntry(event as unknown as EntryCreatedEvent);
    const notes = await db()
      .collection('notifications')
      .where('tenantId', '==', tenant)
      .where('logId', '==', restoredId)
      .get();
    expect(notes.size).toBe(0);
  });

  it('does not alert on entries no rule matches', async () => {
    const envelope = testEnvelope(tenant, { eventType: 'issue.created', changes: undefined });
    await publishEnvelope(envelope);
    const logId = logIdFor(tenant, envelope.source as string, envelope.eventId as string);
    const data = await waitForDoc(db().collection('audit_logs').doc(logId), 'the INFO entry');
    expect(await dispatchAlerts(db(), logId, data)).toEqual({ rules: [], notifications: 0, mails: 0, webhooks: {} });
    expect(
      (await db().collection('notifications').where('tenantId', '==', tenant).where('logId', '==', logId).get()).size,
    ).toBe(0);
  });
});

describe('webhook delivery', () => {
  let tenant: string;
  let admin: User;
  let receiver: Receiver;
  let secret: string;

  beforeAll(async () => {
    tenant = uniqueTenant('webhook');
    receiver = new Receiver([503, 500, 204]);
    const url = await receiver.start();
    // Only repository visibility changes go to the webhook, so no other entry of the tenant
    // (sign-ins, membership changes) takes the receiver's scripted answers.
    await createTenant(db(), tenant, {
      webhook: { enabled: true, url },
      alerts: {
        rules: [
          {
            id: 'critical-hook',
            name: 'Critical to webhook',
            levels: ['CRITICAL'],
            eventTypes: ['repo.visibility_changed'],
            channels: ['webhook'],
          },
        ],
      },
    });
    admin = await tenantUser(db(), tenant, 'admin', false);
    secret = (await ok<{ secret: string }>('rotateWebhookSecret', {}, admin.idToken)).secret;
  });

  afterAll(async () => {
    await receiver?.stop();
    await closeAdminApp();
  });

  it('signs the body with the tenant secret and retries failures with exponential backoff', async () => {
    expect(secret).toMatch(/^whsec_/);

    const { logId } = await criticalEntry(tenant);
    const id = deliveryId(logId, 'critical-hook');
    const delivery = await waitFor(
      () => db().doc(`tenants/${tenant}/webhook_deliveries/${id}`).get(),
      (s) => s.get('status') === 'delivered',
      { what: 'the webhook delivery to succeed', timeoutMs: 60_000 },
    );
    expect(delivery.get('attempts')).toBe(3);
    expect((delivery.get('attemptLog') as Array<{ httpStatus?: number }>).map((a) => a.httpStatus)).toEqual([
      503, 500, 204,
    ]);

    expect(receiver.requests).toHaveLength(3);
    const bodies = new Set(receiver.requests.map((r) => r.body));
    expect(bodies.size).toBe(1);
    const body = JSON.parse(receiver.requests[0]!.body) as { id: string; entry: { logId: string; level: string } };
    expect(body).toMatchObject({ id, type: 'audit.alert', tenantId: tenant, entry: { logId, level: 'CRITICAL' } });
    for (const request of receiver.requests) {
      expect(request.headers['x-audit-delivery']).toBe(id);
      const header = request.headers['x-audit-signature'] as string;
      expect(verifyWebhookSignature(header, request.body, secret, Math.floor(request.at / 1000))).toBe(true);
      expect(verifyWebhookSignature(header, request.body, 'whsec_wrong', Math.floor(request.at / 1000))).toBe(false);
    }
    // Waits of about 1 s and then 4 s (±20%) between the attempts.
    const gaps = receiver.requests.slice(1).map((r, i) => r.at - receiver.requests[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(800);
    expect(gaps[1]).toBeGreaterThanOrEqual(3_200);
    expect(gaps[1]).toBeGreaterThan(gaps[0]!);
  });

  it('hands longer waits to the retry sweep and fails the delivery after the last attempt', async () => {
    receiver.reset([500]);

    const { logId } = await criticalEntry(tenant);
    const ref = db().doc(`tenants/${tenant}/webhook_deliveries/${deliveryId(logId, 'critical-hook')}`);
    const retrying = await waitFor(
      () => ref.get(),
      (s) => s.get('status') === 'retrying' && s.get('attempts') === 3,
      { what: 'three inline attempts, then a scheduled retry', timeoutMs: 60_000 },
    );
    let due = (retrying.get('nextAttemptAt') as Timestamp).toMillis();
    expect(due - Date.now()).toBeGreaterThan(5_000);

    // The sweep, with a clock that jumps to each due time (the real schedule runs every minute),
    // run here as on the emulators, where the receiver may be a local process.
    const network = { ...defaultDeliveryNetwork(), allowLoopback: true };
    let attempts = 3;
    while (attempts < 8) {
      const at = due + 1;
      const clock = { now: () => new Date(at), sleep: () => Promise.resolve(), random: () => 0.5 };
      const early = await retryDueWebhookDeliveries(db(), {
        tenantId: tenant,
        clock: { ...clock, now: () => new Date(due - 1_000) },
        network,
      });
      expect(early.attempted).toBe(0);
      const report = await retryDueWebhookDeliveries(db(), { tenantId: tenant, clock, network });
      expect(report.attempted).toBe(1);
      attempts++;
      const snap = await ref.get();
      expect(snap.get('attempts')).toBe(attempts);
      if (attempts < 8) {
        const next = (snap.get('nextAttemptAt') as Timestamp).toMillis();
        expect(next - at).toBeGreaterThanOrEqual(4 ** (attempts - 1) * 1000 * 0.8 - 1);
        due = next;
      }
    }
    const failed = (await ref.get()).data()!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 8, lastError: 'HTTP 500 after 8 attempts' });
    expect(receiver.requests).toHaveLength(8);
    expect((await retryDueWebhookDeliveries(db(), { tenantId: tenant })).attempted).toBe(0);
  });
});
