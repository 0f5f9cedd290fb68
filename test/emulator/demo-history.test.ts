import { getAuth } from 'firebase-admin/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColdSearchResult } from '@audit-log/model/callables';
import { callCallable } from '../../tools/demo/emulator-rest';
import { platformToken, runDemoHistory, signHistory, tierHistory } from '../../tools/demo/history-archive';
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
import { archivesOf, countExisting, DAY } from '../support/tiering';

// The demo's history goes through the real ingest path (POST /v1/events with a backfill key),
// once: a second run finds its markers and sends nothing, and sending the same history again
// stores nothing twice (deterministic ids). Then the checkpoints sign it and tiering archives
// the days past each tenant's warm retention. At a reduced size: 40 days, a few actions a day.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();
const world = demoWorld(uniqueTenant('hist'));
const tenantIds = world.tenants.map((t) => t.id);
/** Initech keeps 30 days warm: its 10 oldest days of 40 go to the archive. */
const initech = world.tenants.find((t) => t.id.endsWith('initech'))!.id;
const lines: string[] = [];
const options: HistoryIngestOptions = { db, world, seed: 7, days: 40, actionsPerDay: 3, log: (l) => lines.push(l) };
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
  it('is ingested exactly once, however often the seeding runs', { timeout: 300_000 }, async () => {
    first = await ingestHistory(options);
    until = first[0]!.marker.until;
    for (const t of first) {
      expect(t.sent).toBe(true);
      expect(t.events.length).toBeGreaterThan(20);
      expect({ stored: t.stored, duplicates: t.duplicates }).toEqual({ stored: t.events.length, duplicates: 0 });
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
  });

  it('is signed, and tiering archives the days past warm retention', { timeout: 600_000 }, async () => {
    const quietAt = await waitForHistoryReactions(
      db,
      first.map((t) => ({ tenantId: t.tenantId, until })),
      () => undefined,
    );
    const token = await platformToken(world);
    await signHistory(db, token, tenantIds, quietAt, (l) => lines.push(l));
    const tiered = await tierHistory(token, tenantIds, (l) => lines.push(l));

    const cutoff = new Date(Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`) - 30 * DAY);
    const due = historyDays(until, 40).filter((d) => d < cutoff.toISOString().slice(0, 10));
    expect(due.length).toBeGreaterThanOrEqual(9);
    const byTenant = new Map(tiered.map((t) => [t.tenantId, t]));
    expect(byTenant.get(initech)!.failed).toEqual([]);
    expect([...byTenant.get(initech)!.archivedDays].sort()).toEqual(due);
    // Acme and Globex keep 90 and 365 days warm: none of their 40 days is due.
    for (const id of tenantIds.filter((t) => t !== initech)) expect(byTenant.get(id)!.archivedDays).toEqual([]);

    const archives = [...(await archivesOf(db, initech)).values()];
    expect(new Set(archives.filter((a) => a.state === 'archived').map((a) => a.date as string))).toEqual(new Set(due));
    // The archived days' entries left Firestore; the others stayed.
    const events = first.find((t) => t.tenantId === initech)!.events;
    const archived = events.filter((e) => due.includes(e.occurredAt.slice(0, 10)));
    expect(archived.length).toBeGreaterThan(0);
    expect(await countExisting(db, historyLogIds(archived))).toBe(0);
    const warm = events.filter((e) => !due.includes(e.occurredAt.slice(0, 10)));
    expect(await countExisting(db, historyLogIds(warm))).toBe(warm.length);

    // Cold search finds them, as the console's Archive page asks (the platform admin names the tenant).
    const found = await callCallable<ColdSearchResult>(
      'searchArchives',
      { tenantId: initech, from: `${due[0]}T00:00:00.000Z`, to: `${until}T00:00:00.000Z`, pageSize: 200 },
      token,
    );
    const archivedIds = new Set(archived.map((e) => e.eventId));
    expect(found.entries.filter((e) => archivedIds.has(e.eventId)).length).toBe(Math.min(archived.length, 200));

    // And a later start finds it all done: nothing is sent, signed or tiered again.
    lines.length = 0;
    await runDemoHistory(options);
    expect(lines.filter((l) => l.includes('already'))).toHaveLength(3);
    expect(lines.some((l) => l.includes('archived'))).toBe(false);
    expect(await countExisting(db, historyLogIds(warm))).toBe(warm.length);
    expect(await countExisting(db, historyLogIds(archived))).toBe(0);
  });
});
