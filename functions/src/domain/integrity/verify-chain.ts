import {
  GENESIS_PREV_HASH,
  checkpointId,
  type IntegrityFinding,
  type SignedCheckpoint,
} from '@audit-log/model/integrity';
import { checkpointSelfProblems } from './checkpoint';
import { signatureValid } from './signing';

/**
 * The checkpoint half of verification: each checkpoint on its own (hash, id, window, key,
 * signature), the links between them, gaps in the sequence, and the anchored copies kept where a
 * Firestore admin cannot rewrite them. It also picks, for every sequence number, the copy that the
 * entries are then compared with: Firestore's when it is sound, else a sound anchored copy (so a
 * rewritten or dropped checkpoint is named once, as itself, and its entries still verify).
 */

export interface ChainInput {
  tenantId: string;
  /** The tenant's checkpoints of the period plus the one before it (any order). */
  checkpoints: readonly SignedCheckpoint[];
  /** Sequence of the tenant's newest checkpoint in Firestore (all time), null when it has none. */
  newestSeq: number | null;
  /** Anchored copies by sequence: those of the period and any above Firestore's newest. */
  anchors: ReadonlyMap<number, unknown>;
  /** Trusted public keys, keyId -> base64 raw Ed25519 key. */
  trustedKeys: ReadonlyMap<string, string>;
}

/** A checkpoint the entries are compared with, and whether it came from Firestore or its anchor. */
export interface ReferenceCheckpoint {
  checkpoint: SignedCheckpoint;
  from: 'firestore' | 'anchor';
  /** False when neither copy is sound: its window is still used, its root is not trusted. */
  sound: boolean;
}

export interface ChainResult {
  findings: IntegrityFinding[];
  /** By sequence, ascending, without gaps that no copy fills. */
  reference: ReferenceCheckpoint[];
  checkpointsChecked: number;
}

/** Why a checkpoint (from either place) cannot be trusted on its own; empty when sound. */
export function checkpointProblems(
  c: SignedCheckpoint,
  tenantId: string,
  trustedKeys: ReadonlyMap<string, string>,
): string[] {
  let problems: string[];
  try {
    problems = checkpointSelfProblems(c);
  } catch {
    return ['it is not a well-formed checkpoint'];
  }
  if (c.tenantId !== tenantId) problems.push(`it belongs to tenant ${String(c.tenantId)}`);
  if (!(Date.parse(c.windowStart) < Date.parse(c.windowEnd))) problems.push('its window is empty or reversed');
  const key = trustedKeys.get(c.keyId);
  if (key === undefined) problems.push(`it is signed with key ${String(c.keyId)}, which is not a trusted key`);
  else if (!signatureValid(c.hash, c.signature, key)) problems.push('its signature is not valid');
  return problems;
}

function isCheckpointLike(value: unknown): value is SignedCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.seq === 'number' &&
    typeof c.hash === 'string' &&
    typeof c.windowStart === 'string' &&
    typeof c.windowEnd === 'string' &&
    typeof c.merkleRoot === 'string'
  );
}

/** The fields of a checkpoint that its anchored copy must repeat exactly. */
const COMPARED: ReadonlyArray<keyof SignedCheckpoint> = [
  'id',
  'tenantId',
  'seq',
  'windowStart',
  'windowEnd',
  'count',
  'merkleRoot',
  'prevHash',
  'date',
  'hash',
  'keyId',
  'signature',
];

function differingFields(a: SignedCheckpoint, b: SignedCheckpoint): string[] {
  return COMPARED.filter((k) => a[k] !== b[k]);
}

