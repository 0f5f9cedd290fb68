import { getAuth } from 'firebase-admin/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColdSearchResult } from '@audit-log/model/callables';
import { callCallable } from '../../tools/demo/emulator-rest';
import { platformToken, runDemoHistory } from '../../tools/demo/history-archive';
import { historyDays } from '../../tools/demo/history';
import {
  historyLogIds,
  historyMarkerPath,
  ingestHistory,
  waitForHistoryReactions,
  type HistoryIngestOptions,
  type TenantIngest,
} from '../../tools/demo/history-seed';
import { seedDemo } from '../../tools/demo/seed';
import { demoWorld } from '../../tools/demo/world';
import { adminApp, adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { utcDate, warmCutoffMs } from '../../functions/src/domain/archive';
import { archivesOf, countExisting } from '../support/tiering';

// The demo's history goes through the real ingest path (POST /v1/events with a backfill key),
// once: a second run finds its markers and sends nothing, and sending the same history again
// stores nothing twice (deterministic ids). Then the checkpoints sign it and tiering archives
// the days past each tenant's warm retention. At a reduced size: 40 days, a few actions a day.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();
const world = demoWorld(uniqueTenant('hist'));
const tenantIds = world.tenants.map((t) => t.id);
/**
 * Initech keeps 30 days warm: its 10 oldest days of 40 go to the archive, those that have entries.
 * Its share of the work (0.4) makes about one action a day, and an action may record nothing
 * (a successful sign-in is not imported), so a few of those days are empty.
 */
const initech = world.tenants.find((t) => t.id.endsWith('initech'))!.id;
const lines: string[] = [];
const options: HistoryIngestOptions = {
  db,
  world,
  seed: 7,
  days: 40,
  actionsPerDay: 3,
  log: (l) => {
    lines.push(l);
    console.log(l);
  },
};
let first: TenantIngest[];
let until: string;

/** Entries of a tenant that occurred before the history's end, in Firestore. */
async function warmHistoryCount(tenantId: string): Promise<number> {
  const snap = await db
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .where('occurredAt', '<', Timestamp.fromMillis(Date.parse(`${until}T00:00:00.000Z`)))
    .count()
    .get();
  return snap.data().count;
}

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

  it('is signed, and tiering archives the days past warm retention', { timeout: 900_000 }, async () => {
    // The whole step, as `npm start` runs it: the import is there already (markers), so it waits
    // for the reactions, signs, and tiers.
    lines.length = 0;
    await runDemoHistory(options);
    expect(lines.filter((l) => l.includes('has its 40 days already'))).toHaveLength(3);
    expect(lines.some((l) => l.startsWith('History: signed'))).toBe(true);
    // The trends come first: they need the stored entries only, not the signatures.
    const trendsAt = lines.findIndex((l) => l.startsWith("History: the dashboard's 30-day trends of "));
    expect(trendsAt).toBeGreaterThanOrEqual(0);
    expect(trendsAt).toBeLessThan(lines.findIndex((l) => l.startsWith('History: signed')));
    for (const t of first) {
      const newestDay = t.events
        .map((e) => e.occurredAt.slice(0, 10))
        .sort()
        .at(-1)!;
      const onDay = t.events.filter((e) => e.occurredAt.startsWith(newestDay)).length;
      const rollup = await db.doc(`audit_rollups/${t.tenantId}~${newestDay}`).get();
      expect(rollup.get('entries')).toBeGreaterThanOrEqual(onDay);
    }

    // The job's own cutoff (start of today UTC − retention), so the test counts the days it does.
    const retentionDays = world.tenants.find((t) => t.id === initech)!.settings.retentionDays as number;
    const cutoffMs = warmCutoffMs(Date.now(), retentionDays);
    // The days past Initech's retention that have entries (a quiet day of a small history may have none).
    const events = first.find((t) => t.tenantId === initech)!.events;
    const withEntries = new Set(events.map((e) => e.occurredAt.slice(0, 10)));
    const due = historyDays(until, 40).filter((d) => d < utcDate(cutoffMs) && withEntries.has(d));
    expect(due.length).toBeGreaterThanOrEqual(5);
    // `toContainEqual`: `toContain` compares with ===, which an asymmetric matcher never is.
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^History: ${initech} archived ${due.length} days \\(\\d+ entries\\)`)),
    );
    const tieredLine = lines.find((l) => l.startsWith(`History: ${initech} archived `))!;
    const loggedEntries = Number(/\((\d+) entries\)/.exec(tieredLine)![1]);
    // Acme and Globex keep 90 and 365 days warm: none of their 40 days is due.
    for (const id of tenantIds.filter((t) => t !== initech)) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^History: ${id} archived 0 days`)));
      expect((await archivesOf(db, id)).size).toBe(0);
    }
    for (const id of tenantIds) {
      expect((await db.doc(historyMarkerPath(id)).get()).get('tieredAt')).toEqual(expect.any(String));
    }

    const archives = [...(await archivesOf(db, initech)).values()];
    const done = archives.filter((a) => a.state === 'archived');
    expect(new Set(done.map((a) => a.date as string))).toEqual(new Set(due));
    // Every due day went whole (entries from reactions included): nothing of Initech past its
    // retention is left warm, and the entries the step reports are the ones the archives hold.
    const left = await db
      .collection('audit_logs')
      .where('tenantId', '==', initech)
      .where('occurredAt', '<', Timestamp.fromMillis(cutoffMs))
      .count()
      .get();
    expect(left.data().count).toBe(0);
    const rows = done.reduce((n, a) => n + (a.rowCount as number) - (a.retainedLogIds as string[]).length, 0);
    expect(loggedEntries).toBe(rows);
    // The archived days' entries left Firestore; the others stayed.
    const archived = events.filter((e) => due.includes(e.occurredAt.slice(0, 10)));
    expect(archived.length).toBeGreaterThan(0);
    expect(rows).toBeGreaterThanOrEqual(archived.length);
    expect(await countExisting(db, historyLogIds(archived))).toBe(0);
    const warm = events.filter((e) => !due.includes(e.occurredAt.slice(0, 10)));
    expect(await countExisting(db, historyLogIds(warm))).toBe(warm.length);

    // Cold search finds them, as the console's Archive page asks (the platform admin names the tenant).
    const token = await platformToken(world);
    const found: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const answer: ColdSearchResult = await callCallable<ColdSearchResult>(
        'searchArchives',
        {
          tenantId: initech,
          from: `${due[0]}T00:00:00.000Z`,
          to: `${until}T00:00:00.000Z`,
          pageSize: 200,
          ...(cursor ? { cursor } : {}),
        },
        token,
      );
      found.push(...answer.entries.map((e) => e.eventId));
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    const archivedIds = archived.map((e) => e.eventId);
    expect(found.filter((id) => archivedIds.includes(id)).sort()).toEqual([...archivedIds].sort());

    // And a later start finds it all done: nothing is sent, signed or tiered again.
    lines.length = 0;
    await runDemoHistory(options);
    expect(lines.filter((l) => l.includes('already'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('archived'))).toBe(false);
    expect(await countExisting(db, historyLogIds(warm))).toBe(warm.length);
    expect(await countExisting(db, historyLogIds(archived))).toBe(0);
  });
});
