import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, logIdFor } from '../../functions/src/domain';
import { fromStored } from '../../functions/src/store/converters';
import { bytesOf, envelope } from '../fixtures/envelopes';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';

requireEmulators('FIRESTORE', 'PUBSUB');
const db = adminDb();
const topic = pubsubClient().topic('audit-events');
const tenant = uniqueTenant('pubsub');

async function publish(data: Buffer, attributes?: Record<string, string>): Promise<string> {
  return topic.publishMessage({ data, ...(attributes ? { attributes } : {}) });
}

function idOf(e: Record<string, unknown>): string {
  return logIdFor(e.tenantId as string, e.source as string, e.eventId as string);
}

async function storedEntry(logId: string) {
  return waitFor(
    () => db.collection('audit_logs').doc(logId).get(),
    (snap) => snap.exists,
    { what: `audit_logs/${logId}` },
  );
}

beforeAll(async () => {
  await db.collection('tenants').doc(tenant).set({ name: 'Pub/Sub suite', retentionDays: 90 });
});

afterAll(async () => {
  await closeAdminApp();
});

describe('Pub/Sub ingest on the emulators', () => {
  it('stores an event of each catalog family with its category and level', async () => {
    const cases: Array<{ e: Record<string, unknown>; category: string; level: string; review: boolean }> = [
      {
        e: envelope(tenant, { eventType: 'auth.user.login', resource: undefined, changes: undefined }),
        category: 'AUTHENTICATION',
        level: 'INFO',
        review: false,
      },
      {
        e: envelope(tenant, {
          eventType: 'auth.login.failed',
          outcome: 'failure',
          resource: undefined,
          changes: undefined,
        }),
        category: 'AUTHENTICATION',
        level: 'WARNING',
        review: false,
      },
      {
        e: envelope(tenant, {
          eventType: 'repo.visibility_changed',
          changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
        }),
        category: 'SYSTEM_CONFIGURATION',
        level: 'CRITICAL',
        review: true,
      },
      {
        e: envelope(tenant, { eventType: 'repo.deleted', changes: { before: { name: 'widgets' }, after: null } }),
        category: 'DATA_MODIFICATION',
        level: 'WARNING',
        review: false,
      },
      {
        e: envelope(tenant, { eventType: 'issue.created', resource: { type: 'issue', id: 'i-9' } }),
        category: 'BUSINESS_OPERATION',
        level: 'INFO',
        review: false,
      },
      {
        e: envelope(tenant, {
          eventType: 'pr.merged',
          resource: { type: 'pull_request', id: 'p-3' },
          changes: undefined,
        }),
        category: 'DATA_MODIFICATION',
        level: 'INFO',
        review: false,
      },
      {
        e: envelope(tenant, {
          eventType: 'org.member_added',
          resource: { type: 'organization', id: 'o-1' },
          changes: { before: null, after: { member: 'u-bob', role: 'member' } },
        }),
        category: 'AUTHORIZATION',
        level: 'INFO',
        review: false,
      },
      {
        e: envelope(tenant, {
          eventType: 'repo.permission_changed',
          changes: { before: { permission: 'write' }, after: { permission: 'admin' } },
        }),
        category: 'AUTHORIZATION',
        level: 'CRITICAL',
        review: true,
      },
      {
        e: envelope(tenant, { eventType: 'security.threat.detected', changes: undefined }),
        category: 'SECURITY',
        level: 'CRITICAL',
        review: true,
      },
      {
        e: envelope(tenant, {
          eventType: 'repo.settings_updated',
          outcome: 'failure',
          changes: { before: { wiki: true }, after: { wiki: false } },
        }),
        category: 'SYSTEM_CONFIGURATION',
        level: 'ERROR',
        review: false,
      },
    ];
    await Promise.all(cases.map(({ e }) => publish(bytesOf(e))));
    for (const { e, category, level, review } of cases) {
      const snap = await storedEntry(idOf(e));
      expect(snap.get('eventType')).toBe(e.eventType);
      expect({ category: snap.get('category') as unknown, level: snap.get('level') as unknown }).toEqual({
        category,
        level,
      });
      expect(snap.get('requiresReview')).toBe(review);
      // Review state is never on the entry: a flagged entry has a pending review doc, others none.
      expect(snap.get('reviewStatus')).toBeUndefined();
      const reviewDoc = await snap.ref.firestore.collection('audit_reviews').doc(snap.id).get();
      expect(reviewDoc.exists ? reviewDoc.get('status') : 'none').toBe(review ? 'pending' : 'none');
      expect(snap.get('occurredAt')).toBeInstanceOf(Timestamp);
      expect(snap.get('recordedAt')).toBeInstanceOf(Timestamp);
      // The stored document still proves its own content.
      expect(entryHash(fromStored(snap.data()!))).toBe(snap.get('hash'));
    }
  });

  it('redacts secrets and records changed fields before redaction', async () => {
    const e = envelope(tenant, {
      eventType: 'auth.password.changed',
      resource: { type: 'user', id: 'u-alice' },
      changes: { before: { password: 'old-secret', mfa: true }, after: { password: 'new-secret', mfa: true } },
      metadata: { note: 'reset by carol@example.com', headers: { authorization: 'Bearer abc.def' } },
    });
    await publish(bytesOf(e));
    const snap = await storedEntry(idOf(e));
    expect(snap.get('changedFields')).toEqual(['password']);
    expect(snap.get('changes.after.password')).toBe('[REDACTED]');
    expect(snap.get('metadata.note')).toBe('reset by [REDACTED:email]');
    expect(snap.get('redactions')).toEqual(
      expect.arrayContaining([
        'changes.before.password',
        'changes.after.password',
        'metadata.note',
        'metadata.headers.authorization',
      ]),
    );
    expect(JSON.stringify(snap.data())).not.toContain('new-secret');
  });

  it('stores an event published three times exactly once', async () => {
    const e = envelope(tenant, {
      eventType: 'issue.labeled',
      resource: { type: 'issue', id: 'i-1' },
      changes: undefined,
    });
    await Promise.all([publish(bytesOf(e)), publish(bytesOf(e)), publish(bytesOf(e))]);
    const first = await storedEntry(idOf(e));
    // Publish once more and fence behind a batch of later events: by the time they are all
    // stored, the redeliveries have been handled too.
    await publish(bytesOf(e), { correlationId: 'replay-1' });
    const fence = Array.from({ length: 5 }, () => envelope(tenant, { eventType: 'issue.closed', changes: undefined }));
    await Promise.all(fence.map((f) => publish(bytesOf(f))));
    for (const f of fence) await storedEntry(idOf(f));
    const same = await db
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('eventId', '==', e.eventId)
      .get();
    expect(same.size).toBe(1);
    const again = await db.collection('audit_logs').doc(idOf(e)).get();
    expect(again.get('recordedAt')).toEqual(first.get('recordedAt'));
    expect(again.get('context')).toBeUndefined();
    // A redelivery carrying other transport attributes is a duplicate, not a conflict.
    const conflicts = await db
      .collection('audit_dead_letters')
      .where('tenantId', '==', tenant)
      .where('eventId', '==', e.eventId)
      .get();
    expect(conflicts.size).toBe(0);
  });

  it('dead-letters an event id reused with different content and keeps the original', async () => {
    const e = envelope(tenant, {
      eventType: 'issue.commented',
      resource: { type: 'issue', id: 'i-2' },
      changes: undefined,
    });
    await publish(bytesOf(e));
    const original = await storedEntry(idOf(e));
    const messageId = await publish(bytesOf({ ...e, eventType: 'issue.closed' }));
    const letter = await waitFor(
      () => db.collection('audit_dead_letters').doc(`pubsub-${messageId}`).get(),
      (s) => s.exists,
      { what: 'conflict dead letter' },
    );
    expect(letter.get('reason')).toBe('conflicting_duplicate');
    const kept = await db.collection('audit_logs').doc(idOf(e)).get();
    expect(kept.get('hash')).toBe(original.get('hash'));
    expect(kept.get('eventType')).toBe('issue.commented');
  });
});
