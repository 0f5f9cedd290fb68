import { getAuth } from 'firebase-admin/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  historyLogIds,
  historyMarkerPath,
  ingestHistory,
  waitForHistoryReactions,
  type TenantIngest,
} from '../../tools/demo/history-seed';
import { seedDemo } from '../../tools/demo/seed';
import { adminApp, adminDb, closeAdminApp, requireEmulators } from '../support/emulators';
import { entriesBefore, historyUnderTest } from '../support/demo-history';
import { countExisting } from '../support/tiering';

// The demo's history goes through the real ingest path (POST /v1/events with a backfill key),
// once: a second run finds its markers and sends nothing, and sending the same history again
// stores nothing twice (deterministic ids). This file runs first in its suite; a later start
// (demo-history-later-start.test.ts, run last) signs and archives the same history.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();
const { world, tenantIds, initech, lines, options } = historyUnderTest(db);
let first: TenantIngest[];
let until: string;

const warmHistoryCount = (tenantId: string) => entriesBefore(db, tenantId, until);

async function deadLetterCount(tenantId: string): Promise<number> {
  return (await db.collection('audit_dead_letters').where('tenantId', '==', tenantId).count().get()).data().count;
}

beforeAll(async () => {
  await seedDemo(db, getAuth(adminApp()), world);
});

afterAll(async () => {
  await closeAdminApp();
});

describe('the demo history', () => {
  it(
    'is ingested exactly once, however often the seeding runs, its recent days first',
    { timeout: 900_000 },
    async () => {
      // The last 10 of the 40 days go first; the hook sees them stored and nothing older yet (the
      // window ends at the start of today: the seeding's own entries are today's).
      const recentFrom = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
      const seenAtHook = new Map<string, { recent: number; older: number }>();
      const storedOf = async (tenantId: string, op: '<' | '>=') =>
        (
          await db
            .collection('audit_logs')
            .where('tenantId', '==', tenantId)
            .where('occurredAt', op, Timestamp.fromMillis(Date.parse(`${recentFrom}T00:00:00.000Z`)))
            .where('occurredAt', '<', Timestamp.fromMillis(Date.parse(`${recentFrom}T00:00:00.000Z`) + 10 * 86_400_000))
            .count()
            .get()
        ).data().count;
      first = await ingestHistory({
        ...options,
        recentFrom,
        onRecentStored: async (tenantId) => {
          seenAtHook.set(tenantId, { recent: await storedOf(tenantId, '>='), older: await storedOf(tenantId, '<') });
        },
      });
      until = first[0]!.marker.until;
      for (const t of first) {
        const recent = t.events.filter((e) => e.occurredAt.slice(0, 10) >= recentFrom).length;
        expect(recent).toBeGreaterThan(0);
        // Entries of the recent days (the detectors may have added theirs), none of the older ones.
        const seen = seenAtHook.get(t.tenantId)!;
        expect(seen.older).toBe(0);
        expect(seen.recent).toBeGreaterThanOrEqual(recent);
      }
      for (const t of first) {
        expect(t.sent).toBe(true);
        expect(t.events.length).toBeGreaterThan(20);
        // A request retried after a lost answer finds its events stored: duplicates, never twice.
        expect(t.stored + t.duplicates).toBe(t.events.length);
        expect(await countExisting(db, historyLogIds(t.events))).toBe(t.events.length);
        const marker = (await db.doc(historyMarkerPath(t.tenantId)).get()).data();
        expect(marker).toMatchObject({ seed: 7, days: 40, actionsPerDay: 3, until, events: t.events.length });
      }
      // The detector's CRITICAL entries on old days come from reactions: wait for them first.
      await waitForHistoryReactions(
        db,
        first.map((t) => ({ tenantId: t.tenantId, until })),
        () => undefined,
      );
      const before = await Promise.all(tenantIds.map(warmHistoryCount));
      first.forEach((t, i) => expect(before[i]).toBeGreaterThanOrEqual(t.events.length));

      // A second start: the markers say the history is there, nothing is sent.
      const second = await ingestHistory(options);
      expect(second.map((t) => t.sent)).toEqual([false, false, false]);
      expect(second.map((t) => t.events)).toEqual(first.map((t) => t.events));
      expect(lines.filter((l) => l.includes('has its 40 days already'))).toHaveLength(3);

      // Sent again all the same (a start that died before writing its marker): all duplicates.
      const resent = await ingestHistory({ ...options, resend: true });
      for (const t of resent)
        expect({ stored: t.stored, duplicates: t.duplicates }).toEqual({ stored: 0, duplicates: t.events.length });

      expect(await Promise.all(tenantIds.map(warmHistoryCount))).toEqual(before);
      expect(await Promise.all(tenantIds.map(deadLetterCount))).toEqual([0, 0, 0]);
      // The import's backfill keys were revoked after use.
      const keys = await db.collection(`tenants/${initech}/api_keys`).get();
      const importKeys = keys.docs.filter((d) => d.get('name') === 'history import');
      expect(importKeys).toHaveLength(2);
      expect(importKeys.map((d) => d.get('status') as unknown)).toEqual(['revoked', 'revoked']);
    },
  );
});
