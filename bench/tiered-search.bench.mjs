#!/usr/bin/env node
// First-page time of one search across the warm and the archived tier, as a ratio to the
// warm-only query in the same run. A tenant holds BENCH_WARM entries over its last 30 days
// (Firestore) and BENCH_COLD entries over two days archived by the real tiering job (Parquet in
// the Storage emulator). Measured, interleaved, BENCH_ROUNDS times each:
//
//   hot only      the console's warm query for the last 30 days: no archived day in range, so no
//                 archive lookup and no callable (the cost of today's log search);
//   merged        a range over both tiers: the archive lookup (one `audit_archives` query), the
//                 warm query and the `searchArchives` callable page, merged by `mergeTiers`;
//   merged, cold-only page   a range of the archived days alone (what Archive search used to do).
//
// The first merged round also pays the archive files' download into the callable's cache; it is
// reported on its own ("first, cold cache"), the medians are over the later rounds.
//
//   npm run bench:tiered
//   (= npm run build && node tools/emulators/exec.mjs "node --import tsx bench/tiered-search.bench.mjs")
//
// Options (env): BENCH_WARM (5000), BENCH_COLD (5000), BENCH_ROUNDS (9).
import { Timestamp } from 'firebase-admin/firestore';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeTiers } from '../packages/audit-model/src/tier-merge.ts';
import { runTieringJob } from '../functions/src/tiering/job.ts';
import { callCallable, signInWithClaims } from '../test/support/api-client.ts';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../test/support/emulators.ts';
import { createTenant, dateDaysAgo, entriesOn, seed, tieringDeps } from '../test/support/tiering.ts';

