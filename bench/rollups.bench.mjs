#!/usr/bin/env node
// Cost of the daily rollups on the Firestore emulator: the rollup job's reads, writes and time
// for one heavy day, its cost when nothing changed, and the dashboard's reads for 30 days.
//
//   npm run build && node bench/rollups.bench.mjs [--entries 10000] [--perDay 200]
//
// Starts a Firestore emulator of its own (`firebase emulators:exec --only firestore`) when none is
// running: writing entries in bulk must not wake the functions' triggers, whose work is not what
// is measured here.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { entries: { type: 'string', default: '10000' }, perDay: { type: 'string', default: '200' } },
});
const N = Number(args.entries);
const PER_DAY = Number(args.perDay);
const DAY = 86_400_000;

const TYPES = [
  ['repo.created', 'DATA_MODIFICATION', 'INFO', 'success'],
  ['permission.check.denied', 'AUTHORIZATION', 'WARNING', 'denied'],
  ['auth.login.failed', 'AUTHENTICATION', 'WARNING', 'failure'],
  ['repo.visibility_changed', 'SYSTEM_CONFIGURATION', 'CRITICAL', 'success'],
  ['issue.commented', 'DATA_MODIFICATION', 'INFO', 'success'],
  ['security.anomaly.repeated_denials', 'SECURITY', 'CRITICAL', 'success'],
];

/** Entries as stored (the fields a rollup reads, plus what the day's query needs), 1,000 actors. */
async function seedDay(db, Timestamp, tenantId, date, count) {
  const start = Date.parse(`${date}T00:00:00.000Z`);
  const writer = db.bulkWriter();
  for (let i = 0; i < count; i++) {
    const [eventType, category, level, outcome] = TYPES[i % TYPES.length];
    void writer.create(db.collection('audit_logs').doc(`${tenantId}-${date}-${i}`), {
      tenantId,
      eventType,
      category,
      level,
      outcome,
      occurredAt: Timestamp.fromMillis(start + Math.floor((i * (DAY - 1000)) / count)),
      actor: { type: 'user', id: `u-${(i * 7) % 1000}`, name: `User ${(i * 7) % 1000}` },
      resource: { type: 'repository', id: `r-${i % 50}` },
      metadata: { note: 'x'.repeat(400) },
    });
  }
  await writer.close();
}

async function main() {
  const { initializeApp } = await import('firebase-admin/app');
  const { getFirestore, Timestamp } = await import('firebase-admin/firestore');
  const { runRollupJob } = await import('../functions/lib/analytics/job.js');
  const db = getFirestore(initializeApp({ projectId: 'demo-auditlog' }));
  const today = new Date().toISOString().slice(0, 10);
  const dayAgo = (n) => new Date(Date.parse(today) - n * DAY).toISOString().slice(0, 10);
  const tenantId = `bench-rollups-${Date.now().toString(36)}`;
  await db.collection('tenants').doc(tenantId).set({ name: 'bench', retentionDays: 90 });

  // One heavy day (2 days ago, final) and 29 lighter ones: the 30 days a dashboard shows.
  const heavy = dayAgo(2);
  await seedDay(db, Timestamp, tenantId, heavy, N);
  for (let d = 0; d < 30; d++) if (dayAgo(d) !== heavy) await seedDay(db, Timestamp, tenantId, dayAgo(d), PER_DAY);

  const one = await runRollupJob(db, { tenantIds: [tenantId], from: heavy, to: heavy });
  const heavyDay = one.computed[0];
  console.log(
    `heavy day: ${heavyDay.entries} entries computed in ${one.durationMs} ms ` +
      `(${Math.round((one.durationMs * 10_000) / heavyDay.entries)} ms per 10,000 entries), ` +
      `${one.reads} reads, ${one.writes} writes`,
  );
  const size = JSON.stringify((await db.collection('audit_rollups').doc(`${tenantId}~${heavy}`).get()).data()).length;
  console.log(`heavy day's rollup document: ~${Math.round(size / 1024)} KiB of JSON for 1,000 actors (200 kept)`);

  const all = await runRollupJob(db, { tenantIds: [tenantId], from: dayAgo(29), to: today });
  console.log(
    `30 days: ${all.computed.length} days computed (${all.daysChecked} checked), ` +
      `${all.reads} reads, ${all.writes} writes, ${all.durationMs} ms`,
  );
  const fresh = await runRollupJob(db, { tenantIds: [tenantId], from: dayAgo(29), to: dayAgo(1) });
  console.log(
    `re-run over 29 final days with nothing new: ${fresh.computed.length} computed, ` +
      `${fresh.reads} reads (${(fresh.reads / fresh.daysChecked).toFixed(1)} per day), ${fresh.writes} writes`,
  );

  // The console's query (dashboard-stats.ts → rollup-source.ts): one document per day.
  const t0 = performance.now();
  const period = await db
    .collection('audit_rollups')
    .where('tenantId', '==', tenantId)
    .where('date', '>=', dayAgo(29))
    .where('date', '<=', today)
    .orderBy('date')
    .get();
  console.log(
    `dashboard, 30 days over ${N + 29 * PER_DAY} entries: ${period.size} documents read ` +
      `(${Math.round(performance.now() - t0)} ms)`,
  );
}

// Dispatch last: the constants above are initialized by now.
if (!process.env.FIRESTORE_EMULATOR_HOST) {
  const { emulatorEnv, PROJECT_ID } = await import('../tools/emulators/env.mjs');
  const self = fileURLToPath(import.meta.url);
  const command = `node ${self} --entries ${N} --perDay ${PER_DAY}`;
  const child = spawn('npx', ['firebase', 'emulators:exec', '--only', 'firestore', '--project', PROJECT_ID, command], {
    env: emulatorEnv(),
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}
