import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type {
  CheckpointRunReport,
  RollupRunReport,
  TieringDayOutcome,
  TieringReport,
} from '@audit-log/model/callables';
import { callCallable, PROJECT_ID, signIn, until } from './emulator-rest';
import { historyMarkerPath, ingestHistory, waitForHistoryReactions, type HistoryIngestOptions } from './history-seed';
import { DEMO_PASSWORD, type DemoWorld } from './world';

// After the import: sign the history with checkpoints, then archive its days past each tenant's
// warm retention, as the schedules would overnight (the emulators run no scheduler).
//   imported → reactions done, the last recorded at T → T + grace → runCheckpoints signs everything
//   recorded up to T
//   → runTiering archives the old days (a day is archived only once checkpoints sign all of it).

const FUNCTIONS_DIR = path.join(__dirname, '../../functions');

/**
 * The checkpoint job's grace period as the Functions emulator reads it (functions/.env, then the
 * project's and the local override), in ms. An on-demand run signs what was recorded before
 * `now − grace`.
 */
export function checkpointGraceMs(): number {
  let seconds = 120;
  for (const file of ['.env', `.env.${PROJECT_ID}`, '.env.local']) {
    const full = path.join(FUNCTIONS_DIR, file);
    if (!existsSync(full)) continue;
    const match = /^AUDIT_CHECKPOINT_GRACE_SECONDS=(\d+)\s*$/m.exec(readFileSync(full, 'utf8'));
    if (match) seconds = Number(match[1]);
  }
  return seconds * 1000;
}

/** An ID token of the demo's platform admin (valid an hour: longer than the whole step). */
export async function platformToken(world: DemoWorld): Promise<string> {
  const admin = world.users.find((u) => u.platformAdmin);
  if (!admin) throw new Error('the demo world has no platform admin');
  return (await signIn(admin.email, DEMO_PASSWORD)).idToken;
}

