import { describe, expect, it } from 'vitest';
import {
  GENESIS_PREV_HASH,
  bodyOf,
  checkpointBodyText,
  checkpointId,
  signedMessage,
  type CheckpointKey,
  type SignedCheckpoint,
} from '@audit-log/model/integrity';
import { claimsFrom } from '../core/auth/roles';
import { keyIdOf, sha256Text } from './entry-verification';
import { FIXTURE_CHECKPOINT, FIXTURE_KEY } from './entry-verification.fixture';
import {
  canRunIntegrityJobs,
  checkRows,
  describeCheckpointRun,
  describeIntegrityCheck,
  toRunView,
} from './integrity-model';

const MINUTE = 60_000;
const T0 = Date.parse('2026-01-31T12:00:00.000Z');

async function signer() {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const publicKey = btoa(String.fromCharCode(...raw));
  const key: CheckpointKey = { keyId: await keyIdOf(publicKey), algorithm: 'Ed25519', publicKey };
  const sign = async (hash: string) => {
    const sig = new Uint8Array(
      await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, new TextEncoder().encode(signedMessage(hash))),
    );
    return btoa(String.fromCharCode(...sig));
  };
  return { key, sign };
}

/** A tenant's chain of `n` signed five-minute checkpoints, newest first, as the page reads it. */
async function chain(n: number) {
  const { key, sign } = await signer();
  const out: SignedCheckpoint[] = [];
  let prevHash = GENESIS_PREV_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = {
      version: 1 as const,
      tenantId: 't1',
      seq,
      windowStart: new Date(T0 + (seq - 1) * 5 * MINUTE).toISOString(),
      windowEnd: new Date(T0 + seq * 5 * MINUTE).toISOString(),
      count: seq,
      merkleRoot: await sha256Text(`root ${seq}`),
      prevHash,
    };
    const hash = await sha256Text(checkpointBodyText(body));
    out.push({
      ...body,
      id: checkpointId('t1', seq),
      date: body.windowStart.slice(0, 10),
      merkleOrder: 'rfc6962-sha256-sorted-leaves',
      hash,
      algorithm: 'Ed25519',
      keyId: key.keyId,
      signature: await sign(hash),
    });
    prevHash = hash;
  }
  return { rows: out.reverse(), keys: new Map([[key.keyId, key]]), sign };
}

const states = (rows: { checkpoint: SignedCheckpoint; state: string }[]) =>
  rows.map((r) => `${r.checkpoint.seq}:${r.state}`);

describe('checkpoint chain on the Integrity page', () => {
  it('shows an untouched chain valid, including the first link to the genesis hash', async () => {
    const { rows, keys } = await chain(4);
    const checked = await checkRows(rows, 4, true, keys);
    expect(states(checked)).toEqual(['4:valid', '3:valid', '2:valid', '1:valid']);
    expect(checked.every((r) => r.hashOk && r.linkOk === true && r.signatureOk)).toBe(true);
  });

  it('accepts a checkpoint signed by the functions', async () => {
    const keys = new Map([[FIXTURE_KEY.keyId, { ...FIXTURE_KEY, algorithm: 'Ed25519' as const }]]);
    const [row] = await checkRows([FIXTURE_CHECKPOINT], 1, false, keys);
    expect(row).toMatchObject({ state: 'valid', hashOk: true, signatureOk: true, linkOk: null });
  });

  it('leaves the oldest row of a page unlinked when its predecessor is on the next page, and checks it with one more row', async () => {
    const { rows, keys } = await chain(5);
    expect((await checkRows(rows.slice(0, 2), 2, false, keys)).map((r) => r.linkOk)).toEqual([true, null]);
    expect((await checkRows(rows.slice(0, 3), 2, false, keys)).map((r) => r.linkOk)).toEqual([true, true]);
  });

  it('marks a rewritten checkpoint, and one rehashed without its key', async () => {
    const { rows, keys } = await chain(3);
    const rewritten = rows.map((c) => (c.seq === 2 ? { ...c, count: 99 } : c));
    const checked = await checkRows(rewritten, 3, true, keys);
    expect(states(checked)).toEqual(['3:valid', '2:invalid', '1:valid']);
    expect(checked[1]!.problems).toEqual(['its hash does not match its contents']);

    const rehashed = await Promise.all(
      rewritten.map(async (c) => (c.seq === 2 ? { ...c, hash: await sha256Text(checkpointBodyText(bodyOf(c))) } : c)),
    );
    const again = await checkRows(rehashed, 3, true, keys);
    // The rehashed row's signature fails, and its successor no longer links to it.
    expect(states(again)).toEqual(['3:invalid', '2:invalid', '1:valid']);
    expect(again[1]!.problems).toEqual(['its signature is not valid']);
    expect(again[0]!.problems).toEqual(["it does not link to checkpoint #2's hash"]);
  });

  it('names a dropped checkpoint and an unpublished key', async () => {
    const { rows, keys } = await chain(4);
    const dropped = rows.filter((c) => c.seq !== 2);
    expect((await checkRows(dropped, 3, true, keys))[1]!.problems).toEqual([
      'checkpoints #2–#2 are missing',
      "it does not link to checkpoint #1's hash",
    ]);
    const noStart = await checkRows(rows.slice(0, 3), 3, true, keys);
    expect(noStart[2]!.problems).toEqual(['checkpoint #1 is missing']);
    expect((await checkRows(rows, 1, false, new Map()))[0]!.problems).toEqual([
      `key ${rows[0]!.keyId} is not published`,
    ]);
  });
});

