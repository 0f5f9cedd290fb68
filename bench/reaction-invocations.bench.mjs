#!/usr/bin/env node
// Function invocations per stored event. Publishes BENCH_EVENTS events (plain, CRITICAL and
// denials, so every reaction has work) to `audit-events`, waits until every one is stored and
// has its review deadline where one applies, then waits until the Functions emulator is quiet.
// The emulator logs `Beginning execution of "us-central1-<name>"` for every invocation on the
// output of firebase-tools, which this process cannot read, so counting is a second step:
//
//   npm run build && node tools/emulators/exec.mjs "node bench/reaction-invocations.bench.mjs" \
//     2>&1 | tee .emulators/tmp/invocations.log
//   node bench/reaction-invocations.bench.mjs --count .emulators/tmp/invocations.log
//
// The count includes the events the reactions themselves emit (anomalies), reported apart.
import { readFileSync } from 'node:fs';

if (process.argv[2] === '--count') {
  const text = readFileSync(process.argv[3], 'utf8');
  const counts = {};
  for (const m of text.matchAll(/Beginning execution of "us-central1-([A-Za-z0-9_-]+)"/g)) {
    counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  }
  const summary = text.match(/BENCH_SUMMARY (\{.*\})/);
  const stored = summary ? JSON.parse(summary[1]).storedEntries : null;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(
    JSON.stringify(
      { invocations: counts, total, storedEntries: stored, perEntry: stored ? total / stored : null },
      null,
      2,
    ),
  );
  process.exit(0);
}

const { PubSub } = await import('@google-cloud/pubsub');
const { initializeApp } = await import('firebase-admin/app');
const { getFirestore } = await import('firebase-admin/firestore');
const { createRequire } = await import('node:module');
const { logIdFor } = createRequire(import.meta.url)('../functions/lib/domain/ids.js');

const N = Number(process.env.BENCH_EVENTS ?? 60);
const projectId = 'demo-auditlog';
const db = getFirestore(initializeApp({ projectId }));
const topic = new PubSub({ projectId }).topic('audit-events');
const tenantId = `bench-react-${Date.now().toString(36)}`;
await db
  .collection('tenants')
  .doc(tenantId)
  .set({ name: 'bench', anomaly: { enabled: true, deniedThreshold: 5, windowSeconds: 300 } });

function envelope(i) {
  const base = {
    specVersion: '1.0',
    eventId: `evt-${i}`,
    tenantId,
    occurredAt: new Date(Date.now() - 1000).toISOString(),
    source: 'bench-service',
    actor: { type: 'user', id: `u-${i % 3}` },
    resource: { type: 'repository', id: 'r-1', name: 'one' },
  };
  if (i % 3 === 0) return { ...base, eventType: 'issue.created', changes: { before: null, after: { title: 't' } } };
  if (i % 3 === 1) {
    return {
      ...base,
      eventType: 'repo.visibility_changed',
      changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    };
  }
  return { ...base, eventType: 'permission.check.denied', outcome: 'denied', metadata: { permission: 'repo.admin' } };
}

const envelopes = Array.from({ length: N }, (_, i) => envelope(i));
const ids = envelopes.map((e) => logIdFor(tenantId, e.source, e.eventId));
// Published in small groups: the point is counting invocations, not the emulator's losses under a burst.
for (let i = 0; i < envelopes.length; i += 10) {
  await Promise.all(envelopes.slice(i, i + 10).map((e) => topic.publishMessage({ json: e })));
}

const deadline = Date.now() + 300_000;
const waitUntil = async (what, check) => {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};
const stored = async () => {
  const snaps = await db.getAll(...ids.map((id) => db.collection('audit_logs').doc(id)));
  return snaps;
};
// The deadline is stamped on the review doc (audit_reviews); entries are never updated.
const reviews = () => db.getAll(...ids.map((id) => db.collection('audit_reviews').doc(id)));
await waitUntil('every event stored with its review deadline', async () => {
  const [entries, due] = await Promise.all([stored(), reviews()]);
  return entries.every((s, i) => s.exists && (s.get('requiresReview') !== true || due[i].get('dueAt')));
});
// Quiet: the tenant's entry count (anomalies included) stops growing for 10 s.
let last = -1;
let since = Date.now();
await waitUntil('the functions to go quiet', async () => {
  const count = (await db.collection('audit_logs').where('tenantId', '==', tenantId).count().get()).data().count;
  if (count !== last) {
    last = count;
    since = Date.now();
  }
  return Date.now() - since > 10_000;
});
console.log(`BENCH_SUMMARY ${JSON.stringify({ published: N, storedEntries: last })}`);
process.exit(0);
