import { generateKeyPairSync, hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_PREV_HASH, rootFromInclusionProof } from '@audit-log/model/integrity';
import { buildCheckpoint, checkpointSelfProblems, nextWindow } from './checkpoint';
import { CheckpointLeaves } from './leaves';
import { keyIdOf, signatureValid, signerFromSecret } from './signing';

const digest = (data: Uint8Array) => hash('sha256', data, 'buffer');
const hex = (i: number) => hash('sha256', `entry ${i}`, 'hex');

function testSigner() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signerFromSecret(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}

describe('checkpoint leaves', () => {
  it('give every entry a proof that leads to the root, for every size up to 40', async () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = new CheckpointLeaves();
      for (let i = 0; i < n; i++) leaves.add(`log-${i}`, hex(i));
      const root = leaves.root();
      for (let i = 0; i < n; i++) {
        const proof = leaves.proof(`log-${i}`, hex(i));
        expect(proof).not.toBeNull();
        expect(await rootFromInclusionProof(proof!, digest)).toBe(root);
      }
    }
  });

  it('have no proof for an entry that is not there or whose hash changed', () => {
    const leaves = new CheckpointLeaves();
    for (let i = 0; i < 5; i++) leaves.add(`log-${i}`, hex(i));
    expect(leaves.proof('log-9', hex(9))).toBeNull();
    expect(leaves.proof('log-1', hex(2))).toBeNull();
  });

  it('do not lead to the root from a changed leaf, index or path', async () => {
    const leaves = new CheckpointLeaves();
    for (let i = 0; i < 13; i++) leaves.add(`log-${i}`, hex(i));
    const root = leaves.root();
    const proof = leaves.proof('log-3', hex(3))!;
    const forged = { ...proof, leaf: hash('sha256', 'log-3\nforged', 'hex') };
    expect(await rootFromInclusionProof(forged, digest)).not.toBe(root);
    const moved = { ...proof, index: (proof.index + 1) % proof.size };
    expect(await rootFromInclusionProof(moved, digest)).not.toBe(root);
    expect(await rootFromInclusionProof({ ...proof, path: proof.path.slice(1) }, digest)).not.toBe(root);
    expect(await rootFromInclusionProof({ ...proof, index: proof.size }, digest)).toBeNull();
  });

  it('root a set, not a sequence: the order of adding does not matter', () => {
    const a = new CheckpointLeaves();
    const b = new CheckpointLeaves();
    for (let i = 0; i < 9; i++) a.add(`log-${i}`, hex(i));
    for (let i = 8; i >= 0; i--) b.add(`log-${i}`, hex(i));
    expect(a.root()).toBe(b.root());
  });
});

describe('checkpoints', () => {
  const window = { start: Date.parse('2026-12-05T10:00:00Z'), end: Date.parse('2026-12-05T10:05:00Z') };

  it('chain, sign and check their own hash', () => {
    const signer = testSigner();
    const first = buildCheckpoint({ tenantId: 't1', prev: null, window, count: 3, merkleRoot: hex(1), signer });
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_PREV_HASH);
    expect(first.date).toBe('2026-12-05');
    const second = buildCheckpoint({
      tenantId: 't1',
      prev: first,
      window: { start: window.end, end: window.end + 300_000 },
      count: 1,
      merkleRoot: hex(2),
      signer,
    });
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(checkpointSelfProblems(first)).toEqual([]);
    expect(signatureValid(first.hash, first.signature, signer.publicKey)).toBe(true);
    expect(first.keyId).toBe(keyIdOf(signer.publicKey));
  });

  it('show a rewritten field, a re-signed forgery with another key, and a garbled signature', () => {
    const signer = testSigner();
    const c = buildCheckpoint({ tenantId: 't1', prev: null, window, count: 3, merkleRoot: hex(1), signer });
    expect(checkpointSelfProblems({ ...c, count: 4 })).toContain('its hash does not match its contents');
    const other = testSigner();
    const forged = buildCheckpoint({ tenantId: 't1', prev: null, window, count: 4, merkleRoot: hex(1), signer: other });
    expect(signatureValid(forged.hash, forged.signature, signer.publicKey)).toBe(false);
    expect(signatureValid(c.hash, 'AAAA', signer.publicKey)).toBe(false);
    expect(signatureValid(c.hash, c.signature, 'not a key')).toBe(false);
  });

  it('refuse a signing key that is not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signerFromSecret(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/Ed25519/);
  });
});

describe('the next checkpoint window', () => {
  const at = (iso: string) => Date.parse(iso);
  const interval = 300_000;

  it('is the closed slot of the first uncovered entry', () => {
    const w = nextWindow({
      prevEnd: null,
      firstUncovered: at('2026-12-05T10:02:00Z'),
      cut: at('2026-12-05T10:08:00Z'),
      intervalMs: interval,
      closeOpenSlot: false,
    });
    expect(w).toEqual({ start: at('2026-12-05T10:00:00Z'), end: at('2026-12-05T10:05:00Z') });
  });

  it('waits for an open slot unless asked to close it at the cut', () => {
    const input = {
      prevEnd: at('2026-12-05T10:05:00Z'),
      firstUncovered: at('2026-12-05T10:06:00Z'),
      cut: at('2026-12-05T10:08:00Z'),
      intervalMs: interval,
    };
    expect(nextWindow({ ...input, closeOpenSlot: false })).toBeNull();
    expect(nextWindow({ ...input, closeOpenSlot: true })).toEqual({ start: input.prevEnd, end: input.cut });
  });

  it('starts where the previous window ended inside a slot', () => {
    const w = nextWindow({
      prevEnd: at('2026-12-05T10:07:00Z'),
      firstUncovered: at('2026-12-05T10:08:00Z'),
      cut: at('2026-12-05T11:00:00Z'),
      intervalMs: interval,
      closeOpenSlot: false,
    });
    expect(w).toEqual({ start: at('2026-12-05T10:07:00Z'), end: at('2026-12-05T10:10:00Z') });
  });

  it('never spans UTC midnight, whatever the gap since the last window', () => {
    const w = nextWindow({
      prevEnd: at('2026-12-01T23:57:00Z'),
      firstUncovered: at('2026-12-04T23:58:00Z'),
      cut: at('2026-12-05T12:00:00Z'),
      intervalMs: interval,
      closeOpenSlot: true,
    })!;
    expect(new Date(w.start).toISOString()).toBe('2026-12-04T23:55:00.000Z');
    expect(new Date(w.end).toISOString()).toBe('2026-12-05T00:00:00.000Z');
  });

  it('refuses an interval that does not divide a day', () => {
    expect(() =>
      nextWindow({ prevEnd: null, firstUncovered: 0, cut: 1, intervalMs: 7 * 60_000, closeOpenSlot: false }),
    ).toThrow(/divide a day/);
  });
});
