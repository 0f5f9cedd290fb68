#!/usr/bin/env node
// Throughput and memory of the whole tiering job on the emulators: Firestore read, Parquet
// write, upload, read-back verification and Firestore delete, for one tenant's day.
//
//   npm run build && node tools/emulators/exec.mjs "node bench/tiering-job.bench.mjs --entries 20000"
//
// Baseline, same run, same emulator, same number of entries of another tenant: just reading the
// day with the same paged query and deleting the same documents in the same batches (the least
// any tiering must do). The job runs in its own process, so its peak RSS is its own.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '20000' },
    child: { type: 'string' },
    tenant: { type: 'string' },
    date: { type: 'string' },
  },
});
const N = Number(args.entries);
const PROJECT = 'demo-auditlog';

async function admin() {
  const { initializeApp } = await import('firebase-admin/app');
  const { getFirestore, Timestamp } = await import('firebase-admin/firestore');
  const { getStorage } = await import('firebase-admin/storage');
  const app = initializeApp({ projectId: PROJECT, storageBucket: `${PROJECT}.appspot.com` });
  return { db: getFirestore(app), bucket: getStorage(app).bucket(), Timestamp };
}

/** Real entries (the job verifies every hash), spread over one UTC day. */
async function seed(db, Timestamp, tenantId, date, count) {
  const { buildEntry, CLEAR_TEXT_TENANT_SETTINGS, validateEnvelope } = await import('../functions/lib/domain/index.js');
  const start = Date.parse(`${date}T00:00:00.000Z`);
  const types = ['repo.created', 'issue.commented', 'auth.login.failed', 'pr.merged', 'org.member_added'];
  await db.collection('tenants').doc(tenantId).set({ name: 'bench', retentionDays: 90 });
  const writer = db.bulkWriter();
  for (let i = 0; i < count; i++) {
    const eventType = types[i % types.length];
    const e = buildEntry(
      validateEnvelope(
        {
          specVersion: '1.0',
          eventId: `bench-${i}`,
          eventType,
          tenantId,
          occurredAt: new Date(start + Math.floor((i * 86_000_000) / count)).toISOString(),
          source: 'bench',
          sequence: i,
          actor: {
            type: 'user',
            id: `u-${i % 300}`,
            name: `User ${i % 300}`,
            email: `u${i % 300}@example.com`,
            ip: '10.1.2.3',
          },
          ...(eventType.startsWith('auth.')
            ? { outcome: 'failure' }
            : { resource: { type: 'repository', id: `r-${i % 900}`, name: `repo ${i % 900}` } }),
          ...(eventType === 'repo.created'
            ? { changes: { before: null, after: { name: `repo ${i % 900}`, visibility: 'private' } } }
            : {}),
          metadata: { requestPath: `/api/repos/${i % 900}`, latencyMs: i % 400 },
          context: { correlationId: `c-${i}` },
        },
        new Date(),
      ),
      CLEAR_TEXT_TENANT_SETTINGS,
      { via: 'pubsub' },
    );
    void writer.create(db.collection('audit_logs').doc(e.logId), {
      ...e,
      occurredAt: Timestamp.fromDate(new Date(e.occurredAt)),
      recordedAt: Timestamp.fromDate(new Date(Date.parse(e.occurredAt) + 1500)),
    });
  }
  await writer.close();
}

async function baselineChild(tenantId, date) {
  const { db, Timestamp } = await admin();
  const start = Date.parse(`${date}T00:00:00.000Z`);
  const t0 = performance.now();
  let last;
  let n = 0;
  const inflight = new Set();
  for (;;) {
    let q = db
      .collection('audit_logs')
      .where('tenantId', '==', tenantId)
      .where('occurredAt', '>=', Timestamp.fromMillis(start))
      .where('occurredAt', '<', Timestamp.fromMillis(start + 86_400_000))
      .orderBy('occurredAt', 'desc')
      .limit(1000);
    if (last) q = q.startAfter(last);
    const page = await q.get();
    if (page.empty) break;
    last = page.docs[page.docs.length - 1];
    n += page.size;
    for (let i = 0; i < page.docs.length; i += 500) {
      const batch = db.batch();
      for (const d of page.docs.slice(i, i + 500)) batch.delete(d.ref, { lastUpdateTime: d.updateTime });
      const p = batch.commit().then(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 4) await Promise.race(inflight);
    }
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({ entries: n, seconds, rssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
}

async function jobChild(tenantId) {
  const { db, bucket } = await admin();
  const { runTieringJob } = await import('../functions/lib/tiering/job.js');
  const { emitArchiveEvent } = await import('../functions/lib/tiering/events.js');
  const marks = {};
  const t0 = performance.now();
  const report = await runTieringJob(
    { db, bucket, emit: emitArchiveEvent },
    {
      tenantIds: [tenantId],
      hook: (step) => {
        marks[step] ??= (performance.now() - t0) / 1000;
      },
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({ entries: report.archivedEntries, failures: report.failures, seconds, marks, rssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
}

function runChild(extra) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()))
        : reject(new Error(`${extra.join(' ')} exited ${code}`)),
    );
  });
}

async function main() {
  if (!process.env.FIRESTORE_EMULATOR_HOST) throw new Error('run through tools/emulators/exec.mjs');
  const { db, Timestamp } = await admin();
  const date = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
  const suffix = Date.now().toString(36);
  const jobTenant = `bench-job-${suffix}`;
  const baseTenant = `bench-base-${suffix}`;
  console.log(`seeding 2 × ${N.toLocaleString()} entries on ${date} ...`);
  await seed(db, Timestamp, jobTenant, date, N);
  await seed(db, Timestamp, baseTenant, date, N);

  const base = await runChild(['--child', 'baseline', '--tenant', baseTenant, '--date', date]);
  const job = await runChild(['--child', 'job', '--tenant', jobTenant]);
  if (job.entries !== N || job.failures !== 0)
    throw new Error(`job archived ${job.entries} of ${N} (${job.failures} failures)`);
  const rate = (r) => Math.round(r.entries / r.seconds);
  console.log(`\n| run | entries | seconds | entries/s | × baseline | peak RSS MB |`);
  console.log(`|---|---:|---:|---:|---:|---:|`);
  console.log(
    `| baseline: read + delete only | ${base.entries} | ${base.seconds.toFixed(1)} | ${rate(base)} | 1.00 | ${base.rssMB} |`,
  );
  console.log(
    `| tiering job (read, Parquet, upload, verify, delete, event) | ${job.entries} | ${job.seconds.toFixed(1)} | ${rate(job)} | ` +
      `${(rate(job) / rate(base)).toFixed(2)} | ${job.rssMB} |`,
  );
  console.log(
    `\njob step reached at (s): ${Object.entries(job.marks)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
}

if (args.child === 'baseline') await baselineChild(args.tenant, args.date);
else if (args.child === 'job') await jobChild(args.tenant);
else await main();
process.exit(0);
