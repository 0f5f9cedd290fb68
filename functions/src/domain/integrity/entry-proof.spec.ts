import { generateKeyPairSync, hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rootFromInclusionProof } from '@audit-log/model/integrity';
import { callerOf } from '../commands';
import { buildCheckpoint } from './checkpoint';
import {
  entryProofInputSchema,
  mayReadTenantAudit,
  outsideWindows,
  parseLeavesFile,
  proofFromLeaves,
  signedCheckpointOf,
  windowHolds,
  type LeavesFile,
} from './entry-proof';
import { CheckpointLeaves } from './leaves';
import { signerFromSecret } from './signing';

const digest = (data: Uint8Array) => hash('sha256', data, 'buffer');
const hex = (i: number) => hash('sha256', `entry ${i}`, 'hex');
const logId = (i: number) => hash('md5', `log ${i}`, 'hex');

function signer() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signerFromSecret(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}

/** A checkpoint over `n` entries and its leaves file, as the checkpoint job writes them. */
function checkpointOf(n: number) {
  const leaves = new CheckpointLeaves();
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    leaves.add(logId(i), hex(i));
    pairs.push([logId(i), hex(i)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const window = { start: Date.parse('2026-12-05T10:00:00Z'), end: Date.parse('2026-12-05T10:05:00Z') };
  const checkpoint = buildCheckpoint({
    tenantId: 't1',
    prev: null,
    window,
    count: n,
    merkleRoot: leaves.root(),
    signer: signer(),
  });
  const file: LeavesFile = { checkpointId: checkpoint.id, leaves: pairs };
  return { checkpoint, file };
}

const as = (token: Record<string, unknown>) => callerOf({ uid: 'u1', token });

describe('who may ask for an entry proof', () => {
  it('is a reader of the entry tenant or a platform admin, never a member or another tenant', () => {
    for (const role of ['admin', 'auditor', 'reviewer', 'compliance'])
      expect(mayReadTenantAudit(as({ tenantId: 't1', role }), 't1')).toBe(true);
    expect(mayReadTenantAudit(as({ tenantId: 't1', role: 'member' }), 't1')).toBe(false);
    expect(mayReadTenantAudit(as({ tenantId: 't2', role: 'admin' }), 't1')).toBe(false);
    expect(mayReadTenantAudit(as({ role: 'admin' }), 't1')).toBe(false);
    expect(mayReadTenantAudit(as({ platformAdmin: true }), 't1')).toBe(true);
  });

  it('names a log id and nothing else', () => {
    expect(entryProofInputSchema.safeParse({ logId: logId(1) }).success).toBe(true);
    expect(entryProofInputSchema.safeParse({ logId: 'x/../y' }).success).toBe(false);
    expect(entryProofInputSchema.safeParse({ logId: logId(1), tenantId: 't2' }).success).toBe(false);
  });
});

describe('entry proofs', () => {
  it('lead from the signed hash to the checkpoint root for every entry of the window', async () => {
    const { checkpoint, file } = checkpointOf(11);
    for (let i = 0; i < 11; i++) {
      const answer = proofFromLeaves(checkpoint, file, logId(i));
      expect(answer.status).toBe('proved');
      if (answer.status !== 'proved') return;
      expect(answer.signedHash).toBe(hex(i));
      expect(answer.proof.size).toBe(11);
      expect(await rootFromInclusionProof(answer.proof, digest)).toBe(checkpoint.merkleRoot);
    }
  });

  it('carry the hash the checkpoint signed, not the one stored now', () => {
    // The entry was changed and its hash recomputed afterwards: the proof still names the signed
    // hash, so the console sees the stored one differ from it.
    const { checkpoint, file } = checkpointOf(4);
    const answer = proofFromLeaves(checkpoint, file, logId(2));
    expect(answer.status === 'proved' && answer.signedHash).toBe(hex(2));
  });

  it('answer absent for an entry in a closed window that the checkpoint did not sign', () => {
    const { checkpoint, file } = checkpointOf(4);
    const answer = proofFromLeaves(checkpoint, file, logId(99));
    expect(answer).toMatchObject({ status: 'absent', checkpoint: { seq: 1 } });
    expect(answer.status === 'absent' && answer.reason).toMatch(/checkpoint #1 .* did not sign it/);
  });

  it('answer pending after the head of the chain, absent in a gap the chain passed', () => {
    const { checkpoint } = checkpointOf(1);
    expect(outsideWindows(null, '2026-12-05T10:07:00.000Z').status).toBe('pending');
    expect(outsideWindows(checkpoint, '2026-12-05T09:58:00.000Z')).toMatchObject({
      status: 'absent',
      checkpoint: { seq: 1 },
    });
  });

  it('place instants in windows as [start, end)', () => {
    const c = { windowStart: '2026-12-05T10:00:00.000Z', windowEnd: '2026-12-05T10:05:00.000Z' };
    expect(windowHolds(c, Date.parse('2026-12-05T10:00:00.000Z'))).toBe(true);
    expect(windowHolds(c, Date.parse('2026-12-05T10:04:59.999Z'))).toBe(true);
    expect(windowHolds(c, Date.parse('2026-12-05T10:05:00.000Z'))).toBe(false);
    expect(windowHolds(c, Date.parse('2026-12-05T09:59:59.999Z'))).toBe(false);
  });

  it('read leaves files and refuse anything else', () => {
    const { file } = checkpointOf(2);
    expect(parseLeavesFile(JSON.stringify(file))).toEqual(file);
    expect(parseLeavesFile('{')).toBeNull();
    expect(parseLeavesFile(JSON.stringify({ checkpointId: 'x', leaves: [['a']] }))).toBeNull();
  });

  it('give the client the signed fields of a stored checkpoint and nothing else', () => {
    const { checkpoint } = checkpointOf(1);
    const stored = { ...checkpoint, createdAt: { seconds: 1 }, leavesPath: 'x' };
    expect(signedCheckpointOf(stored)).toEqual(checkpoint);
  });
});
