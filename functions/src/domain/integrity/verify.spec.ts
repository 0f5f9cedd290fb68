import { describe, expect, it } from 'vitest';
import { checkpointId, type IntegrityFinding, type SignedCheckpoint } from '@audit-log/model/integrity';
import { entryHash } from '../entry';
import { buildCheckpoint, checkpointHash } from './checkpoint';
import { CheckpointLeaves } from './leaves';
import { bodyOf } from '@audit-log/model/integrity';
import { verifyTenant } from './verify';
import { inputOf, makeEntry, stream, makeWorld, newSigner, WINDOW_MS, type World } from './verify-fixture';

async function findings(w: World, patch = {}): Promise<IntegrityFinding[]> {
  return (await verifyTenant(inputOf(w, patch))).findings;
}

/** Kind and the one thing each finding names, for exact comparison. */
function named(fs: IntegrityFinding[]): string[] {
  return fs.map((f) => `${f.kind} ${f.logId ?? f.checkpointId ?? f.date}`).sort();
}

describe('verifying an untouched tenant', () => {
  it('finds nothing and counts what it checked', async () => {
    const w = makeWorld();
    const result = await verifyTenant(inputOf(w));
    expect(result.findings).toEqual([]);
    expect(result.entriesChecked).toBe(12);
    expect(result.checkpointsChecked).toBe(3);
  });

  it('does not read a leaves file when a window gives its signed root', async () => {
    const w = makeWorld();
    let reads = 0;
    await verifyTenant(inputOf(w, { loadLeaves: () => (reads++, Promise.resolve(null)) }));
    expect(reads).toBe(0);
  });

  it('counts entries recorded after the head within the grace period as pending, not findings', async () => {
    const w = makeWorld();
    w.nowMs = w.fromMs + 3 * WINDOW_MS + 60_000;
    w.entries.push(makeEntry(w.tenantId, 100, w.fromMs + 3 * WINDOW_MS + 1_000));
    const result = await verifyTenant(inputOf(w));
    expect(result.findings).toEqual([]);
    expect(result.pending).toBe(1);
  });

  it('refuses entries out of recordedAt order (the adapter must merge its sources)', async () => {
    const w = makeWorld();
    const unordered = stream([w.entries[1]!]);
    const entries = (async function* () {
      yield* unordered;
      yield w.entries[0]!;
    })();
    await expect(verifyTenant(inputOf(w, { entries }))).rejects.toThrow(/order/);
  });
});

describe('attacks on entries', () => {
  it('a field changed, hash left alone: entry_hash_mismatch of that entry only', async () => {
    const w = makeWorld();
    const e = w.entries[5]!;
    e.entry = { ...e.entry, outcome: 'failure' };
    expect(named(await findings(w))).toEqual([`entry_hash_mismatch ${e.logId}`]);
  });

  it('a field changed and the hash recomputed: entry_modified of that entry only', async () => {
    const w = makeWorld();
    const e = w.entries[5]!;
    const changed = { ...e.entry, outcome: 'failure' as const };
    e.entry = { ...changed, hash: entryHash(changed) };
    expect(named(await findings(w))).toEqual([`entry_modified ${e.logId}`]);
  });

  it('an entry whose id is not its event: entry_hash_mismatch', async () => {
    const w = makeWorld();
    const e = w.entries[2]!;
    const changed = { ...e.entry, eventId: 'other' };
    e.entry = { ...changed, hash: entryHash(changed) };
    const fs = await findings(w);
    expect(fs.map((f) => f.kind)).toContain('entry_hash_mismatch');
    expect(new Set(fs.map((f) => f.logId))).toEqual(new Set([e.logId]));
  });

  it('an entry deleted: entry_deleted of that entry only', async () => {
    const w = makeWorld();
    const [gone] = w.entries.splice(6, 1);
    expect(named(await findings(w))).toEqual([`entry_deleted ${gone!.logId}`]);
  });

  it('every entry of a window deleted: each is named', async () => {
    const w = makeWorld();
    const gone = w.entries.splice(4, 4);
    expect(named(await findings(w))).toEqual(gone.map((g) => `entry_deleted ${g.logId}`).sort());
  });

  it('a forged entry with a valid hash and id inside a signed window: entry_inserted', async () => {
    const w = makeWorld();
    const forged = makeEntry(w.tenantId, 999, w.fromMs + WINDOW_MS + 7);
    w.entries.push(forged);
    expect(named(await findings(w))).toEqual([`entry_inserted ${forged.logId}`]);
  });

  it('a forged entry between windows the chain passed over: entry_inserted', async () => {
    const w = makeWorld();
    // Move the last window one slot on, leaving a gap the chain declared empty.
    const c3 = w.checkpoints[2]!;
    const acc = new CheckpointLeaves();
    for (const e of w.entries.slice(8)) {
      e.recordedAtMs += WINDOW_MS;
      acc.add(e.logId, e.entry.hash);
    }
    const moved = buildCheckpoint({
      tenantId: w.tenantId,
      prev: w.checkpoints[1]!,
      window: { start: Date.parse(c3.windowStart) + WINDOW_MS, end: Date.parse(c3.windowEnd) + WINDOW_MS },
      count: 4,
      merkleRoot: acc.root(),
      signer: w.signer,
    });
    w.checkpoints[2] = moved;
    w.anchors.set(3, { ...moved });
    w.leaves.set(moved.id, w.leaves.get(c3.id));
    expect(await findings(w)).toEqual([]);
    const forged = makeEntry(w.tenantId, 998, Date.parse(c3.windowStart) + 10);
    w.entries.push(forged);
    expect(named(await findings(w))).toEqual([`entry_inserted ${forged.logId}`]);
  });

  it('an entry past the grace period after the head: entry_uncovered', async () => {
    const w = makeWorld();
    const late = makeEntry(w.tenantId, 997, w.fromMs + 10 * WINDOW_MS);
    w.entries.push(late);
    expect(named(await findings(w))).toEqual([`entry_uncovered ${late.logId}`]);
  });

  it('a tampered leaves file and a changed entry: the checkpoint is named, the window judged whole', async () => {
    const w = makeWorld();
    const id = w.checkpoints[1]!.id;
    w.leaves.set(id, { checkpointId: id, leaves: [] });
    const e = w.entries[5]!;
    const changed = { ...e.entry, outcome: 'failure' as const };
    e.entry = { ...changed, hash: entryHash(changed) };
    expect(named(await findings(w))).toEqual([`checkpoint_invalid ${id}`, `entry_modified ${id}`]);
  });
});

