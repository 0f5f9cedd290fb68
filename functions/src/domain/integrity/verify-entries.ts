import { checkpointId, type IntegrityFinding, type SignedCheckpoint } from '@audit-log/model/integrity';
import { entryHash, type HashedEntry } from '../entry';
import { logIdFor } from '../ids';
import { hash as nodeHash } from 'node:crypto';
import { leafText } from '@audit-log/model/integrity';
import { rootOfSorted, sortLeaves } from '../archive/merkle';
import { CheckpointLeaves } from './leaves';
import type { ReferenceCheckpoint } from './verify-chain';

/**
 * The entry half of verification. Entries arrive as one stream ordered by `recordedAt` (Firestore
 * and archived rows merged); each is checked on its own (its hash recomputed from its stored
 * fields, its id from its event), then gathered into the checkpoint window it was recorded in.
 * When a window closes, the root of what is stored is compared with the signed root; only when
 * they differ is the window's leaves file read to name the entries that were modified, inserted or
 * deleted. Memory holds one window's entries at a time.
 */

/** One stored entry as read back: its stored fields, its `recordedAt`, and where it was read. */
export interface StoredEntryInput {
  /** The document id (or the archived row's `logId`). */
  logId: string;
  entry: HashedEntry & { hash: string };
  recordedAtMs: number;
  /** Set when the entry was read from an archived day rather than Firestore. */
  archivedDate?: string;
}

/** A checkpoint's leaves file as stored: `{ checkpointId, leaves: [[logId, hash], ...] }`. */
export type LeavesLoader = (checkpoint: SignedCheckpoint) => Promise<unknown>;

export interface EntryCheckInput {
  tenantId: string;
  reference: readonly ReferenceCheckpoint[];
  /** Single entries or batches of them (a page of a query), in `recordedAt` order. */
  entries: AsyncIterable<StoredEntryInput | readonly StoredEntryInput[]>;
  loadLeaves: LeavesLoader;
  /** Entries recorded before this instant must be covered by a checkpoint by now. */
  coverDeadlineMs: number;
  /** Windows ending at or before this instant only link the chain; their entries are not read. */
  fromMs: number;
  toMs: number;
  report: (finding: IntegrityFinding) => void;
  progress?: (entriesChecked: number) => void;
}

export interface EntryCheckResult {
  entriesChecked: number;
  /** Recorded before the tenant's first checkpoint: the chain had not started, nothing covers them. */
  beforeChain: number;
  /** Recorded after the newest checkpoint and still within the grace period. */
  pending: number;
}

/**
 * The leaf values of one window as raw 32-byte digests in one growing buffer: the per-entry cost
 * is one SHA-256 of a short text, no hex round trip.
 */
class RawLeaves {
  private buf = Buffer.alloc(32 * 512);
  count = 0;

  add(logId: string, hash: string): void {
    if ((this.count + 1) * 32 > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.count * 32);
      this.buf = bigger;
    }
    nodeHash('sha256', leafText(logId, hash), 'buffer').copy(this.buf, this.count * 32);
    this.count++;
  }

  root(): string {
    const leaves = this.buf.subarray(0, this.count * 32);
    // The bucket sort pays a fixed 64K-bucket pass: worth it only for large windows.
    const sorted = this.count > 4096 ? sortLeaves(leaves, this.count) : sortSmall(leaves, this.count);
    return rootOfSorted(sorted, this.count).toString('hex');
  }
}

function sortSmall(leaves: Buffer, n: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) parts.push(leaves.subarray(i * 32, (i + 1) * 32));
  parts.sort((a, b) => Buffer.compare(a, b));
  return Buffer.concat(parts, n * 32);
}

interface OpenWindow {
  ref: ReferenceCheckpoint;
  start: number;
  end: number;
  /** The window's entries as read (kept to name them when the root differs). */
  held: StoredEntryInput[];
  leaves: RawLeaves;
  /** Some entry came from the archive: the same entry may also be in Firestore (restored). */
  mixed: boolean;
}

