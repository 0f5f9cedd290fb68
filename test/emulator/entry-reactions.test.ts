import { Timestamp, type DocumentData, type DocumentSnapshot } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANOMALY_WINDOWS } from '../../functions/src/anomaly/anomaly';
import { buildEntry, readTenantSettings, validateEnvelope } from '../../functions/src/domain';
import { WEBHOOK_DELIVERY_HEADER, deliveryId, mailId, notificationId } from '../../functions/src/domain/alerts';
import {
  ANOMALY_EVENT_TYPE,
  ANOMALY_SOURCE,
  DENIED_EVENT_TYPE,
  anomalyEventId,
  windowKeyOf,
} from '../../functions/src/domain/anomaly';
import { logIdFor } from '../../functions/src/domain/ids';
import { ReactionsFailedError } from '../../functions/src/domain/reactions';
import {
  alertsReaction,
  anomalyReaction,
  reviewDeadlineReaction,
  type EntryReaction,
} from '../../functions/src/reactions/entry-reactions';
import { ENTRY_REACTIONS_LEDGER } from '../../functions/src/reactions/ledger';
import type { EntryCreatedEvent } from '../../functions/src/reactions/new-activity';
import { handleNewEntry } from '../../functions/src/reactions/functions';
import { toStored } from '../../functions/src/store/converters';
import { envelope } from '../fixtures/envelopes';
import { ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';
import { Receiver } from '../support/webhook-receiver';
import { DENIED_RESOURCE, denialFields } from '../support/denials';

// One trigger, `reactToEntry`, runs the anomaly, alert and review-deadline reactions of every
// stored entry. End to end through Pub/Sub: entries that concern all three get each effect once.
// In process against the Firestore emulator: a failing reaction makes the handler throw (so the
// platform redelivers) without holding back the others, and the redelivery completes it
// without repeating what the others did.

const db = () => adminDb();
const HOUR = 3_600_000;
const WINDOW_MS = 300_000;
const RESOURCE = DENIED_RESOURCE;

/** Denials are made CRITICAL (so they alert and need review) and counted by the anomaly rule. */
function tenantSettings(threshold: number, extra: DocumentData = {}): DocumentData {
  return {
    anomaly: { enabled: true, deniedThreshold: threshold, windowSeconds: WINDOW_MS / 1000 },
    classification: { overrides: [{ match: DENIED_EVENT_TYPE, level: 'CRITICAL', requiresReview: true }] },
    // The suite builds entries in its own process to drive the reactions; sealing (on by default)
    // is covered by the privacy suites, so these tenants keep personal fields in clear.
    privacy: { encryptPersonalData: false },
    ...extra,
  };
}

function denial(tenantId: string, actorId: string, at: number): Record<string, unknown> {
  return { ...denialFields(actorId, at), tenantId };
}

function windowKey(tenantId: string, actorId: string, at: number, threshold: number) {
  const denied = {
    logId: 'x',
    tenantId,
    occurredAt: new Date(at).toISOString(),
    actor: { type: 'user' as const, id: actorId },
  };
  const settings = { enabled: true, deniedThreshold: threshold, windowSeconds: WINDOW_MS / 1000 };
  return windowKeyOf({ ...denied, resource: RESOURCE }, settings)!;
}

async function countWhere(collection: string, tenantId: string, logId: string): Promise<number> {
  const snap = await db().collection(collection).where('tenantId', '==', tenantId).where('logId', '==', logId).get();
  return snap.size;
}

afterAll(async () => {
  await closeAdminApp();
});

describe('one trigger per stored entry, end to end', () => {
  const tenant = uniqueTenant('reactions');
  const THRESHOLD = 3;
  let admin: User;
  let receiver: Receiver;

  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
    receiver = new Receiver([204]);
    const url = await receiver.start();
    await createTenant(
      db(),
      tenant,
      tenantSettings(THRESHOLD, {
        webhook: { enabled: true, url },
        alerts: {
          rules: [
            { id: 'critical', name: 'Critical events', levels: ['CRITICAL'], channels: ['in_app', 'email'] },
            { id: 'denials-hook', name: 'Denials', eventTypes: [DENIED_EVENT_TYPE], channels: ['webhook'] },
          ],
        },
      }),
    );
    admin = await tenantUser(db(), tenant, 'admin');
    await ok('rotateWebhookSecret', {}, admin.idToken);
  });

  afterAll(async () => {
    await receiver?.stop();
  });

  it('gives every entry its anomaly count, alerts, webhook and review deadline exactly once', async () => {
    const windowStart = Math.floor((Date.now() - HOUR) / WINDOW_MS) * WINDOW_MS;
    const denials = Array.from({ length: 4 }, (_, i) =>
      testEnvelope(tenant, denial(tenant, 'u-mallory', windowStart + 1000 + i * 1000)),
    );
    await Promise.all(denials.map(publishEnvelope));
    const ids = denials.map((d) => logIdFor(tenant, d.source as string, d.eventId as string));

    for (const logId of ids) {
      await waitForDoc(
        db()
          .collection('notifications')
          .doc(notificationId(logId, 'critical', admin.uid)),
        'alert',
        60_000,
      );
      await waitForDoc(
        db()
          .collection('mail')
          .doc(mailId(logId, 'critical', admin.email)),
        'its email',
        60_000,
      );
      await waitFor(
        () =>
          db()
            .doc(`tenants/${tenant}/webhook_deliveries/${deliveryId(logId, 'denials-hook')}`)
            .get(),
        (s) => s.get('status') === 'delivered',
        { what: `the webhook delivery of ${logId}`, timeoutMs: 60_000 },
      );
      await waitFor(
        () => db().collection('audit_reviews').doc(logId).get(),
        (s) => s.get('dueAt') instanceof Timestamp,
        { what: `the review deadline of ${logId}`, timeoutMs: 60_000 },
      );
    }
    // Every denial counted once: four, the first three by id.
    const key = windowKey(tenant, 'u-mallory', windowStart + 1000, THRESHOLD);
    const counter = await waitFor(
      () => db().collection(ANOMALY_WINDOWS).doc(key.id).get(),
      (s) => s.get('count') === 4,
      { what: 'the window to count 4 denials', timeoutMs: 60_000 },
    );
    expect(counter.get('logIds')).toHaveLength(THRESHOLD);
    const anomalyId = logIdFor(tenant, ANOMALY_SOURCE, anomalyEventId(key));
    await waitForDoc(
      db()
        .collection('notifications')
        .doc(notificationId(anomalyId, 'critical', admin.uid)),
      'the anomaly alert',
      60_000,
    );
    const anomalies = await db()
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('eventType', '==', ANOMALY_EVENT_TYPE)
      .get();
    expect(anomalies.docs.map((d) => d.id)).toEqual([anomalyId]);

    for (const logId of ids) {
      expect(await countWhere('notifications', tenant, logId)).toBe(1);
      expect(await countWhere('mail', tenant, logId)).toBe(1);
    }
    const deliveries = receiver.requests.map((r) => r.headers[WEBHOOK_DELIVERY_HEADER] as string);
    expect(deliveries.sort()).toEqual(ids.map((id) => deliveryId(id, 'denials-hook')).sort());
    // Nothing failed, so nothing was recorded for a retry.
    const ledger = await db().getAll(...ids.map((id) => db().collection(ENTRY_REACTIONS_LEDGER).doc(id)));
    expect(ledger.filter((s) => s.exists)).toEqual([]);
  });
});

