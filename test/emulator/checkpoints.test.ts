import {
  GENESIS_PREV_HASH,
  integrityObjects,
  type CheckpointKey,
  type SignedCheckpoint,
} from '@audit-log/model/integrity';
import type { CheckpointRunReport } from '@audit-log/model/callables';
import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveObjectPath, manifestObjectPath, type Manifest } from '../../functions/src/domain/archive';
import type { AuditEntry } from '../../functions/src/domain';
import { logIdFor } from '../../functions/src/domain/ids';
import {
  CheckpointLeaves,
  checkpointRootsOfRows,
  checkpointSelfProblems,
  signatureValid,
} from '../../functions/src/domain/integrity';
import { forgetPublishedKeys } from '../../functions/src/integrity/job';
import { signedOf } from '../../functions/src/integrity/store';
import { runTieringJob } from '../../functions/src/tiering/job';
import { restoreDay } from '../../functions/src/tiering/restore';
import { checkpointTenants, devSigner, GRACE_MS, INTERVAL_MS, seedRecorded } from '../support/checkpoints';
import { ok, tenantUser } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import {
  bucket,
  countExisting,
  createTenant,
  dateDaysAgo,
  DAY,
  entriesOn,
  readArchiveObject,
  tieringDeps,
} from '../support/tiering';

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'FIREBASE_AUTH');
const db = adminDb();

afterAll(async () => {
  await closeAdminApp();
});

async function chainOf(tenantId: string): Promise<SignedCheckpoint[]> {
  const snap = await db.collection('audit_checkpoints').where('tenantId', '==', tenantId).orderBy('seq', 'asc').get();
  return snap.docs.map((d) => signedOf(d.data()));
}

async function storedJson<T>(path: string): Promise<T> {
  const [buf] = await bucket().file(path).download();
  return JSON.parse(buf.toString('utf8')) as T;
}

/** The root of the entries recorded in a window, computed here from the entries themselves. */
function rootOf(recorded: ReadonlyArray<{ e: AuditEntry; at: number }>, c: SignedCheckpoint) {
  const leaves = new CheckpointLeaves();
  const inside = recorded.filter((r) => r.at >= Date.parse(c.windowStart) && r.at < Date.parse(c.windowEnd));
  for (const { e } of inside) leaves.add(e.logId, e.hash);
  return { root: leaves.root(), count: inside.length, pairs: inside.map(({ e }) => [e.logId, e.hash]).sort() };
}