describe('last verification run', () => {
  it('reads the run record with Timestamps or strings, and its findings', () => {
    const at = (iso: string) => ({ toDate: () => new Date(iso) });
    const view = toRunView('r1', {
      tenantId: 't1',
      trigger: 'scheduled',
      startedAt: at('2026-02-01T03:00:00Z'),
      finishedAt: at('2026-02-01T03:00:09Z'),
      from: '2026-01-31T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
      ok: false,
      entriesChecked: 1200,
      checkpointsChecked: 288,
      archivedDaysChecked: 0,
      findingCount: 2,
      findings: [
        { kind: 'entry_modified', message: 'entry abc differs from the one checkpoint #7 signed', logId: 'abc' },
        { kind: 'bogus' },
      ],
    });
    expect(view.finishedAt?.toISOString()).toBe('2026-02-01T03:00:09.000Z');
    expect(view.from?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(view.ok).toBe(false);
    expect(view.findings.map((f) => f.kind)).toEqual(['entry_modified']);
    expect(view.findingCount).toBe(2);
  });
});

describe('who may checkpoint or verify on demand', () => {
  it('is a tenant admin for their tenant or a platform admin', () => {
    expect(canRunIntegrityJobs(claimsFrom({ tenantId: 't1', role: 'admin' }), 't1')).toBe(true);
    expect(canRunIntegrityJobs(claimsFrom({ tenantId: 't1', role: 'auditor' }), 't1')).toBe(false);
    expect(canRunIntegrityJobs(claimsFrom({ tenantId: 't2', role: 'admin' }), 't1')).toBe(false);
    expect(canRunIntegrityJobs(claimsFrom({ platformAdmin: true }), 't1')).toBe(true);
    expect(canRunIntegrityJobs(claimsFrom({ platformAdmin: true }), null)).toBe(false);
  });
});

describe('checkpoint run message', () => {
  it('says what a run made, found late and failed', () => {
    const report = {
      runId: 'r',
      tenants: 1,
      checkpoints: [
        { tenantId: 't1', id: 't1~0000000003', seq: 3, windowStart: '', windowEnd: '', count: 2 },
        { tenantId: 't1', id: 't1~0000000004', seq: 4, windowStart: '', windowEnd: '', count: 1 },
      ],
      lateEntries: [{ tenantId: 't1', checkpointId: 't1~0000000002', signedCount: 5, foundCount: 6, eventLogId: null }],
      failures: [],
      reads: 0,
      writes: 0,
      storageWrites: 0,
      storageReads: 0,
      durationMs: 1,
      stoppedAtDeadline: false,
    };
    expect(describeCheckpointRun(report)).toBe(
      '2 new checkpoints (#3, #4). 1 entries appeared in t1~0000000002 after it was signed.',
    );
    expect(describeCheckpointRun({ ...report, checkpoints: [], lateEntries: [] })).toMatch(/^No new checkpoint/);
  });
});

describe('verification run message', () => {
  it('says what was checked and whether anything was found', () => {
    const run = {
      runId: 'r1',
      tenantId: 't1',
      ok: true,
      entriesChecked: 12,
      checkpointsChecked: 3,
      archivedDaysChecked: 0,
      findingCount: 0,
      findings: [],
      eventLogId: null,
      truncated: false,
    };
    expect(describeIntegrityCheck({ runs: [run], failures: [] })).toBe(
      'Verified 12 entries, 3 checkpoints, 0 archived days: no tampering found.',
    );
    expect(describeIntegrityCheck({ runs: [{ ...run, ok: false, findingCount: 2 }], failures: [] })).toMatch(
      /: 2 findings\.$/,
    );
  });
});
