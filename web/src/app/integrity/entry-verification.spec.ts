import { describe, expect, it } from 'vitest';
import type { EntryProof } from '@audit-log/model/callables';
import { checkpointBodyText, bodyOf } from '@audit-log/model/integrity';
import {
  keyIdOf,
  recomputeEntryHash,
  sha256Text,
  signatureValid,
  verifyEntry,
  type VerificationInput,
} from './entry-verification';
import {
  FIXTURE_CHECKPOINT,
  FIXTURE_ENTRY_HASH,
  FIXTURE_KEY,
  FIXTURE_PROOF,
  fixtureEntry,
} from './entry-verification.fixture';

const RECORDED_AT = Date.parse('2026-01-31T12:00:01.500Z');

function proved(overrides: Partial<Extract<EntryProof, { status: 'proved' }>> = {}): EntryProof {
  return {
    status: 'proved',
    checkpoint: FIXTURE_CHECKPOINT,
    proof: FIXTURE_PROOF,
    signedHash: FIXTURE_ENTRY_HASH,
    ...overrides,
  };
}

function input(overrides: Partial<VerificationInput> = {}): VerificationInput {
  return {
    logId: 'f4e790c33a1c85df51c06de7fa0e9bff',
    entry: fixtureEntry(),
    recordedAtMs: RECORDED_AT,
    answer: proved(),
    key: { ...FIXTURE_KEY, algorithm: 'Ed25519' },
    ...overrides,
  };
}

const failing = (checks: readonly { id: string; ok: boolean }[]) => checks.filter((c) => !c.ok).map((c) => c.id);

describe('entry verification in the browser', () => {
  it('recomputes the hash the functions pinned for the golden entry', async () => {
    expect(await recomputeEntryHash(fixtureEntry())).toBe(FIXTURE_ENTRY_HASH);
    // The same instant as an ISO string with another zone hashes the same: it is normalized.
    expect(await recomputeEntryHash({ ...fixtureEntry(), occurredAt: '2026-01-31T13:00:00+01:00' })).toBe(
      FIXTURE_ENTRY_HASH,
    );
  });

  it('checks the signature and key id the functions made', async () => {
    const c = FIXTURE_CHECKPOINT;
    expect(await sha256Text(checkpointBodyText(bodyOf(c)))).toBe(c.hash);
    expect(await keyIdOf(FIXTURE_KEY.publicKey)).toBe(FIXTURE_KEY.keyId);
    expect(await signatureValid(c.hash, c.signature, FIXTURE_KEY.publicKey)).toBe(true);
    expect(await signatureValid(c.hash.replace(/^./, '0'), c.signature, FIXTURE_KEY.publicKey)).toBe(false);
    expect(await signatureValid(c.hash, 'not base64!', FIXTURE_KEY.publicKey)).toBe(false);
  });

  it('passes every check for an untouched entry', async () => {
    const result = await verifyEntry(input());
    expect(failing(result.checks)).toEqual([]);
    expect(result.checks.map((c) => c.id)).toEqual(['content', 'signed', 'inclusion', 'checkpoint', 'signature']);
    expect(result.verdict).toBe('verified');
    expect(result.summary).toMatch(/^This entry is exactly as signed in checkpoint 2 at 2026-01-31T12:05:00.000Z/);
  });

  it('fails an entry changed after signing whose hash was recomputed, naming the signed hash', async () => {
    const entry: Record<string, unknown> = { ...fixtureEntry(), outcome: 'failure' };
    entry['hash'] = await recomputeEntryHash(entry);
    const result = await verifyEntry(input({ entry }));
    expect(failing(result.checks)).toEqual(['signed']);
    expect(result.verdict).toBe('tampered');
    expect(result.summary).toMatch(/^This entry was changed after it was signed in checkpoint 2/);
    expect(result.summary).toContain(FIXTURE_ENTRY_HASH.slice(0, 12));
  });

  it('fails an entry whose field changed and whose hash was left alone', async () => {
    const entry = { ...fixtureEntry(), actor: { type: 'user', id: 'someone-else' } };
    const result = await verifyEntry(input({ entry }));
    expect(failing(result.checks)).toEqual(['content', 'signed']);
    expect(result.checks[0]!.detail).toMatch(/a field was changed and the hash left alone/);
    expect(result.summary).toMatch(/^This entry was changed after it was signed/);
  });

  it('fails a proof that does not lead to the signed root, or is for another leaf', async () => {
    const bent = { ...FIXTURE_PROOF, path: [FIXTURE_PROOF.path[1]!, FIXTURE_PROOF.path[0]!] };
    expect(failing((await verifyEntry(input({ answer: proved({ proof: bent }) }))).checks)).toEqual(['inclusion']);
    const other = { ...FIXTURE_PROOF, leaf: FIXTURE_PROOF.path[0]! };
    const result = await verifyEntry(input({ answer: proved({ proof: other }) }));
    expect(result.checks.find((c) => c.id === 'inclusion')?.detail).toBe('the proof is not for this entry');
  });

  it('fails a rewritten checkpoint: its hash, or with the hash recomputed its signature', async () => {
    const rewritten = { ...FIXTURE_CHECKPOINT, count: 6 };
    expect(failing((await verifyEntry(input({ answer: proved({ checkpoint: rewritten }) }))).checks)).toEqual([
      'checkpoint',
    ]);
    const rehashed = { ...rewritten, hash: await sha256Text(checkpointBodyText(bodyOf(rewritten))) };
    const result = await verifyEntry(input({ answer: proved({ checkpoint: rehashed }) }));
    expect(failing(result.checks)).toEqual(['signature']);
    expect(result.summary).toMatch(/^This entry cannot be proved by checkpoint 2: Signature by key/);
  });

  it('fails a checkpoint of another window or tenant, an unpublished key and a substituted key', async () => {
    const late = await verifyEntry(input({ recordedAtMs: Date.parse('2026-01-31T12:05:00.000Z') }));
    expect(failing(late.checks)).toEqual(['checkpoint']);
    expect(failing((await verifyEntry(input({ key: null }))).checks)).toEqual(['signature']);
    const substituted = { keyId: FIXTURE_KEY.keyId, algorithm: 'Ed25519' as const, publicKey: 'A'.repeat(43) + '=' };
    const result = await verifyEntry(input({ key: substituted }));
    expect(result.checks.find((c) => c.id === 'signature')?.detail).toMatch(/does not have the id/);
  });

  it('says pending before the entry is checkpointed and fails an entry the chain passed without it', async () => {
    const pending = await verifyEntry(input({ answer: { status: 'pending', reason: 'after the newest checkpoint' } }));
    expect(pending.verdict).toBe('pending');
    expect(pending.summary).toMatch(/not in a signed checkpoint yet/);
    const absent = await verifyEntry(
      input({ answer: { status: 'absent', checkpoint: FIXTURE_CHECKPOINT, reason: 'checkpoint #2 did not sign it' } }),
    );
    expect(absent.verdict).toBe('tampered');
    expect(failing(absent.checks)).toEqual(['inclusion']);
    expect(absent.summary).toMatch(/^This entry was never signed: checkpoint #2 did not sign it/);
  });
});