/** The reaction, failing with a transient-looking error the first time it runs. */
function failingOnce(reaction: EntryReaction): EntryReaction {
  let failed = false;
  return {
    ...reaction,
    run: (...args) => {
      if (failed) return reaction.run(...args);
      failed = true;
      return Promise.reject(new Error('UNAVAILABLE: simulated outage'));
    },
  };
}

describe('a failing reaction, in process', () => {
  const tenant = uniqueTenant('reactions-retry');
  const THRESHOLD = 2;
  let admin: User;
  // Entries are stored as if recorded seven hours ago, so the deployed trigger treats their
  // creation as a write-back and leaves them alone; the handler below gets the create event they
  // would have had when they were recorded (time a second later), so for it they are new.
  const recordedAt = Date.now() - 7 * HOUR;
  const windowStart = Math.floor((recordedAt - 60_000) / WINDOW_MS) * WINDOW_MS;

  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
    await createTenant(db(), tenant, tenantSettings(THRESHOLD));
    admin = await tenantUser(db(), tenant, 'admin');
  });

  async function store(overrides: Record<string, unknown>): Promise<EntryCreatedEvent> {
    const raw = envelope(tenant, overrides);
    for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
    const settings = readTenantSettings(tenantSettings(THRESHOLD)).settings;
    const entry = buildEntry(validateEnvelope(raw, new Date()), settings, { via: 'pubsub' });
    const ref = db().collection('audit_logs').doc(entry.logId);
    await ref.create({ ...toStored(entry, new Date(recordedAt)) });
    const snapshot = await ref.get();
    return {
      data: snapshot,
      time: new Date(recordedAt + 1000).toISOString(),
      params: { logId: entry.logId },
    } as unknown as EntryCreatedEvent;
  }

  // Stored here without its review doc (as a bulk store that lost it would): the deadline
  // reaction creates the review doc, pending, with the due date; the entry is never written.
  const reviewOf = (event: EntryCreatedEvent) => db().collection('audit_reviews').doc(event.data!.id);

  it('throws, lets the others finish, and on redelivery completes only the failed one', async () => {
    const [first, second, third] = await Promise.all(
      [0, 1, 2].map((i) => store(denial(tenant, 'u-eve', windowStart + 1000 + i * 1000))),
    );
    // The first two cross the threshold (the anomaly is stored for real); the third only adds to the count.
    await handleNewEntry(first!);
    await handleNewEntry(second!);

    const flaky = [anomalyReaction, alertsReaction, failingOnce(reviewDeadlineReaction)];
    const error: unknown = await handleNewEntry(third!, flaky).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReactionsFailedError);
    expect((error as ReactionsFailedError).failures.map((f) => f.name)).toEqual(['review-deadline']);

    const logId = third!.data!.id;
    const windowRef = db()
      .collection(ANOMALY_WINDOWS)
      .doc(windowKey(tenant, 'u-eve', windowStart + 1000, THRESHOLD).id);
    expect((await windowRef.get()).get('count')).toBe(3);
    const noteId = notificationId(logId, 'critical', admin.uid);
    expect((await db().collection('notifications').doc(noteId).get()).exists).toBe(true);
    expect(
      (
        await db()
          .collection('mail')
          .doc(mailId(logId, 'critical', admin.email))
          .get()
      ).exists,
    ).toBe(true);
    expect((await reviewOf(third!).get()).get('dueAt')).toBeUndefined();
    expect((await db().collection(ENTRY_REACTIONS_LEDGER).doc(logId).get()).get('done')).toEqual(['anomaly', 'alerts']);
    // The admin reads the alert before the redelivery.
    expect((await ok<{ updated: number }>('markNotificationsRead', { ids: [noteId] }, admin.idToken)).updated).toBe(1);

    // The redelivery, now that the outage is over.
    await handleNewEntry(third!, flaky);
    const due = (await reviewOf(third!).get()).get('dueAt') as unknown;
    expect(due).toBeInstanceOf(Timestamp);
    expect((due as Timestamp).toMillis()).toBe(recordedAt + 24 * HOUR);
    expect((await windowRef.get()).get('count')).toBe(3);
    expect(await countWhere('notifications', tenant, logId)).toBe(1);
    expect((await db().collection('notifications').doc(noteId).get()).get('read')).toBe(true);
    expect(await countWhere('mail', tenant, logId)).toBe(1);
  });

  it('relies on the repeat-safe reactions being no-ops when no ledger is needed', async () => {
    const event = await store({
      eventType: 'repo.visibility_changed',
      operation: 'UPDATE',
      changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    });
    const logId = event.data!.id;
    const flaky = [anomalyReaction, failingOnce(alertsReaction), reviewDeadlineReaction];
    await expect(handleNewEntry(event, flaky)).rejects.toThrow(/alerts/);
    const stamped: DocumentSnapshot = await reviewOf(event).get();
    expect(stamped.get('dueAt')).toBeInstanceOf(Timestamp);
    expect(stamped.get('status')).toBe('pending');
    expect(await countWhere('notifications', tenant, logId)).toBe(0);
    expect((await db().collection(ENTRY_REACTIONS_LEDGER).doc(logId).get()).exists).toBe(false);

    await handleNewEntry(event, flaky);
    expect(await countWhere('notifications', tenant, logId)).toBe(1);
    expect(await countWhere('mail', tenant, logId)).toBe(1);
    expect((await reviewOf(event).get()).data()).toEqual(stamped.data());
    const entry = await db().collection('audit_logs').doc(logId).get();
    expect(entry.updateTime!.isEqual(entry.createTime!)).toBe(true);
  });
});