describe('attacks on checkpoints', () => {
  function rewriteRoot(c: SignedCheckpoint): SignedCheckpoint {
    const forged = { ...c, merkleRoot: 'f'.repeat(64) };
    return { ...forged, hash: checkpointHash(bodyOf(forged)) };
  }

  it('a root changed and the hash recomputed: only that checkpoint is named', async () => {
    const w = makeWorld();
    w.checkpoints[1] = rewriteRoot(w.checkpoints[1]!);
    const id = w.checkpoints[1].id;
    expect(named(await findings(w))).toEqual([`checkpoint_anchor_mismatch ${id}`, `checkpoint_invalid ${id}`]);
  });

  it('a rewritten checkpoint without an anchor is still named alone', async () => {
    const w = makeWorld();
    w.anchors.clear();
    w.checkpoints[1] = rewriteRoot(w.checkpoints[1]!);
    const id = w.checkpoints[1].id;
    const fs = await findings(w);
    expect(new Set(fs.map((f) => f.checkpointId))).toEqual(new Set([id]));
    expect(fs.map((f) => f.kind)).toContain('checkpoint_invalid');
  });

  it('a checkpoint re-signed with another key: checkpoint_invalid', async () => {
    const w = makeWorld();
    const other = newSigner();
    const forged = { ...rewriteRoot(w.checkpoints[2]!), keyId: other.keyId };
    w.checkpoints[2] = { ...forged, signature: other.sign(forged.hash) };
    const id = forged.id;
    const fs = await findings(w);
    expect(named(fs)).toEqual([`checkpoint_anchor_mismatch ${id}`, `checkpoint_invalid ${id}`]);
    expect(fs.find((f) => f.kind === 'checkpoint_invalid')!.message).toMatch(/not a trusted key/);
  });

  it('a checkpoint re-signed with a key slipped into the trusted set: only its anchor names it', async () => {
    const w = makeWorld();
    const other = newSigner();
    w.trustedKeys.set(other.keyId, other.publicKey);
    const forged = { ...rewriteRoot(w.checkpoints[1]!), keyId: other.keyId };
    w.checkpoints[1] = { ...forged, signature: other.sign(forged.hash) };
    expect(named(await findings(w))).toEqual([`checkpoint_anchor_mismatch ${forged.id}`]);
  });

  it('a forged signature under the trusted key id: checkpoint_invalid', async () => {
    const w = makeWorld();
    w.anchors.clear();
    const other = newSigner();
    w.checkpoints[0] = { ...w.checkpoints[0]!, signature: other.sign(w.checkpoints[0]!.hash) };
    expect(named(await findings(w))).toEqual([`checkpoint_invalid ${w.checkpoints[0].id}`]);
  });

  it('the newest checkpoint dropped: checkpoint_missing of it only (its anchor still covers its entries)', async () => {
    const w = makeWorld();
    const dropped = w.checkpoints.pop()!;
    expect(named(await findings(w))).toEqual([`checkpoint_missing ${dropped.id}`]);
  });

  it('a period in the past: later checkpoints are not missing, a dropped head still is', async () => {
    const w = makeWorld({ windows: 4 });
    const dropped = w.checkpoints.pop()!;
    const toMs = w.fromMs + 2 * WINDOW_MS;
    const input = inputOf(w, {
      checkpoints: w.checkpoints.slice(0, 2),
      newestSeq: 3,
      toMs,
      entries: stream(w.entries.filter((e) => e.recordedAtMs < toMs)),
    });
    expect(named((await verifyTenant(input)).findings)).toEqual([`checkpoint_missing ${dropped.id}`]);
  });

  it('a checkpoint in the middle dropped: checkpoint_missing of it only', async () => {
    const w = makeWorld();
    const [dropped] = w.checkpoints.splice(1, 1);
    expect(named(await findings(w))).toEqual([`checkpoint_missing ${dropped!.id}`]);
  });

  it('a link to the wrong predecessor, even when signed: checkpoint_chain_broken', async () => {
    const w = makeWorld();
    w.anchors.clear();
    const c3 = w.checkpoints[2]!;
    const relinked = buildCheckpoint({
      tenantId: w.tenantId,
      prev: { seq: 2, hash: 'a'.repeat(64) },
      window: { start: Date.parse(c3.windowStart), end: Date.parse(c3.windowEnd) },
      count: c3.count,
      merkleRoot: c3.merkleRoot,
      signer: w.signer,
    });
    w.checkpoints[2] = relinked;
    expect(named(await findings(w))).toEqual([`checkpoint_chain_broken ${relinked.id}`]);
  });

  it('an anchored copy that differs from Firestore: checkpoint_anchor_mismatch', async () => {
    const w = makeWorld();
    w.anchors.set(2, { ...w.checkpoints[1]!, signature: 'AAAA' });
    expect(named(await findings(w))).toEqual([`checkpoint_anchor_mismatch ${checkpointId(w.tenantId, 2)}`]);
  });
});

