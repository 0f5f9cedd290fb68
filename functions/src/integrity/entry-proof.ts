import type { CallableOutput } from '@audit-log/model/callables';
import { COLLECTIONS } from '@audit-log/model/collections';
import { integrityObjects, type SignedCheckpoint } from '@audit-log/model/integrity';
import type { DocumentData, Firestore } from 'firebase-admin/firestore';
import { CommandError, type Caller } from '../domain/commands';
import {
  entryNotFound,
  mayReadTenantAudit,
  outsideWindows,
  parseLeavesFile,
  proofFromLeaves,
  signedCheckpointOf,
  windowHolds,
} from '../domain/integrity/entry-proof';
import type { Bucket } from '../tiering/storage';

export interface EntryProofDeps {
  db: Firestore;
  bucket: Bucket;
}

/** A stored instant as epoch milliseconds: Timestamps, Dates and ISO strings. */
function millisOf(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  if (value && typeof (value as { toMillis?: unknown }).toMillis === 'function')
    return (value as { toMillis(): number }).toMillis();
  return null;
}

function asCheckpoint(data: DocumentData | undefined): SignedCheckpoint | null {
  return data ? signedCheckpointOf(data) : null;
}

/**
 * Finds the checkpoint that signed an entry and the entry's inclusion proof in it. Three reads at
 * most: the entry, the newest checkpoint starting at or before its `recordedAt`, then either the
 * leaves file of that checkpoint (window holds it) or the first checkpoint after it.
 */
export async function findEntryProof(
  deps: EntryProofDeps,
  caller: Caller,
  logId: string,
): Promise<CallableOutput<'entryProof'>> {
  const snap = await deps.db.collection(COLLECTIONS.logs).doc(logId).get();
  const tenantId = snap.get('tenantId') as unknown;
  if (!snap.exists || typeof tenantId !== 'string' || !mayReadTenantAudit(caller, tenantId)) throw entryNotFound(logId);
  const recordedAtMs = millisOf(snap.get('recordedAt'));
  if (recordedAtMs === null) throw new CommandError('unavailable', `entry ${logId} has no recording time`);
  const recordedAt = new Date(recordedAtMs).toISOString();

  // Window bounds are ISO strings with milliseconds in UTC, so they sort as the instants do.
  const checkpoints = deps.db.collection(COLLECTIONS.checkpoints).where('tenantId', '==', tenantId);
  const before = await checkpoints.where('windowStart', '<=', recordedAt).orderBy('windowStart', 'desc').limit(1).get();
  const holding = asCheckpoint(before.docs[0]?.data());
  if (holding && windowHolds(holding, recordedAtMs)) {
    const file = deps.bucket.file(integrityObjects.leaves(tenantId, holding.seq));
    let text: string;
    try {
      [text] = (await file.download()).map((b) => b.toString('utf8')) as [string];
    } catch (err) {
      if ((err as { code?: unknown }).code === 404)
        throw new CommandError('unavailable', `the leaves of checkpoint #${holding.seq} are missing from Storage`);
      throw err;
    }
    const leaves = parseLeavesFile(text);
    if (!leaves) throw new CommandError('unavailable', `the leaves of checkpoint #${holding.seq} are unreadable`);
    return proofFromLeaves(holding, leaves, logId);
  }
  const after = await checkpoints.where('windowStart', '>', recordedAt).orderBy('windowStart', 'asc').limit(1).get();
  return outsideWindows(asCheckpoint(after.docs[0]?.data()), recordedAt);
}
