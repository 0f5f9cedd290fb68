import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANOMALY_WINDOWS } from '../../functions/src/anomaly/anomaly';
import { buildEntry, CLEAR_TEXT_TENANT_SETTINGS, validateEnvelope, type AuditEntry } from '../../functions/src/domain';
import { mailId, notificationId } from '../../functions/src/domain/alerts';
import {
  ANOMALY_EVENT_TYPE,
  ANOMALY_SOURCE,
  anomalyEventId,
  windowKeyOf,
  type AnomalySettings,
} from '../../functions/src/domain/anomaly';
import { logIdFor } from '../../functions/src/domain/ids';
import { toStored, toStoredReview, type StoredAuditEntry } from '../../functions/src/store/converters';
import { checkpointTenants } from '../support/checkpoints';
import { escalateOverdueReviews } from '../../functions/src/review/escalation';
import { runTieringJob } from '../../functions/src/tiering/job';
import { envelope } from '../fixtures/envelopes';
import { callCallable } from '../support/api-client';
import { tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';
import { countExisting, dateDaysAgo, tieringDeps } from '../support/tiering';
import { DENIED_RESOURCE, denialFields } from '../support/denials';

// Restoring an archived day writes its entries back unchanged, and Firestore fires every create
// trigger on audit_logs for them. This suite restores a day that holds enough denials to cross
// the anomaly threshold and CRITICAL entries that match the tenant's default alert rule (one
// already escalated, one still pending), then checks, with the real triggers running, that none
// of them raised an anomaly, a notification, an email or a review deadline, while the same kinds
// of entries published afterwards as new activity still do all of that.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();

const ANOMALY: AnomalySettings = { enabled: true, deniedThreshold: 5, windowSeconds: 300 };
const RESOURCE = DENIED_RESOURCE;
const HOUR = 3_600_000;
const tenant = uniqueTenant('restore-quiet');
const day = dateDaysAgo(120);
const dayStart = Date.parse(`${day}T10:00:00.000Z`);
let admin: User;

/** An entry as the pipeline built it when the event happened on the old day. */
function oldEntry(overrides: Record<string, unknown>): AuditEntry {
  const raw = envelope(tenant, overrides);
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return buildEntry(validateEnvelope(raw, new Date()), CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' });
}

const denial = denialFields;

const VISIBILITY = {
  eventType: 'repo.visibility_changed',
  operation: 'UPDATE',
  changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
};

function windowKey(actorId: string, at: number) {
  const key = windowKeyOf(
    {
      logId: 'x',
      tenantId: tenant,
      occurredAt: new Date(at).toISOString(),
      actor: { type: 'user', id: actorId },
      resource: RESOURCE,
    },
    ANOMALY,
  );
  return key!;
}

// Six denials in one window: one more than the threshold.
const oldDenials = Array.from({ length: 6 }, (_, i) => oldEntry(denial('u-mallory', dayStart + 1000 + i * 1000)));
const escalated = oldEntry({ ...VISIBILITY, occurredAt: new Date(dayStart + 20_000).toISOString() });
const pending = oldEntry({ ...VISIBILITY, occurredAt: new Date(dayStart + 30_000).toISOString() });
const oldEntries = [...oldDenials, escalated, pending];
const oldIds = oldEntries.map((e) => e.logId);

/**
 * The documents as they were stored on the old day, recorded a second after they happened. The
 * escalated entry carries the review map the workflow left on it; the pending one never got a
 * deadline (a restore must not start one now).
 */
function storedDocs(): { entries: Map<string, DocumentData>; reviews: Map<string, DocumentData> } {
  const entries = new Map<string, DocumentData>();
  const reviews = new Map<string, DocumentData>();
  for (const e of oldEntries) {
    const recordedAt = new Date(Date.parse(e.occurredAt) + 1000);
    const doc: DocumentData = { ...toStored(e, recordedAt) };
    entries.set(e.logId, doc);
    if (!e.requiresReview) continue;
    // The review docs ingest wrote with the flagged entries (audit_reviews; entries never change).
    const review: DocumentData = toStoredReview(doc as StoredAuditEntry);
    if (e === escalated) {
      const dueAt = Timestamp.fromMillis(recordedAt.getTime() + 24 * HOUR);
      const at = Timestamp.fromMillis(dueAt.toMillis() + 10 * 60_000);
      Object.assign(review, {
        status: 'escalated',
        version: 1,
        dueAt,
        decisions: [
          { action: 'escalated', by: null, note: 'review deadline passed', at, status: 'escalated', eventId: 'x-1' },
        ],
        overdueEscalatedAt: at,
      });
    }
    reviews.set(e.logId, review);
  }
  return { entries, reviews };
}

beforeAll(async () => {
  await createTenant(db, tenant, { retentionDays: 90, anomaly: ANOMALY });
  admin = await tenantUser(db, tenant, 'admin');
});

afterAll(async () => {
  await closeAdminApp();
});

describe('restoring an archived day', () => {
  it('raises no anomaly, alert or review deadline for the restored entries; new activity still does', async () => {
    expect(escalated.level).toBe('CRITICAL');
    expect(pending).toMatchObject({ level: 'CRITICAL', requiresReview: true });
    const stored = storedDocs();
    const batch = db.batch();
    for (const [logId, doc] of stored.entries) batch.create(db.collection('audit_logs').doc(logId), doc);
    for (const [logId, doc] of stored.reviews) batch.create(db.collection('audit_reviews').doc(logId), doc);
    await batch.commit();
    // Signed by the checkpoint job, as on the old day itself: only signed entries are archived.
    const lastRecorded = Math.max(...[...stored.entries.values()].map((d) => (d.recordedAt as Timestamp).toMillis()));
    await checkpointTenants([tenant], { now: () => lastRecorded + 1 });

    const archived = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
    expect(archived.failures).toBe(0);
    expect(await countExisting(db, oldIds)).toBe(0);
    // The review docs left the warm tier with their entries (the archive keeps their state).
    const reviewRefs = [...stored.reviews.keys()].map((id) => db.collection('audit_reviews').doc(id));
    expect((await db.getAll(...reviewRefs)).filter((r) => r.exists)).toEqual([]);

    const answer = await callCallable('restoreArchiveDay', { date: day, holdDays: 5 }, admin.idToken);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect((answer.body as { result: Record<string, unknown> }).result).toMatchObject({
      restored: oldEntries.length,
      alreadyPresent: 0,
    });
    await waitFor(
      () => countExisting(db, oldIds),
      (n) => n === oldEntries.length,
      { what: 'the restored entries' },
    );

    // New activity after the restore: five denials in one window and a CRITICAL entry. Their
    // effects come last through the same triggers; the anomaly's own notification ends the
    // longest chain (denials → anomaly trigger → anomaly entry → alert trigger).
    const windowStart = Math.floor((Date.now() - HOUR) / (ANOMALY.windowSeconds * 1000)) * ANOMALY.windowSeconds * 1000;
    const fresh = Array.from({ length: 5 }, (_, i) => testEnvelope(tenant, denial('u-eve', windowStart + 1000 + i)));
    const sentinel = testEnvelope(tenant, VISIBILITY);
    await Promise.all([...fresh, sentinel].map(publishEnvelope));
    const sentinelId = logIdFor(tenant, sentinel.source as string, sentinel.eventId as string);
    const freshAnomalyId = logIdFor(tenant, ANOMALY_SOURCE, anomalyEventId(windowKey('u-eve', windowStart + 1000)));
    const notes = db.collection('notifications');
    await waitForDoc(
      notes.doc(notificationId(sentinelId, 'critical', admin.uid)),
      'the alert of the new entry',
      60_000,
    );
    await waitForDoc(db.collection('mail').doc(mailId(sentinelId, 'critical', admin.email)), 'its email', 60_000);
    await waitForDoc(notes.doc(notificationId(freshAnomalyId, 'critical', admin.uid)), 'the new anomaly alert', 60_000);
    await waitFor(
      () => db.collection('audit_reviews').doc(sentinelId).get(),
      (s) => s.get('dueAt') instanceof Timestamp,
      { what: 'the review deadline of the new entry', timeoutMs: 60_000 },
    );

    // No anomaly for the restored denials: not even counted.
    const anomalies = await db
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('eventType', '==', ANOMALY_EVENT_TYPE)
      .get();
    expect(anomalies.docs.map((d) => d.id)).toEqual([freshAnomalyId]);
    expect(
      (
        await db
          .collection(ANOMALY_WINDOWS)
          .doc(windowKey('u-mallory', dayStart + 1000).id)
          .get()
      ).exists,
    ).toBe(false);

    // No notification or email about a restored entry.
    const alerted = await notes.where('tenantId', '==', tenant).get();
    const alertedIds = new Set(alerted.docs.map((d) => d.get('logId') as string));
    expect(alertedIds.has(sentinelId) && alertedIds.has(freshAnomalyId)).toBe(true);
    expect(oldIds.filter((id) => alertedIds.has(id))).toEqual([]);
    const mailed = await db.collection('mail').where('tenantId', '==', tenant).get();
    const mailedIds = new Set(mailed.docs.map((d) => d.get('logId') as string));
    expect(mailedIds.has(sentinelId)).toBe(true);
    expect(oldIds.filter((id) => mailedIds.has(id))).toEqual([]);

    // The restored entries are exactly as stored, and their review docs too: the escalated one
    // keeps its review record, the pending one got no deadline, so nothing is reset and
    // escalation has nothing to repeat.
    const back = await db.getAll(...oldIds.map((id) => db.collection('audit_logs').doc(id)));
    for (const snap of back) expect(snap.data(), snap.id).toEqual(stored.entries.get(snap.id));
    const reviewsBack = await db.getAll(...reviewRefs);
    for (const snap of reviewsBack) expect(snap.data(), snap.id).toEqual(stored.reviews.get(snap.id));
    const escalation = await escalateOverdueReviews(db, { tenantId: tenant });
    expect(oldIds.filter((id) => escalation.escalatedLogIds.includes(id))).toEqual([]);
  });
});
