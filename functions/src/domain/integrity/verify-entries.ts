import { checkpointId, type IntegrityFinding, type SignedCheckpoint } from '@audit-log/model/integrity';
import { entryHash, type HashedEntry } from '../entry';
import { logIdFor } from '../ids';
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
  entries: AsyncIterable<StoredEntryInput>;
  loadLeaves: LeavesLoader;
  /** Entries recorded before this instant must be covered by a checkpoint by now. */
  coverDeadlineMs: number;
  /** Windows ending at or before this instant only link the chain; their entries are not read. */
  fromMs: number;
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

interface Held {
  logId: string;
  hash: string;
  archivedDate?: string;
}

interface OpenWindow {
  ref: ReferenceCheckpoint;
  start: number;
  end: number;
  held: Held[];
  leaves: CheckpointLeaves;
  /** `logId\nhash` of what was added, so one entry read from two places counts once. */
  keys: Set<string>;
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
  if (w.ref.sound && w.leaves.count === c.count && w.leaves.root() === c.merkleRoot) return;
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
        message: `The ${w.leaves.count} entries stored in checkpoint ${c.seq}'s window do not give its signed root (${c.count} entries signed).`,
      });
    }
    return;
  }
  const seen = new Set<string>();
  for (const h of w.held) {
    const signed = leaves.get(h.logId);
    seen.add(h.logId);
    if (signed === h.hash) continue;
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
  const windows = input.reference.filter((r) => Date.parse(r.checkpoint.windowEnd) > input.fromMs);
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
      leaves: new CheckpointLeaves(),
      keys: new Set(),
    };
  };

  for await (const e of input.entries) {
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
    if (!open && next < windows.length && t >= Date.parse(windows[next]!.checkpoint.windowStart)) open = openAt(next++);

    if (open && t >= open.start) {
      const key = `${e.logId}\n${e.entry.hash}`;
      if (!open.keys.has(key)) {
        open.keys.add(key);
        try {
          open.leaves.add(e.logId, e.entry.hash);
        } catch {
          // Not a hex hash: the self check reported it; it can match no leaf.
        }
      }
      open.held.push({
        logId: e.logId,
        hash: e.entry.hash,
        ...(e.archivedDate !== undefined ? { archivedDate: e.archivedDate } : {}),
      });
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
  if (open) await closeWindow(open, input);
  for (; next < windows.length; next++) await closeWindow(openAt(next), input);
  input.progress?.(checked);
  return { entriesChecked: checked, beforeChain, pending };
}