/** The window's stored leaves, one per distinct (logId, hash): an entry read from two places counts once. */
function distinctLeaves(w: OpenWindow): RawLeaves {
  if (!w.mixed) return w.leaves;
  const out = new RawLeaves();
  const seen = new Set<string>();
  for (const h of w.held) {
    const key = `${h.logId}\n${h.entry.hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.add(h.logId, h.entry.hash);
  }
  return out;
}

/** Checks one entry on its own; the finding (if any) names it, or its archived day. */
function selfCheck(tenantId: string, e: StoredEntryInput): IntegrityFinding | null {
  const { entry, logId } = e;
  let problem: string | null = null;
  try {
    if (entry.tenantId !== tenantId) problem = `it belongs to tenant ${String(entry.tenantId)}`;
    else if (logIdFor(entry.tenantId, entry.source, entry.eventId) !== logId)
      problem = 'its id is not the one its tenant, source and event id give';
    else if (entryHash(entry) !== entry.hash) problem = 'its stored hash is not the hash of its contents';
  } catch {
    problem = 'it cannot be read as an entry';
  }
  if (problem === null) return null;
  if (e.archivedDate !== undefined) {
    return {
      kind: 'archive_modified',
      logId,
      date: e.archivedDate,
      message: `Archived entry ${logId} of ${e.archivedDate}: ${problem}.`,
    };
  }
  return { kind: 'entry_hash_mismatch', logId, message: `Entry ${logId}: ${problem}.` };
}

function parseLeaves(value: unknown, id: string): Array<[string, string]> | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { checkpointId?: unknown; leaves?: unknown };
  if (v.checkpointId !== id || !Array.isArray(v.leaves)) return null;
  const out: Array<[string, string]> = [];
  for (const pair of v.leaves as unknown[]) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return null;
    out.push([pair[0], pair[1]]);
  }
  return out;
}

/** The signed leaves of a checkpoint, or null when its leaves file is missing or not the signed one. */
async function authenticLeaves(w: OpenWindow, load: LeavesLoader): Promise<Map<string, string> | null> {
  const c = w.ref.checkpoint;
  let pairs: Array<[string, string]> | null;
  try {
    pairs = parseLeaves(await load(c), c.id);
  } catch {
    pairs = null;
  }
  if (!pairs) return null;
  const acc = new CheckpointLeaves();
  try {
    for (const [logId, hash] of pairs) acc.add(logId, hash);
  } catch {
    return null;
  }
  if (acc.count !== c.count || acc.root() !== c.merkleRoot) return null;
  return new Map(pairs);
}

async function closeWindow(w: OpenWindow, input: EntryCheckInput): Promise<void> {
  const c = w.ref.checkpoint;
  const { report } = input;
  const id = checkpointId(input.tenantId, c.seq);
  const stored = distinctLeaves(w);
  if (w.ref.sound && stored.count === c.count && stored.root() === c.merkleRoot) return;
  const leaves = await authenticLeaves(w, input.loadLeaves);
  if (!leaves) {
    // Without trustworthy leaves the window can only be judged as a whole.
    if (w.ref.sound) {
      report({
        kind: 'checkpoint_invalid',
        checkpointId: id,
        message: `Checkpoint ${c.seq}: its leaves file is missing or does not give its signed root, so the entries that differ cannot be named.`,
      });
      report({
        kind: 'entry_modified',
        checkpointId: id,
        message: `The ${stored.count} entries stored in checkpoint ${c.seq}'s window do not give its signed root (${c.count} entries signed).`,
      });
    }
    return;
  }
  const seen = new Set<string>();
  for (const h of w.held) {
    const signed = leaves.get(h.logId);
    seen.add(h.logId);
    if (signed === h.entry.hash) continue;
    const what =
      signed === undefined
        ? `is in checkpoint ${c.seq}'s window but not among its signed entries`
        : `differs from the entry checkpoint ${c.seq} signed`;
    if (h.archivedDate !== undefined) {
      report({
        kind: 'archive_modified',
        logId: h.logId,
        date: h.archivedDate,
        checkpointId: id,
        message: `Archived entry ${h.logId} of ${h.archivedDate} ${what}.`,
      });
    } else {
      report({
        kind: signed === undefined ? 'entry_inserted' : 'entry_modified',
        logId: h.logId,
        checkpointId: id,
        message: `Entry ${h.logId} ${what}.`,
      });
    }
  }
  for (const logId of leaves.keys()) {
    if (seen.has(logId)) continue;
    report({
      kind: 'entry_deleted',
      logId,
      checkpointId: id,
      message: `Entry ${logId}, signed by checkpoint ${c.seq}, is neither in Firestore nor in the archive.`,
    });
  }
}

