import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ArchiveError,
  archiveId,
  archiveObjectPath,
  ARCHIVE_SCHEMA_VERSION,
  manifestObjectPath,
  newArchiveRecord,
  nextAction,
  transition,
  type ArchiveRecord,
} from '../domain/archive';
import { rollupAfterArchive, rollupBeforeArchive } from '../analytics/archive-hook';
import type { RunContext } from './context';
import { deletePart } from './delete';
import * as logs from './logs';
import { dayHasEntries, verifyPart, writePart } from './write-verify';

// One tenant's day on its way to the cold tier: its parts, each carried from wherever it stands to
// `archived`. The job (job.ts) decides which days to take and in which order.

export interface DayOutcome {
  tenantId: string;
  date: string;
  /** Parts this run brought to `archived` (or found there), with their rows. */
  parts: Array<{ part: number; state: ArchiveRecord['state']; rows: number | null; retained: number }>;
  /** `deferred`: the day failed before and waits for its retry (`retryAtMs`). */
  status: 'archived' | 'held' | 'failed' | 'busy' | 'empty' | 'deferred';
  retryAtMs?: number;
  error?: { code: string; message: string };
}

/** Records the archive's audit event once per archive cycle (ingest is idempotent on the event id). */
async function emitCreated(ctx: RunContext, record: ArchiveRecord): Promise<ArchiveRecord> {
  const id = archiveId(record.tenantId, record.date, record.part);
  const logId = await ctx.deps.emit({
    type: 'compliance.archive.created',
    tenantId: record.tenantId,
    eventId: `archive-created:${id}:c${record.cycle}`,
    archiveId: id,
    objectPath: record.objectPath,
    // Wall-clock time: the injected clock decides retention, events say when things happened.
    occurredAt: new Date(),
    details: {
      date: record.date,
      part: record.part,
      rowCount: record.rowCount,
      bytes: record.bytes,
      sha256: record.manifest?.sha256 ?? null,
      merkleRoot: record.merkleRoot,
      retained: record.retainedLogIds.length,
    },
  });
  if (logId === null) return record;
  const done = { ...record, eventLogId: logId, updatedAtMs: ctx.now() };
  await ctx.store.save(done);
  return done;
}

/**
 * Carries one part from wherever it stands to `archived` with its event: write → verify →
 * delete → event. Returns the record as it ended (`failed` when verification refused it), and
 * whether writing it stopped at a cap (more of the day remains for the next part).
 */
async function advancePart(
  ctx: RunContext,
  record: ArchiveRecord,
): Promise<{ end: ArchiveRecord | null; full: boolean }> {
  const id = archiveId(record.tenantId, record.date, record.part);
  const written = join(ctx.workDir, `${id.replace(/:/g, '_')}.written.parquet`);
  const downloaded = join(ctx.workDir, `${id.replace(/:/g, '_')}.verify.parquet`);
  try {
    let rec: ArchiveRecord = record;
    let verifiedCopy = false;
    let full = false;
    if (rec.state === 'writing') {
      const writtenPart = await writePart(ctx, rec, written);
      if (!writtenPart) return { end: null, full };
      ({ record: rec, full } = writtenPart);
    }
    if (rec.state === 'uploaded') {
      const v = await verifyPart(ctx, rec, downloaded);
      rec = v.record;
      if (!v.ok) return { end: rec, full };
      verifiedCopy = true;
    }
    if (rec.state === 'verified' || rec.state === 'deleting' || rec.state === 'restored') {
      rec = await deletePart(ctx, rec, downloaded, verifiedCopy);
    }
    if (rec.state === 'archived' && rec.eventLogId === null) rec = await emitCreated(ctx, rec);
    return { end: rec, full };
  } finally {
    await rm(written, { force: true });
    await rm(downloaded, { force: true });
  }
}

