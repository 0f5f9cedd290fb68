import { FieldPath, Timestamp } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTenantSettings } from '../domain';
import {
  ArchiveError,
  archiveId,
  archiveObjectPath,
  ARCHIVE_SCHEMA_VERSION,
  dayBounds,
  manifestObjectPath,
  newArchiveRecord,
  nextAction,
  transition,
  utcDate,
  warmCutoffMs,
  type ArchiveRecord,
} from '../domain/archive';
import { COLLECTIONS } from '../store/collections';
import { ArchiveStore } from './archive-store';
import type { RunContext, TieringDeps, TieringOptions } from './context';
import { deletePart } from './delete';
import * as logs from './logs';
import { dayHasEntries, verifyPart, writePart } from './write-verify';

export interface DayOutcome {
  tenantId: string;
  date: string;
  /** Parts this run brought to `archived` (or found there), with their rows. */
  parts: Array<{ part: number; state: ArchiveRecord['state']; rows: number | null; retained: number }>;
  status: 'archived' | 'held' | 'failed' | 'busy' | 'empty';
  error?: { code: string; message: string };
}

export interface TieringReport {
  runId: string;
  tenants: number;
  days: DayOutcome[];
  /** Rows in files that reached `archived` during this run. */
  archivedEntries: number;
  failures: number;
  durationMs: number;
  stoppedAtDeadline: boolean;
}

/** Resolves the options into a run context. */
export async function runContext(deps: TieringDeps, options: TieringOptions): Promise<RunContext> {
  const clock = options.now ?? (() => new Date());
  const now = () => clock().getTime();
  const workDir = await mkdtemp(join(options.workDir ?? tmpdir(), 'tiering-'));
  return {
    deps,
    store: new ArchiveStore(deps.db, `run-${randomUUID()}`, options.leaseMs ?? 15 * 60_000, now),
    now,
    pageSize: options.pageSize ?? 1000,
    maxRowsPerPart: options.maxRowsPerPart ?? 250_000,
    deleteBatchSize: Math.min(options.deleteBatchSize ?? 500, 500),
    deleteConcurrency: options.deleteConcurrency ?? 4,
    workDir,
    writer: options.writer ?? {},
    hook: options.hook ?? (() => undefined),
  };
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
 * delete → event. Returns the record as it ended (`failed` when verification refused it).
 */
async function advancePart(ctx: RunContext, record: ArchiveRecord): Promise<ArchiveRecord | null> {
  const id = archiveId(record.tenantId, record.date, record.part);
  const written = join(ctx.workDir, `${id.replace(/:/g, '_')}.written.parquet`);
  const downloaded = join(ctx.workDir, `${id.replace(/:/g, '_')}.verify.parquet`);
  try {
    let rec: ArchiveRecord | null = record;
    let verifiedCopy = false;
    if (rec.state === 'writing') {
      rec = await writePart(ctx, rec, written);
      if (!rec) return null;
    }
    if (rec.state === 'uploaded') {
      const v = await verifyPart(ctx, rec, downloaded);
      rec = v.record;
      if (!v.ok) return rec;
      verifiedCopy = true;
    }
    if (rec.state === 'verified' || rec.state === 'deleting' || rec.state === 'restored') {
      rec = await deletePart(ctx, rec, downloaded, verifiedCopy);
    }
    if (rec.state === 'archived' && rec.eventLogId === null) rec = await emitCreated(ctx, rec);
    return rec;
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
    const parts = await ctx.store.parts(tenantId, date);
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
      const end = await advancePart(ctx, rec);
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
    // New parts while entries remain; a part that was not full means the rest are entries that
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
      const end = await advancePart(ctx, rec);
      if (!end) break;
      note(end);
      if (end.state === 'failed') {
        outcome.status = 'failed';
        outcome.error = { code: 'verification_failed', message: end.failure?.message ?? 'verification failed' };
        return outcome;
      }
      full = (end.rowCount ?? 0) >= ctx.maxRowsPerPart;
    }
    outcome.status = outcome.parts.length > 0 ? 'archived' : 'empty';
    return outcome;
  } catch (err) {
    // Typed failures are this day's problem: log, report, release, go on with the next day.
    // Anything else (a dependency down, a crash) ends the run; the lease simply expires.
    if (!(err instanceof ArchiveError)) throw err;
    logs.dayFailed(tenantId, date, err.code, err.message);
    outcome.status = 'failed';
    outcome.error = { code: err.code, message: err.message };
    return outcome;
  } finally {
    // Reached on normal return and on typed failures; a thrown crash skips nothing else here,
    // but releasing is harmless then too, so the next run need not wait for the lease to expire.
    await ctx.store.release(tenantId, date).catch(() => undefined);
  }
}

