import { getAuth } from 'firebase-admin/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColdSearchResult } from '@audit-log/model/callables';
import { callCallable } from '../../tools/demo/emulator-rest';
import { platformToken, runDemoHistory } from '../../tools/demo/history-archive';
import { historyDays } from '../../tools/demo/history';
import { historyLogIds, historyMarkerPath, ingestHistory, type TenantIngest } from '../../tools/demo/history-seed';
import { seedDemo } from '../../tools/demo/seed';
import { adminApp, adminDb, closeAdminApp, requireEmulators } from '../support/emulators';
import { historyUnderTest } from '../support/demo-history';
import { utcDate, warmCutoffMs } from '../../functions/src/domain/archive';
import { archivesOf, countExisting } from '../support/tiering';

// A later `npm start` over the demo history: it finds the history imported (by
// demo-history-import.test.ts, which runs first in this suite, or here when this file runs
// alone), waits for the reactions, has the checkpoints sign it and tiering archive the days past
// each tenant's warm retention. Run last, it finds the import's grace period long past and signs
// at once.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
const db = adminDb();
const { world, tenantIds, initech, lines, options } = historyUnderTest(db);
let first: TenantIngest[];
let until: string;

beforeAll(async () => {
  await seedDemo(db, getAuth(adminApp()), world);
  // The history as the import left it (sent now only when this file runs alone).
  first = await ingestHistory(options);
  until = first[0]!.marker.until;
}, 900_000);

afterAll(async () => {
  await closeAdminApp();
});

describe('a later start over the demo history', () => {
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
