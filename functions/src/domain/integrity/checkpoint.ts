import {
  CHECKPOINT_MERKLE_ORDER,
  CHECKPOINT_SIGNATURE_ALGORITHM,
  CHECKPOINT_VERSION,
  GENESIS_PREV_HASH,
  bodyOf,
  checkpointBodyText,
  checkpointId,
  type CheckpointBody,
  type SignedCheckpoint,
} from '@audit-log/model/integrity';
import { sha256Hex } from '../canonical';
import type { CheckpointSigner } from './signing';

export interface CheckpointWindow {
  /** Inclusive, epoch milliseconds. */
  start: number;
  /** Exclusive, epoch milliseconds. */
  end: number;
}

/** SHA-256 (hex) of a checkpoint's canonical body. */
export function checkpointHash(body: CheckpointBody): string {
  return sha256Hex(checkpointBodyText(body));
}

/** The next checkpoint of a tenant's chain, signed. `prev` is the chain's head, null for the first. */
export function buildCheckpoint(input: {
  tenantId: string;
  prev: Pick<SignedCheckpoint, 'seq' | 'hash'> | null;
  window: CheckpointWindow;
  count: number;
  merkleRoot: string;
  signer: CheckpointSigner;
}): SignedCheckpoint {
  const seq = (input.prev?.seq ?? 0) + 1;
  const body: CheckpointBody = {
    version: CHECKPOINT_VERSION,
    tenantId: input.tenantId,
    seq,
    windowStart: new Date(input.window.start).toISOString(),
    windowEnd: new Date(input.window.end).toISOString(),
    count: input.count,
    merkleRoot: input.merkleRoot,
    prevHash: input.prev?.hash ?? GENESIS_PREV_HASH,
  };
  const hash = checkpointHash(body);
  return {
    id: checkpointId(input.tenantId, seq),
    ...body,
    date: body.windowStart.slice(0, 10),
    merkleOrder: CHECKPOINT_MERKLE_ORDER,
    hash,
    algorithm: CHECKPOINT_SIGNATURE_ALGORITHM,
    keyId: input.signer.keyId,
    signature: input.signer.sign(hash),
  };
}

/** What is wrong with one checkpoint on its own (its hash against its body); empty when sound. */
export function checkpointSelfProblems(c: SignedCheckpoint): string[] {
  const problems: string[] = [];
  if (checkpointHash(bodyOf(c)) !== c.hash) problems.push('its hash does not match its contents');
  if (c.id !== checkpointId(c.tenantId, c.seq)) problems.push(`its id does not match sequence ${c.seq}`);
  if (c.date !== c.windowStart.slice(0, 10) || dayOf(Date.parse(c.windowEnd) - 1) !== c.date)
    problems.push('its window spans UTC midnight');
  return problems;
}

const DAY_MS = 86_400_000;

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The next window to checkpoint, or null when none is due. Windows follow a fixed grid of
 * `intervalMs` slots from the epoch (an interval divides a day, so no slot spans UTC midnight
 * and an archived day is made of whole checkpoints). A window starts at the slot of the first
 * entry not yet covered (or at the previous window's end, inside that slot) and ends at the
 * slot's end; entries only count once `cut` (now minus the grace period for late commits) has
 * passed them. A scheduled run takes only closed slots; an on-demand run may close the current
 * slot early at `cut`, and the next window then starts there.
 */
export function nextWindow(input: {
  prevEnd: number | null;
  /** `recordedAt` of the oldest entry at or after `prevEnd` (and before `cut`). */
  firstUncovered: number;
  cut: number;
  intervalMs: number;
  closeOpenSlot: boolean;
}): CheckpointWindow | null {
  const { prevEnd, firstUncovered, cut, intervalMs } = input;
  if (!(intervalMs > 0) || DAY_MS % intervalMs !== 0) throw new RangeError('the checkpoint interval must divide a day');
  if (firstUncovered >= cut) return null;
  const slotStart = Math.floor(firstUncovered / intervalMs) * intervalMs;
  const slotEnd = slotStart + intervalMs;
  const start = prevEnd === null ? slotStart : Math.max(prevEnd, slotStart);
  if (slotEnd <= cut) return { start, end: slotEnd };
  return input.closeOpenSlot ? { start, end: cut } : null;
}