export function verifyChain(input: ChainInput): ChainResult {
  const { tenantId, trustedKeys } = input;
  const findings: IntegrityFinding[] = [];
  const byId = (seq: number) => checkpointId(tenantId, seq);
  const stored = new Map<number, SignedCheckpoint>();
  for (const c of input.checkpoints) stored.set(c.seq, c);
  const seqs = [...stored.keys()].sort((a, b) => a - b);

  // Every sequence number to account for: from the first given to the last given (a gap inside
  // is a missing checkpoint), then any above Firestore's newest that only an anchor still has (a
  // dropped head), with the ones between them.
  const anchoredSeqs = [...input.anchors.keys()].sort((a, b) => a - b);
  const accounted: number[] = [];
  if (seqs.length > 0) for (let s = seqs[0]!; s <= seqs.at(-1)!; s++) accounted.push(s);
  const head = Math.max(input.newestSeq ?? 0, seqs.at(-1) ?? 0);
  const lastAnchored = anchoredSeqs.at(-1) ?? 0;
  for (let s = head + 1; s <= lastAnchored; s++) accounted.push(s);
  if (accounted.length === 0) return { findings, reference: [], checkpointsChecked: 0 };
  const invalid = new Set<number>();
  const reference: ReferenceCheckpoint[] = [];
  let checked = 0;
  for (const seq of accounted) {
    const own = stored.get(seq);
    const anchorValue = input.anchors.get(seq);
    const anchor = isCheckpointLike(anchorValue) ? anchorValue : undefined;
    const anchorSound =
      anchor !== undefined && anchor.seq === seq && checkpointProblems(anchor, tenantId, trustedKeys).length === 0;
    if (own) {
      checked++;
      const problems = checkpointProblems(own, tenantId, trustedKeys);
      if (problems.length > 0) {
        invalid.add(seq);
        findings.push({
          kind: 'checkpoint_invalid',
          checkpointId: byId(seq),
          message: `Checkpoint ${seq}: ${problems.join('; ')}.`,
        });
      }
      if (anchorValue !== undefined) {
        const differs = anchor ? differingFields(own, anchor) : ['everything'];
        if (differs.length > 0) {
          invalid.add(seq);
          findings.push({
            kind: 'checkpoint_anchor_mismatch',
            checkpointId: byId(seq),
            message: `Checkpoint ${seq} differs from its anchored copy in ${differs.join(', ')}.`,
          });
        }
      }
      if (problems.length === 0) reference.push({ checkpoint: own, from: 'firestore', sound: true });
      else if (anchorSound) reference.push({ checkpoint: anchor, from: 'anchor', sound: true });
      else reference.push({ checkpoint: own, from: 'firestore', sound: false });
    } else {
      const beyondHead = input.newestSeq === null || seq > input.newestSeq;
      findings.push({
        kind: 'checkpoint_missing',
        checkpointId: byId(seq),
        message: beyondHead
          ? `Checkpoint ${seq} is anchored but missing from Firestore, whose newest is ${input.newestSeq ?? 'none'}: the head of the chain was dropped.`
          : `Checkpoint ${seq} is missing from Firestore: a gap in the chain.`,
      });
      invalid.add(seq);
      if (anchorSound) reference.push({ checkpoint: anchor, from: 'anchor', sound: true });
    }
  }

  // Links: each checkpoint names its predecessor's hash. A broken link right after a checkpoint
  // already reported is that checkpoint's doing and is not reported again under another id.
  for (let i = 0; i < reference.length; i++) {
    const cur = reference[i]!;
    const seq = cur.checkpoint.seq;
    const own = stored.get(seq);
    if (!own || invalid.has(seq)) continue;
    if (seq === 1) {
      if (own.prevHash !== GENESIS_PREV_HASH) {
        findings.push({
          kind: 'checkpoint_chain_broken',
          checkpointId: byId(seq),
          message: 'Checkpoint 1 does not start the chain (its previous hash is not the genesis value).',
        });
      }
      continue;
    }
    const prev = reference[i - 1];
    // No copy of the predecessor: reported as missing above, or it lies before the period.
    if (!prev || prev.checkpoint.seq !== seq - 1) continue;
    if (invalid.has(seq - 1)) continue;
    if (own.prevHash !== prev.checkpoint.hash) {
      findings.push({
        kind: 'checkpoint_chain_broken',
        checkpointId: byId(seq),
        message: `Checkpoint ${seq} does not link to checkpoint ${seq - 1} (previous hash differs).`,
      });
    } else if (Date.parse(own.windowStart) < Date.parse(prev.checkpoint.windowEnd)) {
      findings.push({
        kind: 'checkpoint_chain_broken',
        checkpointId: byId(seq),
        message: `Checkpoint ${seq}'s window starts before checkpoint ${seq - 1}'s ends.`,
      });
    }
  }
  return { findings, reference, checkpointsChecked: checked };
}
