import { generateKeyPairSync } from 'node:crypto';
import type { SignedCheckpoint } from '@audit-log/model/integrity';
import { entryHash, type HashedEntry } from '../entry';
import { logIdFor } from '../ids';
import { buildCheckpoint } from './checkpoint';
import { CheckpointLeaves } from './leaves';
import { signerFromSecret, type CheckpointSigner } from './signing';
import type { StoredEntryInput } from './verify-entries';
import type { VerifyTenantInput } from './verify';

/**
 * An in-memory tenant for the verifier's specs and benchmark: entries in checkpointed windows,
 * their signed checkpoints, leaves files and anchored copies, all made with the real domain code,
 * so that an attack is a plain edit of one of these arrays or maps.
 */

export function newSigner(): CheckpointSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  return signerFromSecret(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}

export function makeEntry(tenantId: string, i: number, recordedAtMs: number): StoredEntryInput {
  const source = 'app';
  const eventId = `evt-${i}`;
  const fields: Omit<HashedEntry, 'hash'> = {
    specVersion: '1.0',
    eventId,
    eventType: i % 3 === 0 ? 'repo.created' : 'issue.commented',
    tenantId,
    occurredAt: new Date(recordedAtMs - 500).toISOString(),
    source,
    sequence: i,
    actor: { type: 'user', id: `u-${i % 7}`, email: `user${i % 7}@example.com`, roles: ['dev'] },
    resource: { type: 'repository', id: `r-${i % 5}`, name: `repo ${i % 5}` },
    operation: 'create',
    outcome: 'success',
    metadata: { n: i, note: 'verified', nested: { z: 1, a: [1, 'x'] } },
    context: { correlationId: `corr-${i}` },
    category: 'data',
    level: 'INFO',
    requiresReview: false,
    changedFields: [],
    redactions: [],
  } as unknown as Omit<HashedEntry, 'hash'>;
  const entry = { ...fields, hash: entryHash(fields) } as HashedEntry & { hash: string };
  return { logId: logIdFor(tenantId, source, eventId), entry, recordedAtMs };
}

export interface World {
  tenantId: string;
  signer: CheckpointSigner;
  entries: StoredEntryInput[];
  checkpoints: SignedCheckpoint[];
  leaves: Map<string, unknown>;
  anchors: Map<number, unknown>;
  trustedKeys: Map<string, string>;
  fromMs: number;
  toMs: number;
  nowMs: number;
}

export const WINDOW_MS = 5 * 60_000;

/** `windows` consecutive 5-minute windows from `start`, `perWindow` entries in each, checkpointed. */
export function makeWorld(
  opts: { tenantId?: string; windows?: number; perWindow?: number; start?: string } = {},
): World {
  const tenantId = opts.tenantId ?? 't1';
  const windows = opts.windows ?? 3;
  const perWindow = opts.perWindow ?? 4;
  const fromMs = Date.parse(opts.start ?? '2026-03-01T00:00:00.000Z');
  const signer = newSigner();
  const entries: StoredEntryInput[] = [];
  const checkpoints: SignedCheckpoint[] = [];
  const leaves = new Map<string, unknown>();
  const anchors = new Map<number, unknown>();
  let prev: SignedCheckpoint | null = null;
  let i = 0;
  for (let w = 0; w < windows; w++) {
    const start = fromMs + w * WINDOW_MS;
    const acc = new CheckpointLeaves();
    const pairs: Array<[string, string]> = [];
    for (let k = 0; k < perWindow; k++) {
      const e = makeEntry(tenantId, i++, start + Math.floor(((k + 0.5) * WINDOW_MS) / perWindow));
      entries.push(e);
      acc.add(e.logId, e.entry.hash);
      pairs.push([e.logId, e.entry.hash]);
    }
    const c: SignedCheckpoint = buildCheckpoint({
      tenantId,
      prev,
      window: { start, end: start + WINDOW_MS },
      count: perWindow,
      merkleRoot: acc.root(),
      signer,
    });
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    leaves.set(c.id, { checkpointId: c.id, leaves: pairs });
    anchors.set(c.seq, { ...c });
    checkpoints.push(c);
    prev = c;
  }
  const toMs = fromMs + 86_400_000;
  return {
    tenantId,
    signer,
    entries,
    checkpoints,
    leaves,
    anchors,
    trustedKeys: new Map([[signer.keyId, signer.publicKey]]),
    fromMs,
    toMs,
    nowMs: toMs + 3_600_000,
  };
}

/** The entries in `recordedAt` order, as the adapter streams them. */
export function stream(entries: readonly StoredEntryInput[]): AsyncIterable<StoredEntryInput> {
  const sorted = [...entries].sort((a, b) => a.recordedAtMs - b.recordedAtMs);
  return {
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return {
        next: () =>
          Promise.resolve(i < sorted.length ? { done: false, value: sorted[i++]! } : { done: true, value: undefined }),
      };
    },
  };
}

/** The verifier's input for a world as it now stands. */
export function inputOf(w: World, patch: Partial<VerifyTenantInput> = {}): VerifyTenantInput {
  return {
    tenantId: w.tenantId,
    checkpoints: w.checkpoints,
    newestSeq: w.checkpoints.reduce<number | null>((max, c) => Math.max(max ?? 0, c.seq), null),
    anchors: w.anchors,
    trustedKeys: w.trustedKeys,
    fromMs: w.fromMs,
    toMs: w.toMs,
    coverDeadlineMs: w.nowMs - 30 * 60_000,
    loadLeaves: (c) => Promise.resolve(w.leaves.get(c.id) ?? null),
    entries: stream(w.entries),
    ...patch,
  };
}