describe('the checkpoint chain of a tenant, on demand', () => {
  const tenant = uniqueTenant('ckpt');
  // Two days ago around midnight, well past the grace period: slots 23:50, 23:55, 00:00, 00:10.
  const day = dateDaysAgo(2);
  const midnight = Date.parse(`${day}T00:00:00.000Z`) + DAY;
  const offsets = [-8 * 60_000, -150_000, -1, 0, 3 * 60_000, 11 * 60_000];
  const entries = entriesOn(tenant, day, offsets.length, 'mid');
  const recorded = entries.map((e, i) => ({ e, at: midnight + offsets[i]! }));
  let first: CheckpointRunReport;
  let second: CheckpointRunReport;
  let chain: SignedCheckpoint[];

  beforeAll(async () => {
    await createTenant(db, tenant);
    await seedRecorded(db, entries, (_e, i) => new Date(recorded[i]!.at));
    const admin = await tenantUser(db, tenant, 'admin');
    first = await ok<CheckpointRunReport>('runCheckpoints', {}, admin.idToken);
    second = await ok<CheckpointRunReport>('runCheckpoints', {}, admin.idToken);
    chain = await chainOf(tenant);
  });

  it('signs one checkpoint per slot with entries, chained, none spanning midnight', () => {
    expect(first.failures).toEqual([]);
    expect(chain.map((c) => [c.windowStart, c.windowEnd, c.count])).toEqual([
      [new Date(midnight - 600_000).toISOString(), new Date(midnight - 300_000).toISOString(), 1],
      [new Date(midnight - 300_000).toISOString(), new Date(midnight).toISOString(), 2],
      [new Date(midnight).toISOString(), new Date(midnight + 300_000).toISOString(), 2],
      [new Date(midnight + 600_000).toISOString(), new Date(midnight + 900_000).toISOString(), 1],
    ]);
    expect(first.checkpoints.map((c) => c.id)).toEqual(chain.map((c) => c.id));
    chain.forEach((c, i) => {
      expect(c.seq).toBe(i + 1);
      expect(c.prevHash).toBe(i === 0 ? GENESIS_PREV_HASH : chain[i - 1]!.hash);
      expect(checkpointSelfProblems(c)).toEqual([]);
      expect(c.date).toBe(new Date(Date.parse(c.windowEnd) - 1).toISOString().slice(0, 10));
    });
  });

  it('signs roots equal to the roots recomputed from the entries, with a published key', async () => {
    const keySnap = await db.collection('audit_checkpoint_keys').doc(devSigner().keyId).get();
    const key = keySnap.data() as CheckpointKey;
    expect(key).toEqual({ keyId: devSigner().keyId, algorithm: 'Ed25519', publicKey: devSigner().publicKey });
    for (const c of chain) {
      const expected = rootOf(recorded, c);
      expect(c.merkleRoot).toBe(expected.root);
      expect(c.count).toBe(expected.count);
      expect(c.keyId).toBe(key.keyId);
      expect(signatureValid(c.hash, c.signature, key.publicKey)).toBe(true);
    }
  });

  it('writes each leaves file and an anchor equal to the checkpoint', async () => {
    for (const c of chain) {
      const leaves = await storedJson<{ checkpointId: string; leaves: string[][] }>(
        integrityObjects.leaves(tenant, c.seq),
      );
      expect(leaves).toEqual({ checkpointId: c.id, leaves: rootOf(recorded, c).pairs });
      expect(await storedJson(integrityObjects.anchor(tenant, c.seq))).toEqual(c);
    }
  });

  it('creates nothing when no entry is new', () => {
    expect(second.checkpoints).toEqual([]);
    expect(second.lateEntries).toEqual([]);
    expect(second.writes).toBe(0);
    expect(second.storageWrites).toBe(0);
  });
});

describe('late entries', () => {
  const tenant = uniqueTenant('late');
  // Recent enough to be re-counted: slots that closed a few minutes ago.
  const slot = Math.floor((Date.now() - GRACE_MS) / INTERVAL_MS) * INTERVAL_MS - INTERVAL_MS;
  const entries = entriesOn(tenant, dateDaysAgo(1), 4, 'late');

  beforeAll(async () => {
    await createTenant(db, tenant);
    await seedRecorded(db, entries.slice(0, 3), (_e, i) => new Date(slot + 1000 + i));
  });

  it('are reported once as a CRITICAL integrity violation, never absorbed', async () => {
    const signed = await checkpointTenants([tenant], { graceMs: GRACE_MS });
    expect(signed.checkpoints).toHaveLength(1);
    const [checkpoint] = signed.checkpoints;
    expect(checkpoint!.count).toBe(3);

    // Attack first: an entry written behind the system's back into the signed window.
    await seedRecorded(db, entries.slice(3), () => new Date(slot + 2000));
    const found = await checkpointTenants([tenant], { graceMs: GRACE_MS });
    expect(found.checkpoints).toEqual([]);
    expect(found.lateEntries).toEqual([
      expect.objectContaining({ tenantId: tenant, checkpointId: checkpoint!.id, signedCount: 3, foundCount: 4 }),
    ]);
    const logId = found.lateEntries[0]!.eventLogId!;
    expect(logId).toBe(logIdFor(tenant, 'audit-integrity', `late-entries:${checkpoint!.id}:4`));
    const entry = (await db.collection('audit_logs').doc(logId).get()).data()!;
    expect(entry).toMatchObject({
      eventType: 'security.integrity_violation',
      level: 'CRITICAL',
      category: 'SECURITY',
      requiresReview: true,
      source: 'audit-integrity',
      resource: { type: 'audit_checkpoint', id: checkpoint!.id },
    });
    expect(entry.metadata).toMatchObject({ checkpointId: checkpoint!.id, signedCount: 3, foundCount: 4 });

    // The window is not re-signed, and a rerun records no second entry.
    await checkpointTenants([tenant], { graceMs: GRACE_MS });
    const violations = await db
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('eventType', '==', 'security.integrity_violation')
      .get();
    expect(violations.size).toBe(1);
    const chain = await chainOf(tenant);
    expect(chain.filter((c) => c.windowStart === checkpoint!.windowStart)).toHaveLength(1);
  });
});