/** Brings one tenant's day fully to the cold tier, resuming whatever an earlier run left. */
export async function archiveDay(ctx: RunContext, tenantId: string, date: string): Promise<DayOutcome> {
  const outcome: DayOutcome = { tenantId, date, parts: [], status: 'empty' };
  try {
    await ctx.store.acquire(tenantId, date, 'archive');
  } catch (err) {
    if (err instanceof ArchiveError && err.code === 'lease_held') return { ...outcome, status: 'busy' };
    throw err;
  }
  const note = (rec: ArchiveRecord) =>
    outcome.parts.push({ part: rec.part, state: rec.state, rows: rec.rowCount, retained: rec.retainedLogIds.length });
  try {
    await ctx.runState.attemptStarted(tenantId, date);
    const settled = await archiveDayParts(ctx, tenantId, date, outcome, note);
    if (settled.status === 'failed') await ctx.runState.attemptFailed(tenantId, date, settled.error!);
    else await ctx.runState.attemptFinished(tenantId, date);
    return settled;
  } finally {
    // Reached on normal return and on crashes; releasing is harmless then too, so the next run
    // need not wait for the lease to expire.
    await ctx.store.release(tenantId, date).catch(() => undefined);
  }
}

/** The parts of a day under its lease: resumes unfinished ones, then writes new ones while entries remain. */
async function archiveDayParts(
  ctx: RunContext,
  tenantId: string,
  date: string,
  outcome: DayOutcome,
  note: (rec: ArchiveRecord) => void,
): Promise<DayOutcome> {
  try {
    const parts = await ctx.store.parts(tenantId, date);
    // The day's trends must outlive its entries: its rollup counts them before any is deleted.
    await rollupBeforeArchive(ctx.deps.db, tenantId, date, parts, new Date(ctx.now()));
    let held = false;
    for (const part of parts) {
      const action = nextAction(part, ctx.now());
      if (action === 'done') continue;
      if (action === 'hold') {
        held = true;
        continue;
      }
      let rec = part;
      if (action === 'rewrite') {
        rec = transition(part, 'writing', ctx.now(), { attempt: part.attempt + 1, manifest: null, failure: null });
        await ctx.store.save(rec);
      }
      const { end } = await advancePart(ctx, rec);
      if (end) note(end);
      if (end?.state === 'failed') {
        outcome.status = 'failed';
        outcome.error = { code: 'verification_failed', message: end.failure?.message ?? 'verification failed' };
        return outcome;
      }
    }
    if (held) {
      logs.dayHeld(tenantId, date, 'restored and within its hold');
      return { ...outcome, status: 'held' };
    }
    // New parts while entries remain; a part that no cap ended means the rest are entries that
    // changed while being archived (kept warm) or arrived meanwhile: the next run takes them.
    let partNo = parts.reduce((max, p) => Math.max(max, p.part), 0);
    let full = true;
    while (full && (await dayHasEntries(ctx, tenantId, date))) {
      partNo++;
      const rec = newArchiveRecord({
        tenantId,
        date,
        part: partNo,
        objectPath: archiveObjectPath(tenantId, date, partNo),
        manifestPath: manifestObjectPath(tenantId, date, partNo),
        schemaVersion: ARCHIVE_SCHEMA_VERSION,
        nowMs: ctx.now(),
      });
      await ctx.store.create(rec);
      logs.step('started', tenantId, date, partNo);
      const advanced = await advancePart(ctx, rec);
      const end = advanced.end;
      if (!end) break;
      note(end);
      if (end.state === 'failed') {
        outcome.status = 'failed';
        outcome.error = { code: 'verification_failed', message: end.failure?.message ?? 'verification failed' };
        return outcome;
      }
      full = advanced.full;
    }
    await rollupAfterArchive(ctx.deps.db, tenantId, date, await ctx.store.parts(tenantId, date));
    outcome.status = outcome.parts.length > 0 ? 'archived' : 'empty';
    return outcome;
  } catch (err) {
    // Typed failures are this day's problem: log, report, go on with the next day. Anything
    // else is thrown to the run, which records it against the tenant and goes on as well.
    if (!(err instanceof ArchiveError)) throw err;
    logs.dayFailed(tenantId, date, err.code, err.message);
    outcome.status = 'failed';
    outcome.error = { code: err.code, message: err.message };
    return outcome;
  }
}