const WARM = Number(process.env.BENCH_WARM ?? 5000);
const COLD = Number(process.env.BENCH_COLD ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const PAGE_SIZE = 200;
const DAY = 86_400_000;
const here = path.dirname(fileURLToPath(import.meta.url));
requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');

const db = adminDb();
const tenant = uniqueTenant('bench-tiers');
const archivedDays = [dateDaysAgo(150), dateDaysAgo(120)];

const log = (...args) => console.error(new Date().toISOString().slice(11, 19), ...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The console's warm query: tenant, range, newest first, one page. */
function warmReader(range) {
  return async (after) => {
    let q = db.collection('audit_logs').where('tenantId', '==', tenant);
    if (range.from) q = q.where('occurredAt', '>=', Timestamp.fromDate(new Date(range.from)));
    q = q.where('occurredAt', '<', Timestamp.fromDate(new Date(range.to)));
    q = q.orderBy('occurredAt', 'desc').orderBy('__name__', 'desc').limit(PAGE_SIZE);
    if (after) q = q.startAfter(after.at, after.id);
    const snap = await q.get();
    const rows = snap.docs.map((d) => ({ logId: d.id, atMs: d.get('occurredAt').toMillis(), data: d.data() }));
    const last = snap.docs[snap.docs.length - 1];
    return { rows, next: rows.length === PAGE_SIZE && last ? { at: last.get('occurredAt'), id: last.id } : null };
  };
}

/** The archive lookup the console makes before a range that can hold archived days. */
async function archivedInRange(range) {
  let q = db
    .collection('audit_archives')
    .where('tenantId', '==', tenant)
    .where('state', 'in', ['deleting', 'archived', 'restoring'])
    .where('date', '<=', new Date(Date.parse(range.to) - 1).toISOString().slice(0, 10));
  if (range.from) q = q.where('date', '>=', range.from.slice(0, 10));
  const snap = await q.orderBy('date', 'desc').limit(1).get();
  // The end of the newest archived day: every archived row is older.
  return snap.empty ? null : Date.parse(`${snap.docs[0].get('date')}T00:00:00.000Z`) + DAY;
}

function coldReader(range, idToken) {
  return async (cursor) => {
    const answer = await callCallable(
      'searchArchives',
      { ...range, pageSize: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
      idToken,
    );
    if (answer.status !== 200) throw new Error(`searchArchives: ${answer.status} ${JSON.stringify(answer.body)}`);
    const { entries, nextCursor } = answer.body.result;
    return {
      rows: entries.map((e) => ({ logId: e.logId, atMs: Date.parse(e.occurredAt), data: e })),
      next: nextCursor,
    };
  };
}

/** The first page of a search as the console's data source runs it; milliseconds and rows. */
async function firstPage(range, idToken, { lookup }) {
  const started = performance.now();
  const coldBeforeMs = lookup ? await archivedInRange(range) : null;
  const page = await mergeTiers(
    {
      hot: warmReader(range),
      cold: coldBeforeMs !== null ? coldReader(range, idToken) : undefined,
      coldBeforeMs: coldBeforeMs ?? undefined,
      positionOf: (r) => ({ atMs: r.atMs, logId: r.logId }),
      pageSize: PAGE_SIZE,
    },
    null,
  );
  return {
    ms: performance.now() - started,
    rows: page.rows.length,
    cold: page.rows.filter((r) => r.tier === 'cold').length,
  };
}

async function main() {
  const now = Date.now();
  const today = new Date(Math.floor(now / DAY) * DAY);
  await createTenant(db, tenant);
  // Signed in before seeding: the sign-in blocking function is slow while the seed's triggers run.
  const auditor = (await signInWithClaims({ tenantId: tenant, role: 'auditor' })).idToken;
  // Warm entries over the last 30 days (one day per 1/30 of them), archived ones over two old days.
  const warm = [];
  for (let d = 0; d < 30; d++) warm.push(...entriesOn(tenant, dateDaysAgo(d + 1), Math.ceil(WARM / 30), `w${d}`));
  const cold = archivedDays.flatMap((day, i) => entriesOn(tenant, day, Math.ceil(COLD / 2), `c${i}`));
  log(`seeding ${warm.length} warm and ${cold.length} to-be-archived entries`);
  await seed(db, [...cold, ...warm]);
  log('archiving the old days with the tiering job');
  const report = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
  if (report.failures !== 0) throw new Error(`tiering failed: ${JSON.stringify(report)}`);

  const end = today.toISOString();
  const cases = {
    'hot only (last 30 days, no archived day)': {
      range: { from: new Date(today.getTime() - 30 * DAY).toISOString(), to: end },
      lookup: false,
    },
    'merged hot+cold (200 days, both tiers)': {
      range: { from: new Date(today.getTime() - 200 * DAY).toISOString(), to: end },
      lookup: true,
    },
    'merged, archived days only': {
      range: { from: `${archivedDays[0]}T00:00:00.000Z`, to: `${dateDaysAgo(100)}T00:00:00.000Z` },
      lookup: true,
    },
  };
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const first = {};
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, c] of Object.entries(cases)) {
      const got = await firstPage(c.range, auditor, c);
      if (round === 0) first[name] = got;
      else samples[name].push(got);
    }
    log(`round ${round}`);
  }
  const base = median(samples['hot only (last 30 days, no archived day)'].map((s) => s.ms));
  const rows = Object.entries(samples).map(([name, list]) => {
    const ms = median(list.map((s) => s.ms));
    return {
      case: name,
      rows: list[0].rows,
      fromArchive: list[0].cold,
      firstColdCacheMs: Math.round(first[name].ms),
      medianMs: Math.round(ms),
      ratio: Number((ms / base).toFixed(2)),
    };
  });
  console.table(rows);
  const out = path.join(here, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'tiered-search.json'),
    JSON.stringify({ warm: warm.length, cold: cold.length, rounds: ROUNDS, pageSize: PAGE_SIZE, rows }, null, 2),
  );
  await closeAdminApp();
}

main().catch(async (err) => {
  console.error(err);
  await closeAdminApp().catch(() => undefined);
  process.exit(1);
});
