import { FieldPath, Timestamp } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTenantSettings } from '../domain';
import { dayBounds, fairTenantOrder, utcDate, warmCutoffMs } from '../domain/archive';
import { COLLECTIONS } from '../store/collections';
import { archiveDay, type DayOutcome } from './archive-day';
import { ArchiveStore } from './archive-store';
import type { RunContext, TieringDeps, TieringOptions } from './context';
import * as logs from './logs';
import { TieringRunState } from './run-state';

export type { DayOutcome } from './archive-day';

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
    runState: new TieringRunState(deps.db, now),
    now,
    pageSize: options.pageSize ?? 1000,
    maxRowsPerPart: options.maxRowsPerPart ?? 250_000,
    maxBytesPerPart: options.maxBytesPerPart ?? 256 * 1024 * 1024,
    deleteBatchSize: Math.min(options.deleteBatchSize ?? 500, 500),
    deleteConcurrency: options.deleteConcurrency ?? 4,
    workDir,
    writer: options.writer ?? {},
    hook: options.hook ?? (() => undefined),
  };
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

/** What a run collects as it goes. */
class RunReport {
  readonly report: TieringReport;
  constructor(runId: string) {
    this.report = {
      runId,
      tenants: 0,
      days: [],
      archivedEntries: 0,
      failures: 0,
      durationMs: 0,
      stoppedAtDeadline: false,
    };
  }

  add(o: DayOutcome): void {
    this.report.days.push(o);
    if (o.status === 'failed') this.report.failures++;
    for (const p of o.parts) if (p.state === 'archived') this.report.archivedEntries += (p.rows ?? 0) - p.retained;
  }

  /** An unexpected failure: the details go to the log, the report says where and what kind. */
  crashed(tenantId: string, date: string, err: unknown): void {
    logs.dayCrashed(tenantId, date, err);
    const message = 'the work failed unexpectedly (see the tiering.day_crashed log); it is retried after a backoff';
    this.add({ tenantId, date, parts: [], status: 'failed', error: { code: 'internal', message } });
  }
}

/** A day, unless it failed recently and waits for its retry; a crash is recorded, never thrown. */
async function tryDay(ctx: RunContext, run: RunReport, tenantId: string, date: string): Promise<void> {
  try {
    const dueAt = await ctx.runState.dayDueAtMs(tenantId, date);
    if (dueAt !== null && dueAt > ctx.now()) {
      logs.dayDeferred(tenantId, date, dueAt);
      run.add({ tenantId, date, parts: [], status: 'deferred', retryAtMs: dueAt });
      return;
    }
    run.add(await archiveDay(ctx, tenantId, date));
  } catch (err) {
    run.crashed(tenantId, date, err);
  }
}

/** One tenant: its unfinished days, then each day past warm retention, newest first. */
async function archiveTenant(ctx: RunContext, run: RunReport, tenantId: string, overDeadline: () => boolean) {
  const tenant = await ctx.deps.db.collection(COLLECTIONS.tenants).doc(tenantId).get();
  const { settings } = readTenantSettings(tenant.data());
  const seen = new Set<string>();
  for (const date of await ctx.store.unfinishedDays(tenantId)) {
    seen.add(date);
    await tryDay(ctx, run, tenantId, date);
  }
  let boundary = warmCutoffMs(ctx.now(), settings.retentionDays);
  for (;;) {
    if (overDeadline()) {
      run.report.stoppedAtDeadline = true;
      return;
    }
    const date = await newestDayBefore(ctx, tenantId, boundary);
    if (date === null) return;
    if (!seen.has(date)) {
      seen.add(date);
      await tryDay(ctx, run, tenantId, date);
    }
    boundary = dayBounds(date).startMs;
  }
}

/**
 * The tiering job: for each tenant, finishes every unfinished part, then archives each day whose
 * entries are all older than the tenant's warm retention (`tenants/{t}.retentionDays`, default
 * 90), newest day first. A plain module: the daily schedule and the admin callable both run it.
 * Tenants are isolated from each other: a failure of one tenant's day, expected or not, is
 * recorded and the run goes on; a failed day waits for its retry (`dayRetryDelayMs`) instead of
 * coming first in every run; tenants are served least recently started first.
 */
export async function runTieringJob(deps: TieringDeps, options: TieringOptions = {}): Promise<TieringReport> {
  const ctx = await runContext(deps, options);
  const started = ctx.now();
  const runId = ctx.store.owner;
  const run = new RunReport(runId);
  const report = run.report;
  try {
    const tenantIds = options.tenantIds ? [...options.tenantIds] : await allTenantIds(ctx);
    const ordered = fairTenantOrder(tenantIds, await ctx.runState.tenantStarts());
    logs.runStarted('tiering', runId, ordered.length);
    const overDeadline = () => options.deadlineMs !== undefined && ctx.now() >= options.deadlineMs;
    for (const tenantId of ordered) {
      if (overDeadline()) {
        report.stoppedAtDeadline = true;
        break;
      }
      report.tenants++;
      try {
        // Recorded before the work: a tenant whose work kills the process goes to the back of the line.
        await ctx.runState.tenantStarted(tenantId);
        await archiveTenant(ctx, run, tenantId, overDeadline);
      } catch (err) {
        run.crashed(tenantId, '', err);
      }
      if (report.stoppedAtDeadline) break;
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