export async function checkEntries(input: EntryCheckInput): Promise<EntryCheckResult> {
  const { tenantId, report } = input;
  // Windows of the period only: earlier ones link the chain, later ones (an anchored head past the
  // period) hold entries this run does not read.
  const windows = input.reference.filter(
    (r) => Date.parse(r.checkpoint.windowEnd) > input.fromMs && Date.parse(r.checkpoint.windowStart) < input.toMs,
  );
  const chainStart =
    input.reference[0]?.checkpoint.seq === 1 ? Date.parse(input.reference[0].checkpoint.windowStart) : null;
  const lastEnd = input.reference.length > 0 ? Date.parse(input.reference.at(-1)!.checkpoint.windowEnd) : null;
  let next = 0;
  let open: OpenWindow | null = null;
  let checked = 0;
  let beforeChain = 0;
  let pending = 0;
  let lastAt = -Infinity;

  const openAt = (i: number): OpenWindow => {
    const ref = windows[i]!;
    return {
      ref,
      start: Date.parse(ref.checkpoint.windowStart),
      end: Date.parse(ref.checkpoint.windowEnd),
      held: [],
      leaves: new RawLeaves(),
      mixed: false,
    };
  };

  for await (const item of input.entries) {
    for (const e of Array.isArray(item) ? (item as readonly StoredEntryInput[]) : [item as StoredEntryInput]) {
      const t = e.recordedAtMs;
      if (t < lastAt) throw new Error('entries must arrive in recordedAt order');
      lastAt = t;
      checked++;
      if (checked % 10_000 === 0) input.progress?.(checked);
      const own = selfCheck(tenantId, e);
      if (own) report(own);

      // Close every window that ends at or before this entry (including windows with no entries).
      while (open ? t >= open.end : next < windows.length && t >= Date.parse(windows[next]!.checkpoint.windowEnd)) {
        if (!open) open = openAt(next++);
        await closeWindow(open, input);
        open = null;
      }
      if (!open && next < windows.length && t >= Date.parse(windows[next]!.checkpoint.windowStart))
        open = openAt(next++);

      if (open && t >= open.start) {
        open.leaves.add(e.logId, String(e.entry.hash));
        if (e.archivedDate !== undefined) open.mixed = true;
        open.held.push(e);
        continue;
      }
      // In no window: before the chain began, in a gap the chain passed over, or after its head.
      if (chainStart !== null && t < chainStart) beforeChain++;
      else if (lastEnd !== null && t < lastEnd) {
        report({
          kind: 'entry_inserted',
          logId: e.logId,
          message: `Entry ${e.logId} was recorded at ${new Date(t).toISOString()}, between checkpoint windows: no checkpoint signed it.`,
        });
      } else if (t < input.coverDeadlineMs) {
        report({
          kind: 'entry_uncovered',
          logId: e.logId,
          message: `Entry ${e.logId}, recorded at ${new Date(t).toISOString()}, is past the grace period and covered by no checkpoint.`,
        });
      } else pending++;
    }
  }
  if (open) await closeWindow(open, input);
  for (; next < windows.length; next++) await closeWindow(openAt(next), input);
  input.progress?.(checked);
  return { entriesChecked: checked, beforeChain, pending };
}