describe('the cost of a run', () => {
  const tenant = uniqueTenant('cost');
  const perSlot = 7;
  // Five closed slots of entries an hour ago; the runs' clock is injected to play them in turn.
  const base = Math.floor((Date.now() - 3_600_000) / INTERVAL_MS) * INTERVAL_MS;
  const entries = entriesOn(tenant, dateDaysAgo(1), 5 * perSlot, 'cost');

  beforeAll(async () => {
    await createTenant(db, tenant);
    await seedRecorded(db, entries, (_e, i) => new Date(base + Math.floor(i / perSlot) * INTERVAL_MS + 1000 + i));
  });

  it('reads each new entry once plus a few documents, and writes one document and two objects per checkpoint', async () => {
    forgetPublishedKeys();
    // As the schedule runs: a minute after a slot's grace ended, so the cut lies inside the next slot.
    const scheduled = { graceMs: GRACE_MS, closeOpenSlot: false };
    const at = (slots: number) => () => base + slots * INTERVAL_MS + GRACE_MS + 60_000;
    // First run: nothing signed yet, four slots closed.
    const catchUp = await checkpointTenants([tenant], { ...scheduled, now: at(4) });
    expect(catchUp.checkpoints).toHaveLength(4);
    // Reads: head query (none: 1), then per checkpoint the first-uncovered query (1) and the
    // window (7), and a last first-uncovered query finding the open slot's entry (1). Writes: key
    // + 4 checkpoints.
    expect(catchUp.reads).toBe(1 + 4 * (1 + perSlot) + 1);
    expect(catchUp.writes).toBe(1 + 4);
    expect(catchUp.storageWrites).toBe(4 * 2);

    // Steady state: one slot closed since the last run.
    const steady = await checkpointTenants([tenant], { ...scheduled, now: at(5) });
    expect(steady.checkpoints).toHaveLength(1);
    // The newest 4 checkpoints (4 reads), one recount of the window that closed last run (1 read
    // per 1,000 entries), first-uncovered (1), the window (7), first-uncovered again, finding
    // nothing in the open slot (1).
    expect(steady.reads).toBe(4 + 1 + 1 + perSlot + 1);
    expect(steady.writes).toBe(1);
    expect(steady.storageWrites).toBe(2);
    // The head's anchor is checked once.
    expect(steady.storageReads).toBe(1);
  });
});

