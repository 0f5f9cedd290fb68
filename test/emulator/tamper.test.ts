import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrityCheckReport } from '@audit-log/model/callables';
import { bodyOf, type IntegrityFinding, type SignedCheckpoint } from '@audit-log/model/integrity';
import {
  CLEAR_TEXT_TENANT_SETTINGS,
  buildEntry,
  entryHash,
  logIdFor,
  validateEnvelope,
} from '../../functions/src/domain';
import { checkpointHash, signerFromSecret, type CheckpointSigner } from '../../functions/src/domain/integrity';
import { emitViolation } from '../../functions/src/integrity/events';
import { runCheckpointJob } from '../../functions/src/integrity/job';
import { fromStored, toStored } from '../../functions/src/store/converters';
import { openDuckDb } from '../../functions/src/tiering/duckdb';
import { runTieringJob } from '../../functions/src/tiering/job';
import { downloadWithDigest } from '../../functions/src/tiering/storage';
import { tenantUser, ok, type User } from '../support/commands';
import { adminDb, closeAdminApp, PROJECT_ID, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';
import { archivesOf, bucket, dateDaysAgo, entriesOn, seed, tieringDeps } from '../support/tiering';
import { generateKeyPairSync } from 'node:crypto';

// Every way a project admin can tamper with the log through the Admin SDK and Storage, each on a
// tenant of its own with real entries (ingested through Pub/Sub, or seeded as ingest stores them
// for an archived day) and real checkpoints (the checkpoint job's module). The verifier CLI (a
// child process on the emulators, --json) and the on-demand verification (`runIntegrityCheck`)
// must each name exactly what was touched and nothing else; an untouched tenant verifies clean.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'PUBSUB', 'FIREBASE_AUTH');
const db = adminDb();
const run = promisify(execFile);

function newSigner(): CheckpointSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signerFromSecret(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}

// The chain's key for these tenants: the job publishes it to audit_checkpoint_keys, where the
// CLI (without --public-key) and the functions' verification find it.
const signer = newSigner();

afterAll(async () => {
  await closeAdminApp();
});

/** Checkpoints everything of the tenant recorded so far (no grace: nothing is in flight here). */
async function checkpoint(tenantId: string): Promise<void> {
  const report = await runCheckpointJob(
    { db, bucket: bucket(), signer, emit: emitViolation },
    { tenantIds: [tenantId], intervalMs: 300_000, graceMs: 0, closeOpenSlot: true },
  );
  expect(report.failures).toEqual([]);
}

interface Tenant {
  id: string;
  admin: User;
  logIds: string[];
}

/** A tenant with `n` entries ingested through Pub/Sub, checkpointed. */
async function ingestedTenant(label: string, n = 4): Promise<Tenant> {
  const id = uniqueTenant(label);
  await createTenant(db, id);
  const admin = await tenantUser(db, id, 'admin');
  const envelopes = Array.from({ length: n }, (_, i) =>
    testEnvelope(id, { eventId: `${label}-${i}`, metadata: { i, note: `entry ${i}` } }),
  );
  await Promise.all(envelopes.map((e) => publishEnvelope(e)));
  const logIds = envelopes.map((e) => logIdFor(id, String(e.source), String(e.eventId)));
  for (const logId of logIds) await waitForDoc(db.collection('audit_logs').doc(logId), `entry ${logId}`, 60_000);
  await checkpoint(id);
  return { id, admin, logIds };
}

interface CliResult {
  code: number;
  json: { ok: boolean; findings: IntegrityFinding[]; entriesChecked: number; findingCount: number };
}

/** Runs `audit-verify --json` as a child process against the emulators. */
async function cli(tenantId: string, from: string, to: string, extra: string[] = []): Promise<CliResult> {
  const args = ['functions/bin/audit-verify.js', '--tenant', tenantId, '--from', from, '--to', to, '--json', ...extra];
  const env = { ...process.env, GCLOUD_PROJECT: PROJECT_ID };
  try {
    const { stdout } = await run(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, json: JSON.parse(stdout) as CliResult['json'] };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (e.code !== 1) throw new Error(`audit-verify exited ${String(e.code)}: ${e.stderr ?? ''}`);
    return { code: 1, json: JSON.parse(e.stdout ?? '') as CliResult['json'] };
  }
}

/** The on-demand verification through its callable, as the tenant's admin. */
async function scheduled(t: Tenant, from: string, to: string): Promise<IntegrityCheckReport['runs'][number]> {
  const report = await ok<IntegrityCheckReport>('runIntegrityCheck', { from, to }, t.admin.idToken);
  expect(report.failures).toEqual([]);
  expect(report.runs).toHaveLength(1);
  return report.runs[0]!;
}

/** Kind and the one thing each finding names. */
const named = (fs: readonly IntegrityFinding[]) =>
  fs.map((f) => `${f.kind} ${f.logId ?? f.checkpointId ?? f.date}`).sort();
/** What each finding names, whatever its kind. */
const targets = (fs: readonly IntegrityFinding[]) => [...new Set(fs.map((f) => f.logId ?? f.checkpointId ?? f.date))];

const today = () => new Date().toISOString().slice(0, 10);
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** Asserts both verifiers find exactly `expected` (kind + target) and the run raised its CRITICAL entry. */
async function expectDetected(t: Tenant, expected: string[], from = yesterday(), to = today()): Promise<void> {
  const c = await cli(t.id, from, to);
  expect(c.code).toBe(1);
  expect(named(c.json.findings)).toEqual([...expected].sort());
  const r = await scheduled(t, from, to);
  expect(named(r.findings)).toEqual([...expected].sort());
  expect(r.ok).toBe(false);
  expect(r.eventLogId).not.toBeNull();
  const violation = await waitForDoc(db.collection('audit_logs').doc(r.eventLogId!), 'violation entry');
  expect(violation).toMatchObject({ eventType: 'security.integrity_violation', level: 'CRITICAL', tenantId: t.id });
  const record = (await db.collection('audit_integrity_runs').doc(r.runId).get()).data()!;
  expect(record).toMatchObject({ tenantId: t.id, ok: false, findingCount: expected.length, trigger: 'manual' });
}

async function storedEntry(logId: string) {
  const snap = await db.collection('audit_logs').doc(logId).get();
  return snap.data()!;
}

async function newestCheckpoint(tenantId: string): Promise<SignedCheckpoint> {
  const snap = await db
    .collection('audit_checkpoints')
    .where('tenantId', '==', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .get();
  return snap.docs[0]!.data() as SignedCheckpoint;
}

describe('tampering an admin could do, found by the verifier and the scheduled check', () => {
  const tenants: Record<string, Tenant> = {};

  beforeAll(async () => {
    const labels = ['clean', 'recompute', 'nohash', 'delete', 'insert', 'rewrite', 'resign', 'drop'];
    // One after another: the emulated auth blocking function drops concurrent sign-ins.
    for (const l of labels) tenants[l] = await ingestedTenant(`tamper-${l}`);
  }, 180_000);

  it('an untouched tenant verifies clean: exit 0 and an ok run record', async () => {
    const t = tenants.clean!;
    const c = await cli(t.id, yesterday(), today());
    expect(c.code).toBe(0);
    expect(c.json.findings).toEqual([]);
    expect(c.json.entriesChecked).toBeGreaterThanOrEqual(4);
    const r = await scheduled(t, yesterday(), today());
    expect(r.ok).toBe(true);
    expect(r.eventLogId).toBeNull();
    const record = (await db.collection('audit_integrity_runs').doc(r.runId).get()).data()!;
    expect(record).toMatchObject({ tenantId: t.id, ok: true, findingCount: 0, findings: [] });
  }, 60_000);

  it('(a) a field changed and the hash recomputed: entry_modified of that entry', async () => {
    const t = tenants.recompute!;
    const logId = t.logIds[1]!;
    const { recordedAt: _r, ...entry } = fromStored(await storedEntry(logId));
    const changed = { ...entry, outcome: 'failure' as const };
    await db
      .collection('audit_logs')
      .doc(logId)
      .update({ outcome: 'failure', hash: entryHash(changed) });
    await expectDetected(t, [`entry_modified ${logId}`]);
  }, 60_000);

  it('(b) a field changed, hash left alone: entry_hash_mismatch of that entry', async () => {
    const t = tenants.nohash!;
    const logId = t.logIds[2]!;
    await db.collection('audit_logs').doc(logId).update({ 'actor.name': 'Mallory' });
    await expectDetected(t, [`entry_hash_mismatch ${logId}`]);
  }, 60_000);

  it('(c) an entry deleted: entry_deleted of that entry', async () => {
    const t = tenants.delete!;
    const logId = t.logIds[0]!;
    await db.collection('audit_logs').doc(logId).delete();
    await expectDetected(t, [`entry_deleted ${logId}`]);
  }, 60_000);

  it('(d) a forged entry with a valid hash and id inside a checkpointed window: entry_inserted', async () => {
    const t = tenants.insert!;
    const neighbour = await storedEntry(t.logIds[0]!);
    const forged = buildEntry(
      validateEnvelope(testEnvelope(t.id, { eventId: 'forged-1' }), new Date()),
      CLEAR_TEXT_TENANT_SETTINGS,
      { via: 'pubsub' },
    );
    expect(forged.logId).toBe(logIdFor(t.id, forged.source, 'forged-1'));
    const recordedAt = (neighbour.recordedAt as Timestamp).toDate();
    await db
      .collection('audit_logs')
      .doc(forged.logId)
      .create(toStored(forged, new Date(recordedAt.getTime() + 1)));
    await expectDetected(t, [`entry_inserted ${forged.logId}`]);
  }, 60_000);

  it('(f) a checkpoint root changed and its hash recomputed: that checkpoint is named', async () => {
    const t = tenants.rewrite!;
    const c = await newestCheckpoint(t.id);
    const forged = { ...c, merkleRoot: 'f'.repeat(64) };
    await db
      .collection('audit_checkpoints')
      .doc(c.id)
      .update({
        merkleRoot: forged.merkleRoot,
        hash: checkpointHash(bodyOf(forged)),
      });
    await expectDetected(t, [`checkpoint_anchor_mismatch ${c.id}`, `checkpoint_invalid ${c.id}`]);
  }, 60_000);

  it('(f) a checkpoint re-signed with another key, the key published too: its anchor names it; a pinned key too', async () => {
    const t = tenants.resign!;
    const c = await newestCheckpoint(t.id);
    const mallory = newSigner();
    const forged = { ...c, merkleRoot: 'e'.repeat(64) };
    const hash = checkpointHash(bodyOf(forged));
    await db
      .collection('audit_checkpoints')
      .doc(c.id)
      .update({
        merkleRoot: forged.merkleRoot,
        hash,
        keyId: mallory.keyId,
        signature: mallory.sign(hash),
      });
    await db
      .collection('audit_checkpoint_keys')
      .doc(mallory.keyId)
      .set({ keyId: mallory.keyId, algorithm: 'Ed25519', publicKey: mallory.publicKey });
    await expectDetected(t, [`checkpoint_anchor_mismatch ${c.id}`]);
    const pinned = await cli(t.id, yesterday(), today(), ['--public-key', signer.publicKey]);
    expect(pinned.code).toBe(1);
    expect(named(pinned.json.findings)).toEqual([`checkpoint_anchor_mismatch ${c.id}`, `checkpoint_invalid ${c.id}`]);
  }, 60_000);

  it('(g) the newest checkpoint dropped: checkpoint_missing of it', async () => {
    const t = tenants.drop!;
    const c = await newestCheckpoint(t.id);
    await db.collection('audit_checkpoints').doc(c.id).delete();
    await expectDetected(t, [`checkpoint_missing ${c.id}`]);
  }, 60_000);
});

describe('an archived day', () => {
  const date = dateDaysAgo(200);
  let t: Tenant;

  beforeAll(async () => {
    const id = uniqueTenant('tamper-archive');
    await db.collection('tenants').doc(id).set({ name: 'archive', retentionDays: 90 });
    const admin = await tenantUser(db, id, 'admin');
    const entries = entriesOn(id, date, 12, 'arch');
    await seed(db, entries);
    await checkpoint(id);
    const tiering = await runTieringJob(tieringDeps(), { tenantIds: [id] });
    expect(tiering.failures).toBe(0);
    const archives = [...(await archivesOf(db, id)).values()];
    expect(archives.map((a) => a.state as string)).toEqual(['archived']);
    t = { id, admin, logIds: entries.map((e) => e.logId) };
  }, 180_000);

  it('verifies clean from its Parquet rows against the original checkpoints', async () => {
    const c = await cli(t.id, date, date);
    expect(c.json.findings).toEqual([]);
    expect(c.code).toBe(0);
    expect(c.json.entriesChecked).toBe(12);
  }, 60_000);

  it('(e) an edited Parquet file: archive_modified of that day, nothing else', async () => {
    const [archive] = [...(await archivesOf(db, t.id)).values()];
    const objectPath = archive!.objectPath as string;
    const dir = await mkdtemp(join(tmpdir(), 'tamper-'));
    try {
      const local = join(dir, 'in.parquet');
      const edited = join(dir, 'out.parquet');
      expect(await downloadWithDigest(bucket(), objectPath, local)).not.toBeNull();
      const duck = await openDuckDb();
      try {
        // One row's outcome rewritten, everything else as it was: what an admin with DuckDB would do.
        await duck.conn.run(
          `COPY (SELECT * REPLACE (CASE WHEN "logId" = '${t.logIds[3]}' THEN 'failure' ELSE "outcome" END AS "outcome") ` +
            `FROM read_parquet('${local}')) TO '${edited}' (FORMAT parquet)`,
        );
      } finally {
        duck.close();
      }
      await bucket().upload(edited, { destination: objectPath, resumable: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const c = await cli(t.id, date, date);
    expect(c.code).toBe(1);
    expect(c.json.findings.length).toBeGreaterThan(0);
    expect(c.json.findings.every((f) => f.kind === 'archive_modified' && f.date === date)).toBe(true);
    // The file no longer matches its manifest (the day) and the edited row its hash (the row).
    expect(targets(c.json.findings).sort()).toEqual([date, t.logIds[3]].sort());
    const r = await scheduled(t, date, date);
    expect(r.ok).toBe(false);
    expect(r.findings.every((f) => f.kind === 'archive_modified' && f.date === date)).toBe(true);
    expect(r.eventLogId).not.toBeNull();
  }, 120_000);
});

describe('alerting', () => {
  it('a run with findings reaches the tenant admin as a notification of its CRITICAL entry', async () => {
    const t = await ingestedTenant('tamper-alert', 2);
    await db.collection('audit_logs').doc(t.logIds[0]!).delete();
    const r = await scheduled(t, yesterday(), today());
    expect(r.eventLogId).not.toBeNull();
    await waitFor(
      () => db.collection('notifications').where('tenantId', '==', t.id).where('logId', '==', r.eventLogId).get(),
      (s) => s.size > 0,
      { what: 'a notification of the violation', timeoutMs: 60_000 },
    );
  }, 180_000);
});
