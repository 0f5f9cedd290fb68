import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain';
import { envelope } from '../fixtures/envelopes';
import { getEvents, postEvents, seedKey } from '../support/api-client';
import { ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant } from '../support/ingest-paths';

// GET /v1/events for an entry that went through review, on the emulators: the review state comes
// from the entry's review doc (audit_reviews), whose record holds Firestore Timestamps, and the API must answer them as ISO 8601 strings like
// every other instant (not as `{_seconds, _nanoseconds}`).

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
const db = adminDb();
const tenant = uniqueTenant('http-review');
let key: string;
let reviewer: User;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

beforeAll(async () => {
  await createTenant(db, tenant);
  key = await seedKey(db, tenant);
  reviewer = await tenantUser(db, tenant, 'reviewer');
});

afterAll(async () => {
  await closeAdminApp();
});

/** Every path in a JSON value whose value is an object, with the object's keys. */
function objectPaths(value: unknown, path = ''): Array<[string, string[]]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectPaths(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  return [[path, entries.map(([k]) => k)], ...entries.flatMap(([k, v]) => objectPaths(v, path ? `${path}.${k}` : k))];
}

describe('GET /v1/events: the review map', () => {
  it('answers every instant of a reviewed entry, the review map included, as an ISO 8601 string', async () => {
    // A CRITICAL configuration change requires review: the deadline trigger stamps review.dueAt,
    // and a reviewer's decision adds review.decisions[].at and review.closedAt.
    const e = envelope(tenant, {
      eventType: 'repo.visibility_changed',
      changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    });
    expect((await postEvents(key, e)).status).toBe(202);
    const logId = logIdFor(tenant, e.source as string, e.eventId as string);
    // Review state lives in audit_reviews (the entry never changes); the API joins it per entry.
    const ref = db.collection('audit_reviews').doc(logId);
    await waitFor(
      () => ref.get(),
      (s) => s.get('dueAt') instanceof Timestamp,
      { what: 'the review deadline stamp' },
    );
    await ok('decideReview', { logId, decision: 'approve', note: 'planned' }, reviewer.idToken);
    const storedReview = (await ref.get()).data() as {
      dueAt: Timestamp;
      closedAt: Timestamp;
      decisions: Array<{ at: Timestamp }>;
    };
    expect(storedReview.decisions[0]!.at).toBeInstanceOf(Timestamp);

    const answer = await getEvents(key, { event_type: 'repo.visibility_changed' });
    expect(answer.status).toBe(200);
    const entry = (answer.body.entries as Array<Record<string, unknown>>).find((x) => x.logId === logId);
    expect(entry).toBeDefined();
    expect(entry!.reviewStatus).toBe('approved');
    expect(entry!.review).not.toHaveProperty('status');
    expect(entry!.review).not.toHaveProperty('tenantId');
    expect(entry!.review).toMatchObject({
      dueAt: storedReview.dueAt.toDate().toISOString(),
      closedAt: storedReview.closedAt.toDate().toISOString(),
      decisions: [
        {
          action: 'approved',
          note: 'planned',
          by: { uid: reviewer.uid },
          at: storedReview.decisions[0]!.at.toDate().toISOString(),
        },
      ],
    });
    for (const instant of [entry!.occurredAt, entry!.recordedAt]) expect(instant).toMatch(ISO_UTC);
    // Nothing anywhere in the answer is a serialized Timestamp.
    const timestampLike = objectPaths(answer.body).filter(([, keys]) => keys.some((k) => /^_?seconds$/.test(k)));
    expect(timestampLike).toEqual([]);
  });
});
