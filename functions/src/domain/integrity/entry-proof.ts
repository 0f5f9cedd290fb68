import type { EntryProof } from '@audit-log/model/callables';
import type { SignedCheckpoint } from '@audit-log/model/integrity';
import { z } from 'zod';
import { CommandError, logIdSchema, type Caller } from '../commands';
import { CheckpointLeaves } from './leaves';

/**
 * The `entryProof` callable's pure part: who may ask, where an entry's `recordedAt` falls in its
 * tenant's chain, and the inclusion proof from a checkpoint's leaves file. The console checks the
 * answer itself (hash, root, checkpoint hash, signature), so nothing here has to be believed; it
 * only has to find the right checkpoint and the right leaf.
 */

export const entryProofInputSchema = z.strictObject({ logId: logIdSchema });

/** Roles that read a tenant's audit data (the rules' `canReadAudit`). */
const READ_ROLES: ReadonlySet<string> = new Set(['admin', 'auditor', 'reviewer', 'compliance']);

/** Whether the caller may read the audit data of `tenantId`: a reader of that tenant, or a platform admin. */
export function mayReadTenantAudit(caller: Caller, tenantId: string): boolean {
  if (caller.platformAdmin) return true;
  return caller.tenantId === tenantId && caller.role !== null && READ_ROLES.has(caller.role);
}

/** The one answer for a missing entry and for an entry the caller may not read: they look the same. */
export function entryNotFound(logId: string): CommandError {
  return new CommandError('not_found', `no audit entry ${logId} in your tenant`);
}

/** Whether a checkpoint's window `[windowStart, windowEnd)` holds the instant. */
export function windowHolds(c: Pick<SignedCheckpoint, 'windowStart' | 'windowEnd'>, atMs: number): boolean {
  return Date.parse(c.windowStart) <= atMs && atMs < Date.parse(c.windowEnd);
}

/** A checkpoint's leaves file as stored (`integrityObjects.leaves`): `[logId, hash]` pairs. */
export interface LeavesFile {
  checkpointId: string;
  leaves: Array<[string, string]>;
}

const leavesFileSchema = z.object({
  checkpointId: z.string(),
  leaves: z.array(z.tuple([z.string(), z.string()])),
});

/** Parses a leaves file; null when it is not one (the caller reports that, it never guesses). */
export function parseLeavesFile(text: string): LeavesFile | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = leavesFileSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export { signedCheckpointOf } from '@audit-log/model/integrity';

function label(c: SignedCheckpoint): string {
  return `checkpoint #${c.seq} (${c.windowStart} to ${c.windowEnd})`;
}

/**
 * The answer for an entry whose `recordedAt` lies in `checkpoint`'s window: its proof when the
 * checkpoint signed a leaf for this log id (with the hash it signed, which the console compares
 * with the entry's), else `absent`: the window was closed without it, so it was put there later.
 */
export function proofFromLeaves(checkpoint: SignedCheckpoint, file: LeavesFile, logId: string): EntryProof {
  const signed = file.leaves.find(([id]) => id === logId);
  if (!signed) {
    return {
      status: 'absent',
      checkpoint,
      reason: `${label(checkpoint)} covers this entry's recording time but did not sign it`,
    };
  }
  const leaves = new CheckpointLeaves();
  for (const [id, hash] of file.leaves) leaves.add(id, hash);
  const proof = leaves.proof(logId, signed[1]);
  // Cannot be null: the leaf was just added. Kept as a check, not an assertion, for a malformed file.
  if (!proof) throw new CommandError('unavailable', `the leaves of checkpoint #${checkpoint.seq} are malformed`);
  return { status: 'proved', checkpoint, proof, signedHash: signed[1] };
}

/**
 * The answer for an entry that no checkpoint window holds. `next` is the tenant's first checkpoint
 * whose window starts after the entry's `recordedAt`: when there is one the chain moved past the
 * entry without signing it (`absent`), else the entry is newer than the chain's head (`pending`).
 */
export function outsideWindows(next: SignedCheckpoint | null, recordedAt: string): EntryProof {
  if (next === null) {
    return {
      status: 'pending',
      reason: `recorded at ${recordedAt}, after the newest checkpoint: it will be signed by the next one`,
    };
  }
  return {
    status: 'absent',
    checkpoint: next,
    reason: `no checkpoint window holds its recording time ${recordedAt}, yet the chain continued with ${label(next)}`,
  };
}