describe('archived entries', () => {
  function archive(w: World, date: string) {
    for (const e of w.entries.slice(0, 8)) e.archivedDate = date;
  }

  it('verify against the original checkpoints when read from the archive', async () => {
    const w = makeWorld();
    archive(w, '2026-03-01');
    expect(await findings(w)).toEqual([]);
  });

  it('count once when read from both Firestore (restored) and the archive', async () => {
    const w = makeWorld();
    archive(w, '2026-03-01');
    w.entries.push(...w.entries.slice(0, 8).map(({ archivedDate: _d, ...e }) => ({ ...e })));
    expect(await findings(w)).toEqual([]);
  });

  it('an edited archived row is archive_modified on its day, naming the row', async () => {
    const w = makeWorld();
    archive(w, '2026-03-01');
    const e = w.entries[3]!;
    const changed = { ...e.entry, outcome: 'failure' as const };
    e.entry = { ...changed, hash: entryHash(changed) };
    const fs = await findings(w);
    expect(fs.map((f) => [f.kind, f.date, f.logId])).toEqual([['archive_modified', '2026-03-01', e.logId]]);
  });

  it('a manifest naming a checkpoint with another root than signed is archive_modified on its day', async () => {
    const w = makeWorld();
    const c = w.checkpoints[0]!;
    const part = { date: '2026-03-01', part: 1, problems: [] };
    expect(await findings(w, { archivedParts: [{ ...part, checkpoints: [c] }] })).toEqual([]);
    const fs = await findings(w, { archivedParts: [{ ...part, checkpoints: [{ ...c, merkleRoot: 'a'.repeat(64) }] }] });
    expect(fs.map((f) => [f.kind, f.date])).toEqual([['archive_modified', '2026-03-01']]);
  });

  it('an archive file that differs from its manifest is archive_modified on its day', async () => {
    const w = makeWorld();
    const fs = await findings(w, {
      archivedParts: [
        { date: '2026-03-01', part: 1, problems: [{ code: 'sha256_mismatch', message: 'object SHA-256: x' }] },
      ],
    });
    expect(fs.map((f) => [f.kind, f.date])).toEqual([['archive_modified', '2026-03-01']]);
  });
});