/** Entries of the tenant recorded before `beforeMs` that no checkpoint signs yet (past its chain head). */
async function unsignedBefore(db: Firestore, tenantId: string, beforeMs: number): Promise<number> {
  const head = await db
    .collection('audit_checkpoints')
    .where('tenantId', '==', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .get();
  const headEnd = head.docs[0] ? Date.parse(head.docs[0].get('windowEnd') as string) : 0;
  if (headEnd >= beforeMs) return 0;
  const snap = await db
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .where('recordedAt', '>=', Timestamp.fromMillis(headEnd))
    .where('recordedAt', '<', Timestamp.fromMillis(beforeMs))
    .count()
    .get();
  return snap.data().count;
}

/**
 * Signs everything the tenants recorded before `recordedBefore`: waits out the grace period,
 * then runs `runCheckpoints` for each tenant (as the platform admin) until no such entry lies
 * past a chain head.
 */
export async function signHistory(
  db: Firestore,
  token: string,
  tenantIds: readonly string[],
  recordedBefore: number,
  log: (line: string) => void,
  timeoutMs = 10 * 60_000,
): Promise<void> {
  const signableAt = recordedBefore + checkpointGraceMs() + 1_000;
  if (Date.now() < signableAt) {
    log(
      `History: checkpoints can sign it from ${new Date(signableAt).toISOString().slice(11, 19)} UTC ` +
        `(the checkpoint job's grace period)…`,
    );
  }
  // Not a fixed sleep: waiting for a moment on the clock, checked like any other condition.
  await until(
    'the checkpoint grace period',
    () => Promise.resolve(Date.now()),
    (now) => now >= signableAt,
    {
      timeoutMs,
      intervalMs: 1_000,
    },
  );
  await until(
    'checkpoints over the imported history',
    async () => {
      let reports: CheckpointRunReport[];
      try {
        // One run per tenant of the history: the platform admin names it, so a run signs these
        // tenants' windows only, whatever else the emulators hold.
        reports = await Promise.all(
          tenantIds.map((tenantId) => callCallable<CheckpointRunReport>('runCheckpoints', { tenantId }, token)),
        );
      } catch (err) {
        // A dropped connection on a loaded emulator: the next look tries again.
        log(`History: runCheckpoints failed (${err instanceof Error ? err.message : String(err)}); trying again.`);
        return false;
      }
      for (const f of reports.flatMap((r) => r.failures)) {
        log(`History: checkpoints of ${f.tenantId} failed (${f.message}); trying again.`);
      }
      const unsigned = await Promise.all(tenantIds.map((t) => unsignedBefore(db, t, recordedBefore)));
      const signed = unsigned.every((n) => n === 0);
      const checkpoints = reports.reduce((n, r) => n + r.checkpoints.length, 0);
      if (signed) log(`History: signed (${checkpoints} checkpoints in this run).`);
      return signed;
    },
    (signed) => signed,
    { timeoutMs, intervalMs: 5_000 },
  );
}

/** What tiering did for one tenant's history. */
export interface TenantTiering {
  tenantId: string;
  archivedDays: string[];
  archivedEntries: number;
  failed: TieringDayOutcome[];
}

/** `runTiering` for one tenant, called again when the connection drops (the job is idempotent). */
async function callTieringRetrying(
  tenantId: string,
  token: string,
  log: (line: string) => void,
): Promise<TieringReport> {
  let report: TieringReport | null = null;
  await until(
    `runTiering for ${tenantId}`,
    async () => {
      try {
        report = await callCallable<TieringReport>('runTiering', { tenantId }, token);
      } catch (err) {
        log(
          `History: runTiering for ${tenantId} failed (${err instanceof Error ? err.message : String(err)}); trying again.`,
        );
      }
      return report;
    },
    (r) => r !== null,
    { timeoutMs: 15 * 60_000, intervalMs: 5_000 },
  );
  return report!;
}

/** Runs `runTiering` for each tenant until it has no more days to do within its deadline. */
export async function tierHistory(
  token: string,
  tenantIds: readonly string[],
  log: (line: string) => void,
): Promise<TenantTiering[]> {
  const results: TenantTiering[] = [];
  for (const tenantId of tenantIds) {
    const started = performance.now();
    const result: TenantTiering = { tenantId, archivedDays: [], archivedEntries: 0, failed: [] };
    let report: TieringReport;
    do {
      // The callable stops starting days at its own deadline (7 min); the next call carries on.
      report = await callTieringRetrying(tenantId, token, log);
      result.archivedDays.push(...report.days.filter((d) => d.status === 'archived').map((d) => d.date));
      result.archivedEntries += report.archivedEntries;
      result.failed.push(...report.days.filter((d) => d.status === 'failed'));
    } while (report.stoppedAtDeadline);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(
      `History: ${tenantId} archived ${result.archivedDays.length} days (${result.archivedEntries} entries) ` +
        `past its warm retention in ${seconds} s.`,
    );
    for (const day of result.failed)
      log(`History: ${tenantId} ${day.date} not archived: ${day.error?.message ?? 'failed'}`);
    results.push(result);
  }
  return results;
}

/** How many `runRollups` calls the demo makes before it gives up: each picks up where the last stopped. */
const ROLLUP_ATTEMPTS = 10;

/**
 * The daily rollups behind the dashboard's trends (`runRollups`, as the platform admin), which the
 * emulators' missing scheduler would otherwise never compute: every warm day from `from` up to
 * today, one tenant after the other (days before the history hold no entries, and a tenant that
 * keeps a year warm would otherwise keep the next one's trends waiting). Run twice by the history
 * step: over the last 30 days as soon as the import is stored, so the trends show while the
 * history is still being signed and archived, and from the history's first day at the end (days
 * whose count changed since, e.g. by the detectors' entries, are computed again; tiering has
 * rolled up the archived days already). Also on every later start.
 */
export async function rollUpHistory(
  world: DemoWorld,
  log: (line: string) => void,
  tenantIds: readonly string[],
  from?: string,
): Promise<void> {
  let computed = 0;
  let incomplete = false;
  for (const tenantId of tenantIds) {
    let done = false;
    for (let attempt = 1; attempt <= ROLLUP_ATTEMPTS && !done; attempt++) {
      const report = await callCallable<RollupRunReport>(
        'runRollups',
        { tenantId, ...(from !== undefined ? { from } : {}) },
        await platformToken(world),
      );
      computed += report.computed.length;
      done = !report.stoppedAtDeadline;
    }
    if (!done) incomplete = true;
  }
  if (!incomplete) {
    log(`History: rolled up ${computed} days for the dashboard's trends across ${tenantIds.length} tenants.`);
    return;
  }
  log(`History: rolled up ${computed} days; the rest waits for the next start or the Dashboard's Compute now.`);
}

/** The first day of the imported history (the earliest over the tenants' markers). */
function historyFirstDay(markers: ReadonlyArray<{ until: string; days: number }>): string | undefined {
  const firsts = markers.map((m) => new Date(Date.parse(`${m.until}T00:00:00.000Z`) - m.days * 86_400_000));
  if (firsts.length === 0) return undefined;
  return new Date(Math.min(...firsts.map((d) => d.getTime()))).toISOString().slice(0, 10);
}

/** The days of the dashboard's default trend window (30 days, today included). */
const TREND_DAYS = 30;

/**
 * The whole history step of `npm start`: import (once), sign, archive, then roll up the whole
 * history. Progress lines start with `History:`. Ordered for what a new user looks at first:
 * each tenant's last 30 days are sent first and rolled up at once (the dashboard's trends need
 * only stored entries), then its older days; the archive needs them signed, and signing waits
 * for the reactions to the import and the checkpoint grace period.
 */
export async function runDemoHistory(options: HistoryIngestOptions): Promise<void> {
  const { db, world, log } = options;
  const started = options.startedAt ?? Date.now();
  const trendFrom = new Date(Date.now() - (TREND_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const withTrends = new Set<string>();
  // Never fails the import: days not rolled up now are by the last step.
  const rollUpTrends = async (tenantIds: readonly string[]): Promise<void> => {
    try {
      await rollUpHistory(world, () => undefined, tenantIds, trendFrom);
    } catch (err) {
      log(`History: trends not computed yet (${err instanceof Error ? err.message : String(err)}); they come later.`);
      return;
    }
    for (const id of tenantIds) withTrends.add(id);
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`History: the dashboard's 30-day trends of ${tenantIds.join(', ')} are ready after ${seconds} s.`);
  };
  const ingested = await ingestHistory({
    ...options,
    recentFrom: trendFrom,
    onRecentStored: (tenantId) => rollUpTrends([tenantId]),
  });
  const pending = ingested.filter((t) => !t.marker.tieredAt);
  if (pending.length > 0) {
    // Imported by an earlier start that stopped before tiering: their trends come now.
    const late = pending.map((t) => t.tenantId).filter((id) => !withTrends.has(id));
    if (late.length > 0) await rollUpTrends(late);
    const recordedBefore = await waitForHistoryReactions(
      db,
      pending.map((t) => ({ tenantId: t.tenantId, until: t.marker.until })),
      log,
    );
    const tenantIds = pending.map((t) => t.tenantId);
    const token = await platformToken(world);
    await signHistory(db, token, tenantIds, recordedBefore, log);
    const tiered = await tierHistory(token, tenantIds, log);
    for (const t of tiered) {
      if (t.failed.length > 0) continue;
      const marker = ingested.find((i) => i.tenantId === t.tenantId)!.marker;
      await db.doc(historyMarkerPath(t.tenantId)).set({ ...marker, tieredAt: new Date().toISOString() });
    }
    const days = tiered.reduce((n, t) => n + t.archivedDays.length, 0);
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`History: ready after ${seconds} s: ${days} archived days (console: Archive page, cold search, restore).`);
  }
  await rollUpHistory(
    world,
    log,
    ingested.map((t) => t.tenantId),
    historyFirstDay(ingested.map((t) => t.marker)),
  );
}