describe('checkpoints through tiering and restore', () => {
  const tenant = uniqueTenant('ckarch');
  const waiting = uniqueTenant('ckwait');
  const day = dateDaysAgo(120);
  // Recorded a second after they happened; the last one happened just before midnight and was
  // recorded just after it, so it belongs to the next day's checkpoint but to this archive day.
  const entries = [
    ...entriesOn(tenant, day, 5, 'arch'),
    ...entriesOn(tenant, day, 1, 'late-night', {
      occurredAt: new Date(Date.parse(`${day}T23:59:59.500Z`)).toISOString(),
    }),
  ];
  const recordedAt = (e: AuditEntry) => new Date(Date.parse(e.occurredAt) + 1000);

  beforeAll(async () => {
    await createTenant(db, tenant);
    await createTenant(db, waiting);
    await seedRecorded(db, entries, recordedAt);
    await seedRecorded(db, entriesOn(waiting, day, 2, 'unsigned'), recordedAt);
  });

  it('archives a signed day with its checkpoints in the manifest, and restores entries that verify against them', async () => {
    const signed = await checkpointTenants([tenant], { now: () => Date.parse(`${day}T00:00:00.000Z`) + 2 * DAY });
    expect(signed.checkpoints).toHaveLength(entries.length);
    const chain = await chainOf(tenant);
    expect(chain.at(-1)!.date).not.toBe(day);

    const report = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
    expect(report.days.map((d) => [d.date, d.status, d.error])).toEqual([[day, 'archived', undefined]]);
    const manifest = await storedJson<Manifest>(manifestObjectPath(tenant, day, 1));
    expect(manifest.checkpoints).toEqual(
      chain.map((c) => ({
        id: c.id,
        seq: c.seq,
        windowStart: c.windowStart,
        windowEnd: c.windowEnd,
        count: c.count,
        merkleRoot: c.merkleRoot,
        rows: 1,
      })),
    );
    // The Parquet rows give each checkpoint's root, as the archive verification recomputed them.
    const rows = await readArchiveObject(archiveObjectPath(tenant, day, 1));
    const roots = checkpointRootsOfRows(
      rows.map((r) => ({ logId: r.logId, hash: r.hash, recordedAt: String(r.recordedAt) })),
      manifest.checkpoints!,
    );
    expect(roots.outsideCount).toBe(0);
    expect(roots.checkpoints.every((c) => c.rootMatches)).toBe(true);

    await restoreDay(tieringDeps(), { tenantId: tenant, date: day, holdDays: 5 });
    for (const c of chain) {
      const snap = await db
        .collection('audit_logs')
        .where('tenantId', '==', tenant)
        .where('recordedAt', '>=', Timestamp.fromMillis(Date.parse(c.windowStart)))
        .where('recordedAt', '<', Timestamp.fromMillis(Date.parse(c.windowEnd)))
        .get();
      const leaves = new CheckpointLeaves();
      for (const d of snap.docs) leaves.add(d.id, d.get('hash') as string);
      expect([leaves.count, leaves.root()]).toEqual([c.count, c.merkleRoot]);
    }
  });

  it('leaves a day warm while a checkpoint does not yet sign its entries', async () => {
    const report = await runTieringJob(tieringDeps(), { tenantIds: [waiting] });
    expect(report.days).toEqual([
      expect.objectContaining({
        date: day,
        status: 'failed',
      }),
    ]);
    expect(report.days[0]!.error!.code).toBe('awaiting_checkpoint');
    expect(report.days[0]!.error!.message).toMatch(/not yet signed by a checkpoint/);
    const state = await db.collection('audit_tiering_days').where('tenantId', '==', waiting).get();
    expect(state.docs.map((d) => (d.get('lastError') as { code: string }).code)).toEqual(['awaiting_checkpoint']);
    expect(
      await countExisting(
        db,
        entriesOn(waiting, day, 2, 'unsigned').map((e) => e.logId),
      ),
    ).toBe(2);
  });
});

describe('a window holding more entries than one page of the job', () => {
  // The job folds a window a page at a time; at 10 events/s a 5-minute window holds 3,000 entries,
  // three pages of 1,000. Here a page of 4 over 11 entries takes three pages the same way.
  const tenant = uniqueTenant('ckpt-pages');
  const day = dateDaysAgo(2);
  const slotStart = Date.parse(`${day}T12:00:00.000Z`);
  const entries = entriesOn(tenant, day, 11, 'paged');
  const recorded = entries.map((e, i) => ({ e, at: slotStart + 1_000 + i * 7_000 }));
  let report: CheckpointRunReport;

  beforeAll(async () => {
    await createTenant(db, tenant);
    await seedRecorded(db, entries, (_e, i) => new Date(recorded[i]!.at));
    report = await checkpointTenants([tenant], { pageSize: 4 });
  });

  it('is signed whole: one checkpoint counting every entry, its root recomputed from them all', async () => {
    expect(report.failures).toEqual([]);
    const chain = await chainOf(tenant);
    expect(chain).toHaveLength(1);
    const [only] = chain;
    expect(only!.count).toBe(entries.length);
    expect(only!.merkleRoot).toBe(rootOf(recorded, only!).root);
  });
});
