import { integrityObjects, type SignedCheckpoint } from '@audit-log/model/integrity';
import type { Bucket } from '../tiering/storage';
import type { Meter } from './meter';

// The checkpoint chain's objects in Cloud Storage: each checkpoint's leaves file (what its root
// is computed over, so inclusion proofs and archived days can be checked without Firestore) and
// its anchor, a create-only copy of the signed checkpoint. In production the bucket (or the
// `integrity/` prefix's bucket) carries a retention policy, so not even a project admin can
// rewrite an anchor; a rewritten Firestore checkpoint then differs from its anchor.

export interface LeavesFile {
  checkpointId: string;
  leaves: Array<[string, string]>;
}

/** A leaves file older than this with no checkpoint document is the leftover of a crashed run. */
export const ORPHAN_AFTER_MS = 15 * 60_000;

function preconditionFailed(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 412 || code === '412';
}

function notFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 404;
}

async function readJson<T>(bucket: Bucket, path: string, meter: Meter): Promise<T | null> {
  meter.storageReads++;
  try {
    const [buf] = await bucket.file(path).download();
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    if (notFound(err)) return null;
    throw err;
  }
}

/** Writes `value` only where no object exists yet (generation 0) or over the given generation. */
async function saveOnce(bucket: Bucket, path: string, value: unknown, meter: Meter, generation = 0): Promise<boolean> {
  meter.storageWrites++;
  try {
    await bucket.file(path).save(JSON.stringify(value), {
      resumable: false,
      contentType: 'application/json',
      preconditionOpts: { ifGenerationMatch: generation },
    });
    return true;
  } catch (err) {
    if (preconditionFailed(err)) return false;
    throw err;
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Writes a checkpoint's leaves file before its document exists. Create-only, so two runs racing
 * for the same sequence number cannot overwrite each other's leaves: the one that finds a
 * different file stops ('taken'). A different file whose checkpoint never got written and that
 * is older than {@link ORPHAN_AFTER_MS} was left by a crashed run and is replaced.
 */
export async function writeLeaves(
  bucket: Bucket,
  tenantId: string,
  seq: number,
  file: LeavesFile,
  meter: Meter,
  checkpointExists: () => Promise<boolean>,
  nowMs: number,
): Promise<'written' | 'taken'> {
  const path = integrityObjects.leaves(tenantId, seq);
  if (await saveOnce(bucket, path, file, meter)) return 'written';
  const existing = await readJson<LeavesFile>(bucket, path, meter);
  if (existing && sameJson(existing, file)) return 'written';
  if (await checkpointExists()) return 'taken';
  meter.storageReads++;
  const [meta] = await bucket.file(path).getMetadata();
  const updated = Date.parse(String(meta.updated ?? meta.timeCreated ?? ''));
  if (!(nowMs - updated > ORPHAN_AFTER_MS)) return 'taken';
  return (await saveOnce(bucket, path, file, meter, Number(meta.generation))) ? 'written' : 'taken';
}

/**
 * Anchors a signed checkpoint, create-only. 'conflict' when an anchor with other content is
 * already there: the anchored copy is the one to believe, and the job reports it.
 */
export async function writeAnchor(
  bucket: Bucket,
  checkpoint: SignedCheckpoint,
  meter: Meter,
): Promise<'written' | 'present' | 'conflict'> {
  const path = integrityObjects.anchor(checkpoint.tenantId, checkpoint.seq);
  if (await saveOnce(bucket, path, checkpoint, meter)) return 'written';
  const existing = await readJson<SignedCheckpoint>(bucket, path, meter);
  return existing && sameJson(existing, checkpoint) ? 'present' : 'conflict';
}

/** Whether a checkpoint's anchor exists (a run that died after the document left it missing). */
export async function anchorExists(bucket: Bucket, tenantId: string, seq: number, meter: Meter): Promise<boolean> {
  meter.storageReads++;
  const [exists] = await bucket.file(integrityObjects.anchor(tenantId, seq)).exists();
  return exists;
}
