import { Timestamp, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { entryHash, logIdFor } from '../domain';
import {
  ArchiveError,
  archiveId,
  checkRow,
  DAY_MS,
  fromArchiveRow,
  isIsoDate,
  isoMicrosToInstant,
  splitReviewState,
  transition,
  type ArchiveRecord,
  type ArchiveRow,
} from '../domain/archive';
import { COLLECTIONS } from '../store/collections';
import { fromStored } from '../store/converters';
import type { RunContext, TieringDeps, TieringOptions } from './context';
import { openDuckDb } from './duckdb';
import { runContext } from './job';
import { readArchiveRows } from './parquet-reader';
import { downloadWithDigest } from './storage';
import { isAlreadyExists } from '../store/write-errors';

export interface RestoreRequest {
  tenantId: string;
  date: string;
  /** Days the restored entries stay warm before the job archives them again (default 30). */
  holdDays?: number;
  /** The admin who asked, recorded in the audit event. */
  actor?: { type: 'user'; id: string; email?: string };
}

export interface RestoreResult {
  tenantId: string;
  date: string;
  parts: number;
  /** Entries written back now. */
  restored: number;
  /** Entries already present with the same hash (an earlier, interrupted restore). */
  alreadyPresent: number;
  restoredUntil: string;
}

const BATCH = 500;

function isoToTimestamp(iso: string): Timestamp {
  const { seconds, nanoseconds } = isoMicrosToInstant(iso);
  return new Timestamp(seconds, nanoseconds);
}

/** Creates each review doc that does not exist yet; an existing one is left alone. */
async function createMissing(
  docs: ReadonlyArray<{ ref: DocumentReference; data: Record<string, unknown> }>,
): Promise<void> {
  await Promise.all(
    docs.map(async ({ ref, data }) => {
      try {
        await ref.create(data);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }),
  );
}

/**
 * Writes one batch of rows back under their original ids with `create()` (never overwriting),
 * then reads them back and checks id and recomputed hash. An existing document with another hash
 * is a conflict: the restore stops rather than replace it.
 */
async function restoreChunk(
  db: Firestore,
  rows: readonly ArchiveRow[],
): Promise<{ restored: number; present: number }> {
  const refs = rows.map((r) => db.collection(COLLECTIONS.logs).doc(r.logId));
  const existing = await db.getAll(...refs);
  const batch = db.batch();
  const reviews: Array<{ ref: DocumentReference; data: Record<string, unknown> }> = [];
  let restored = 0;
  let present = 0;
  existing.forEach((snap, i) => {
    const row = rows[i]!;
    if (snap.exists) {
      if (snap.get('hash') !== row.hash) {
        throw new ArchiveError('restore_conflict', `audit_logs/${row.logId} exists with different content`);
      }
      present++;
    } else {
      // The entry goes back without review state; a flagged entry's state goes back to its
      // review doc, which an existing one (kept or already restored) wins over.
      const { entry, review } = splitReviewState(fromArchiveRow(row, isoToTimestamp));
      batch.create(refs[i]!, entry);
      if (review) reviews.push({ ref: db.collection(COLLECTIONS.reviews).doc(row.logId), data: review });
      restored++;
    }
  });
  if (restored > 0) await batch.commit();
  await createMissing(reviews);
  const back = await db.getAll(...refs);
  back.forEach((snap, i) => {
    const row = rows[i]!;
    const entry = snap.exists ? fromStored(snap.data()!) : null;
    if (
      !entry ||
      snap.id !== logIdFor(entry.tenantId, entry.source, entry.eventId) ||
      entry.hash !== row.hash ||
      entryHash(entry) !== row.hash
    ) {
      throw new ArchiveError('verification_failed', `audit_logs/${row.logId} did not read back as archived`);
    }
  });
  return { restored, present };
}

/** Restores one part; the file must match its manifest digest and every row its own hash. */
async function restorePart(ctx: RunContext, rec: ArchiveRecord): Promise<{ restored: number; present: number }> {
  const manifest = rec.manifest;
  if (!manifest) throw new ArchiveError('not_found', `archive ${rec.objectPath} has no manifest`);
  const local = join(ctx.workDir, `${archiveId(rec.tenantId, rec.date, rec.part).replace(/:/g, '_')}.restore.parquet`);
  const got = await downloadWithDigest(ctx.deps.bucket, rec.objectPath, local);
  if (!got || got.sha256 !== manifest.sha256) {
    throw new ArchiveError(
      'verification_failed',
      `${rec.objectPath} does not match its manifest; nothing restored from it`,
    );
  }
  const skip = new Set(rec.retainedLogIds);
  const totals = { restored: 0, present: 0 };
  const duck = await openDuckDb({ tempDirectory: `${local}.spill` });
  try {
    let pending: ArchiveRow[] = [];
    const flush = async () => {
      const r = await restoreChunk(ctx.deps.db, pending);
      totals.restored += r.restored;
      totals.present += r.present;
      pending = [];
      await ctx.hook('restoreBatch', { record: rec, count: totals.restored + totals.present });
    };
    for await (const rows of readArchiveRows(duck.conn, [local])) {
      for (const row of rows) {
        if (skip.has(row.logId)) continue;
        const problem = checkRow(row, rec.tenantId, rec.date);
        if (problem) throw new ArchiveError('verification_failed', `row ${row.logId}: ${problem}`);
        pending.push(row);
        if (pending.length >= BATCH) await flush();
      }
    }
    if (pending.length > 0) await flush();
  } finally {
    duck.close();
    await rm(`${local}.spill`, { recursive: true, force: true });
    await rm(local, { force: true });
  }
  return totals;
}

/**
 * Restores an archived day to Firestore with original ids and hashes (idempotent: a rerun skips
 * what is there). The parts become `restored`: cold search stops reading them (their rows are warm
 * again) and the tiering job leaves the day alone until the hold ends, then compares and deletes
 * again against the same verified file.
 */
export async function restoreDay(
  deps: TieringDeps,
  req: RestoreRequest,
  options: TieringOptions = {},
): Promise<RestoreResult> {
  if (!isIsoDate(req.date)) {
    throw new ArchiveError('invalid_argument', 'invalid date', [{ path: 'date', message: 'must be YYYY-MM-DD' }]);
  }
  const holdDays = req.holdDays ?? 30;
  if (!Number.isInteger(holdDays) || holdDays < 1 || holdDays > 365) {
    throw new ArchiveError('invalid_argument', 'invalid hold', [{ path: 'holdDays', message: 'must be 1-365' }]);
  }
  const ctx = await runContext(deps, options);
  try {
    await ctx.store.acquire(req.tenantId, req.date, 'restore');
    try {
      const parts = (await ctx.store.parts(req.tenantId, req.date)).filter((p) =>
        ['archived', 'restoring', 'restored'].includes(p.state),
      );
      if (parts.length === 0) throw new ArchiveError('not_found', `no archive of ${req.date} to restore`);
      const until = ctx.now() + holdDays * DAY_MS;
      const result: RestoreResult = {
        tenantId: req.tenantId,
        date: req.date,
        parts: parts.length,
        restored: 0,
        alreadyPresent: 0,
        restoredUntil: new Date(until).toISOString(),
      };
      for (const part of parts) {
        let rec = transition(part, 'restoring', ctx.now(), part.state === 'archived' ? { cycle: part.cycle + 1 } : {});
        await ctx.store.save(rec);
        const r = await restorePart(ctx, rec);
        result.restored += r.restored;
        result.alreadyPresent += r.present;
        // A new archive cycle begins: the next archiving records its own event.
        rec = transition(rec, 'restored', ctx.now(), { restoredUntilMs: until, eventLogId: null });
        await ctx.store.save(rec);
        const id = archiveId(rec.tenantId, rec.date, rec.part);
        const logId = await deps.emit({
          type: 'compliance.archive.restored',
          tenantId: rec.tenantId,
          eventId: `archive-restored:${id}:c${rec.cycle}`,
          archiveId: id,
          objectPath: rec.objectPath,
          // Wall-clock time: the injected clock decides retention, events say when things happened.
          occurredAt: new Date(),
          ...(req.actor ? { actor: req.actor } : {}),
          details: {
            date: rec.date,
            part: rec.part,
            rows: (rec.rowCount ?? 0) - rec.retainedLogIds.length,
            restoredUntil: result.restoredUntil,
          },
        });
        if (logId) await ctx.store.save({ ...rec, restoreEventLogId: logId, updatedAtMs: ctx.now() });
      }
      return result;
    } finally {
      await ctx.store.release(req.tenantId, req.date).catch(() => undefined);
    }
  } finally {
    await rm(ctx.workDir, { recursive: true, force: true });
  }
}
