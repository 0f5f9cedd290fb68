import type { DocumentSnapshot, Firestore, WriteBatch } from 'firebase-admin/firestore';
import { rm } from 'node:fs/promises';
import {
  ArchiveError,
  sameRow,
  toArchiveRow,
  transition,
  withReviewState,
  type ArchiveRecord,
  type ArchiveRow,
} from '../domain/archive';
import { COLLECTIONS } from '../store/collections';
import type { RunContext } from './context';
import { openDuckDb } from './duckdb';
import * as logs from './logs';
import { readArchiveRows } from './parquet-reader';
import { downloadWithDigest } from './storage';
import { isFailedPrecondition } from '../store/write-errors';

/** Progress (and the lease) is saved after this many batches. */
const SAVE_EVERY_BATCHES = 20;

interface ChunkResult {
  deleted: number;
  gone: number;
  retained: string[];
}

/** True when the stored entry and its review doc are exactly the archived row (review state included). */
function matches(snap: DocumentSnapshot, review: DocumentSnapshot, row: ArchiveRow): boolean {
  try {
    // As the writer built the row: only a flagged entry's review doc counts (store/reviews.ts).
    const state = snap.get('requiresReview') === true ? review.data() : undefined;
    return sameRow(toArchiveRow(withReviewState(snap.data() ?? {}, state)), row);
  } catch {
    return false;
  }
}

/**
 * Compares one batch of archived rows with their Firestore documents (entry and review doc) and
 * deletes the ones that match, each document guarded by the update time we read (a missing review
 * doc by its absence), so one that changes in between is never deleted. An entry leaves the warm
 * tier with its review doc, so the review queue never lists an entry Firestore no longer holds.
 * Entries already gone were deleted by an earlier, interrupted run. Entries whose review state
 * differs (a review decision landed after the file was written) are kept warm: "retained".
 */
async function deleteChunk(db: Firestore, rows: readonly ArchiveRow[]): Promise<ChunkResult> {
  const refs = rows.map((r) => db.collection(COLLECTIONS.logs).doc(r.logId));
  const reviewRefs = rows.map((r) => db.collection(COLLECTIONS.reviews).doc(r.logId));
  const snaps = await db.getAll(...refs);
  const reviews = await db.getAll(...reviewRefs);
  const result: ChunkResult = { deleted: 0, gone: 0, retained: [] };
  const batch = db.batch();
  const toDelete: Array<{ row: ArchiveRow; snap: DocumentSnapshot; review: DocumentSnapshot }> = [];
  snaps.forEach((snap, i) => {
    const row = rows[i]!;
    const review = reviews[i]!;
    if (!snap.exists) result.gone++;
    else if (matches(snap, review, row)) {
      deleteGuarded(batch, snap, review);
      toDelete.push({ row, snap, review });
    } else result.retained.push(row.logId);
  });
  if (toDelete.length === 0) return result;
  try {
    await batch.commit();
    result.deleted += toDelete.length;
  } catch (err) {
    // A document changed between our read and our delete.
    if (!isFailedPrecondition(err)) throw err;
    // Someone changed one of them: settle each on its own.
    for (const { row, snap } of toDelete) {
      const [fresh, review] = await db.getAll(snap.ref, db.collection(COLLECTIONS.reviews).doc(row.logId));
      if (!fresh!.exists) result.gone++;
      else if (matches(fresh!, review!, row)) {
        await deleteGuarded(db.batch(), fresh!, review!).commit();
        result.deleted++;
      } else result.retained.push(row.logId);
    }
  }
  return result;
}

/** Adds the deletes of an entry and its review doc, each only if unchanged since it was read. */
function deleteGuarded(batch: WriteBatch, snap: DocumentSnapshot, review: DocumentSnapshot): WriteBatch {
  batch.delete(snap.ref, { lastUpdateTime: snap.updateTime! });
  // A review doc that appeared since the read fails the precondition: the entry is kept warm.
  batch.delete(review.ref, review.exists ? { lastUpdateTime: review.updateTime! } : { exists: false });
  return batch;
}

/**
 * Deletes from Firestore exactly the entries a verified archive holds (idempotent: rerun after a
 * crash finds the deleted ones gone), then records `archived`. Works from the verified local copy
 * when the same run verified it; otherwise downloads the object again and requires the manifest's
 * digest, so nothing is ever deleted on the strength of an unverified file.
 */
export async function deletePart(
  ctx: RunContext,
  record: ArchiveRecord,
  local: string,
  haveVerifiedCopy: boolean,
): Promise<ArchiveRecord> {
  const manifest = record.manifest;
  if (!manifest) throw new Error(`archive ${record.objectPath} in ${record.state} without a manifest`);
  let rec = record;
  if (rec.state === 'verified' || rec.state === 'restored') {
    rec = transition(rec, 'deleting', ctx.now(), { deletedCount: 0 });
    await ctx.store.save(rec);
  }
  if (!haveVerifiedCopy) {
    const got = await downloadWithDigest(ctx.deps.bucket, rec.objectPath, local);
    if (!got || got.sha256 !== manifest.sha256 || got.bytes !== manifest.bytes) {
      throw new ArchiveError(
        'verification_failed',
        `${rec.objectPath} changed after it was verified; deletion stopped`,
      );
    }
  }
  const retainedBefore = new Set(rec.retainedLogIds);
  const retained: string[] = [];
  let deleted = 0;
  let gone = 0;
  let batches = 0;
  const inflight = new Set<Promise<void>>();
  const duck = await openDuckDb({ ...ctx.writer, tempDirectory: `${local}.spill` });
  try {
    const pending: ArchiveRow[] = [];
    // The first failure of any batch in flight; checked after every wait so none is lost.
    let failure: { error: unknown } | null = null;
    const launch = async (rows: ArchiveRow[]) => {
      const p: Promise<void> = deleteChunk(ctx.deps.db, rows)
        .then(async (r) => {
          deleted += r.deleted;
          gone += r.gone;
          retained.push(...r.retained);
          await ctx.hook('deleteBatch', { record: rec, count: deleted });
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= ctx.deleteConcurrency) await Promise.race(inflight);
      if (failure) throw failure.error;
      batches++;
      if (batches % SAVE_EVERY_BATCHES === 0) {
        rec = { ...rec, deletedCount: deleted + gone, updatedAtMs: ctx.now() };
        await ctx.store.save(rec);
      }
    };
    for await (const rows of readArchiveRows(duck.conn, [local])) {
      for (const row of rows) if (!retainedBefore.has(row.logId)) pending.push(row);
      while (pending.length >= ctx.deleteBatchSize) await launch(pending.splice(0, ctx.deleteBatchSize));
    }
    if (pending.length > 0) await launch(pending.splice(0));
    await Promise.all(inflight);
    if (failure) throw (failure as { error: unknown }).error;
  } finally {
    duck.close();
    await rm(`${local}.spill`, { recursive: true, force: true });
  }
  await ctx.hook('deleted', { record: rec, count: deleted });
  if (retained.length > 0) logs.entriesRetained(rec.tenantId, rec.date, rec.part, retained.length);
  const allRetained = [...retainedBefore, ...retained];
  const archived = transition(rec, 'archived', ctx.now(), {
    retainedLogIds: allRetained,
    deletedCount: manifest.rowCount - allRetained.length,
  });
  await ctx.store.save(archived);
  logs.step('archived', rec.tenantId, rec.date, rec.part, {
    'archive.rows': manifest.rowCount,
    'archive.deleted_now': deleted,
    'archive.deleted_before': gone,
    'archive.retained': allRetained.length,
  });
  await ctx.hook('archived', { record: archived });
  return archived;
}
