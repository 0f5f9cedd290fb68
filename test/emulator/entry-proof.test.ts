import { hash } from 'node:crypto';
import type { EntryProof } from '@audit-log/model/callables';
import { rootFromInclusionProof, type SignedCheckpoint } from '@audit-log/model/integrity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, type AuditEntry } from '../../functions/src/domain';
import { toStored } from '../../functions/src/store/converters';
import { callCallable, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, dateDaysAgo, entriesOn, seed } from '../support/tiering';

// The entryProof callable on the emulators: it finds the checkpoint the real job signed for an
// entry and answers a proof that the functions' own Merkle code accepts; it tells pending from
// inserted entries; and an entry of another tenant answers exactly like one that does not exist.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');

const db = adminDb();
const tenant = uniqueTenant('proof');
const other = uniqueTenant('proof-other');
const day = dateDaysAgo(1);
const entries = entriesOn(tenant, day, 6, 'proof');
const digest = (data: Uint8Array) => hash('sha256', data, 'buffer');

let auditor: string;
let otherAdmin: string;
let checkpoints: SignedCheckpoint[];

async function proofOf(logId: string, idToken = auditor) {
  return callCallable('entryProof', { logId }, idToken);
}

async function proved(logId: string): Promise<EntryProof> {
  const answer = await proofOf(logId);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.result as EntryProof;
}

/** A forged entry of the tenant, valid in itself, written straight to Firestore at `recordedAt`. */
async function insertForged(label: string, recordedAt: number): Promise<AuditEntry> {
  const [forged] = entriesOn(tenant, day, 1, `forged-${label}`);
  await db
    .collection('audit_logs')
    .doc(forged!.logId)
    .create(toStored(forged!, new Date(recordedAt)));
  return forged!;
}

beforeAll(async () => {
  await Promise.all([createTenant(db, tenant), createTenant(db, other)]);
  // Unsigned: the real job below signs them on its own 5-minute grid.
  await seed(db, entries, { checkpoint: false });
  const [admin, reader, otherReader] = await Promise.all([
    signInWithClaims({ tenantId: tenant, role: 'admin' }),
    signInWithClaims({ tenantId: tenant, role: 'auditor' }),
    signInWithClaims({ tenantId: other, role: 'admin' }),
  ]);
  auditor = reader.idToken;
  otherAdmin = otherReader.idToken;
  // The real job, on demand, as a tenant admin runs it: yesterday is long past the grace period.
  const run = await callCallable('runCheckpoints', {}, admin.idToken);
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  const snap = await db.collection('audit_checkpoints').where('tenantId', '==', tenant).orderBy('seq').get();
  checkpoints = snap.docs.map((d) => d.data() as SignedCheckpoint);
  expect(checkpoints.reduce((n, c) => n + c.count, 0)).toBe(entries.length);
}, 120_000);

afterAll(async () => {
  await closeAdminApp();
});

describe('entryProof', () => {
  it('proves every signed entry against the root of the checkpoint whose window holds it', async () => {
    for (const e of entries) {
      const answer = await proved(e.logId);
      expect(answer.status).toBe('proved');
      if (answer.status !== 'proved') return;
      const recordedAt = Date.parse(e.occurredAt) + 1234;
      expect(Date.parse(answer.checkpoint.windowStart)).toBeLessThanOrEqual(recordedAt);
      expect(Date.parse(answer.checkpoint.windowEnd)).toBeGreaterThan(recordedAt);
      expect(answer.checkpoint).toEqual(checkpoints.find((c) => c.seq === answer.checkpoint.seq));
      expect(answer.signedHash).toBe(e.hash);
      expect(await rootFromInclusionProof(answer.proof, digest)).toBe(answer.checkpoint.merkleRoot);
    }
  });

  it('answers the hash the checkpoint signed after an entry was changed and rehashed', async () => {
    const target = entries[1]!;
    const changed = { ...target, outcome: 'failure' as const };
    await db
      .collection('audit_logs')
      .doc(target.logId)
      .update({ outcome: 'failure', hash: entryHash(changed) });
    const answer = await proved(target.logId);
    expect(answer.status === 'proved' && answer.signedHash).toBe(target.hash);
    expect(entryHash(changed)).not.toBe(target.hash);
  });

  it('answers absent for an entry inserted into a signed window, or into a gap the chain passed', async () => {
    const first = checkpoints[0]!;
    const inWindow = await insertForged('window', Date.parse(first.windowStart) + 1);
    expect(await proved(inWindow.logId)).toMatchObject({ status: 'absent', checkpoint: { seq: first.seq } });

    const second = checkpoints[1]!;
    const gapAt = (Date.parse(first.windowEnd) + Date.parse(second.windowStart)) / 2;
    expect(gapAt).toBeGreaterThan(Date.parse(first.windowEnd));
    const inGap = await insertForged('gap', gapAt);
    const answer = await proved(inGap.logId);
    expect(answer).toMatchObject({ status: 'absent', checkpoint: { seq: second.seq } });
    expect(answer.status === 'absent' && answer.reason).toMatch(/no checkpoint window holds/);
  });

  it('answers pending for an entry newer than the chain head', async () => {
    const fresh = await insertForged('fresh', Date.now());
    expect(await proved(fresh.logId)).toMatchObject({ status: 'pending' });
  });

  it("answers another tenant's entry exactly like a missing one", async () => {
    const foreign = await proofOf(entries[0]!.logId, otherAdmin);
    const missing = await proofOf('0'.repeat(32), otherAdmin);
    expect(foreign.status).toBe(404);
    expect(foreign.status).toBe(missing.status);
    const anonymized = (body: unknown, id: string) => JSON.stringify(body).replaceAll(id, '<logId>');
    expect(anonymized(foreign.body, entries[0]!.logId)).toBe(anonymized(missing.body, '0'.repeat(32)));
  });

  it('refuses a member and an anonymous caller', async () => {
    const member = await signInWithClaims({ tenantId: tenant, role: 'member' });
    expect((await proofOf(entries[0]!.logId, member.idToken)).status).toBe(404);
    const anonymous = await callCallable('entryProof', { logId: entries[0]!.logId });
    expect(anonymous.status).toBe(401);
  });
});