/** Every tenant id, paged by document id. */
async function allTenantIds(ctx: RunContext): Promise<string[]> {
  const ids: string[] = [];
  let last: string | undefined;
  for (;;) {
    let q = ctx.deps.db.collection(COLLECTIONS.tenants).orderBy(FieldPath.documentId()).select().limit(500);
    if (last) q = q.startAfter(last);
    const snap = await q.get();
    ids.push(...snap.docs.map((d) => d.id));
    if (snap.size < 500) return ids;
    last = snap.docs[snap.docs.length - 1]!.id;
  }
}

/** The newest day of a tenant with entries older than `beforeMs`, or null. */
async function newestDayBefore(ctx: RunContext, tenantId: string, beforeMs: number): Promise<string | null> {
  const snap = await ctx.deps.db
    .collection(COLLECTIONS.logs)
    .where('tenantId', '==', tenantId)
    .where('occurredAt', '<', Timestamp.fromMillis(beforeMs))
    .orderBy('occurredAt', 'desc')
    .limit(1)
    .get();
  const doc = snap.docs[0];
  return doc ? utcDate((doc.get('occurredAt') as Timestamp).toMillis()) : null;
}

/**
 * The tiering job: for each tenant, finishes every unfinished part, then archives each day whose
 * entries are all older than the tenant's warm retention (`tenants/{t}.retentionDays`, default
 * 90), newest day first. A plain module: the daily schedule and the admin callable both run it.
 */
export async function runTieringJob(deps: TieringDeps, options: TieringOptions = {}): Promise<TieringReport> {
  const ctx = await runContext(deps, options);
  const started = ctx.now();
  const runId = ctx.store.owner;
  const report: TieringReport = {
    runId,
    tenants: 0,
    days: [],
    archivedEntries: 0,
    failures: 0,
    durationMs: 0,
    stoppedAtDeadline: false,
  };
  try {
    const tenantIds = options.tenantIds ? [...options.tenantIds] : await allTenantIds(ctx);
    logs.runStarted('tiering', runId, tenantIds.length);
    const overDeadline = () => options.deadlineMs !== undefined && ctx.now() >= options.deadlineMs;
    const record = (o: DayOutcome) => {
      report.days.push(o);
      if (o.status === 'failed') report.failures++;
      for (const p of o.parts) if (p.state === 'archived') report.archivedEntries += (p.rows ?? 0) - p.retained;
    };
    for (const tenantId of tenantIds) {
      if (overDeadline()) {
        report.stoppedAtDeadline = true;
        break;
      }
      report.tenants++;
      const tenant = await deps.db.collection(COLLECTIONS.tenants).doc(tenantId).get();
      const { settings } = readTenantSettings(tenant.data());
      const seen = new Set<string>();
      for (const date of await ctx.store.unfinishedDays(tenantId)) {
        seen.add(date);
        record(await archiveDay(ctx, tenantId, date));
      }
      let boundary = warmCutoffMs(ctx.now(), settings.retentionDays);
      for (;;) {
        if (overDeadline()) {
          report.stoppedAtDeadline = true;
          break;
        }
        const date = await newestDayBefore(ctx, tenantId, boundary);
        if (date === null) break;
        if (!seen.has(date)) {
          seen.add(date);
          record(await archiveDay(ctx, tenantId, date));
        }
        boundary = dayBounds(date).startMs;
      }
    }
  } finally {
    report.durationMs = ctx.now() - started;
    await rm(ctx.workDir, { recursive: true, force: true });
  }
  logs.runFinished('tiering', runId, {
    'run.tenants': report.tenants,
    'run.days': report.days.length,
    'run.archived_entries': report.archivedEntries,
    'run.failures': report.failures,
    'event.duration_ms': report.durationMs,
  });
  return report;
}
