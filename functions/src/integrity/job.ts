import type { CheckpointRunReport, CreatedCheckpoint, LateEntryReport } from '@audit-log/model/callables';
import { checkpointId, type SignedCheckpoint } from '@audit-log/model/integrity';
import { randomUUID } from 'node:crypto';
import { buildCheckpoint, CheckpointLeaves, nextWindow, type CheckpointSigner } from '../domain/integrity';
import type { Bucket } from '../tiering/storage';
import type { EmitViolation } from './events';
import * as logs from './logs';
import { Meter } from './meter';
import { anchorExists, writeAnchor, writeLeaves } from './objects';
import { CheckpointStore } from './store';
import type { Firestore } from 'firebase-admin/firestore';

export interface CheckpointDeps {
  db: Firestore;
  bucket: Bucket;
  signer: CheckpointSigner;
  emit: EmitViolation;
}

export interface CheckpointOptions {
  /** Only these tenants (default: every tenant document). */
  tenantIds?: readonly string[];
  now?: () => number;
  intervalMs: number;
  graceMs: number;
  /** On demand: close the open slot at the cut instead of waiting for it to end. */
  closeOpenSlot: boolean;
  /** Stop starting new checkpoints after this instant (ms). */
  deadlineMs?: number;
  /** Entries per page when reading a window (default 1,000). */
  pageSize?: number;
}

/** Keys this instance already published: one create per key and instance, not per run. */
const publishedKeys = new Set<string>();

/** How far back each run re-counts closed windows for late entries: two intervals and the grace. */
export function recountHorizonMs(intervalMs: number, graceMs: number): number {
  return 2 * intervalMs + graceMs;
}

interface Run {
  deps: CheckpointDeps;
  options: CheckpointOptions;
  store: CheckpointStore;
  meter: Meter;
  now: () => number;
  report: CheckpointRunReport;
}

const overDeadline = (run: Run) => run.options.deadlineMs !== undefined && run.now() >= run.options.deadlineMs;

/**
 * Re-counts the windows of the tenant's recent checkpoints: an entry that appears in a window
 * after its checkpoint was signed (a commit later than the grace period, or one written behind
 * the system's back) is reported as a CRITICAL entry, never absorbed. Fewer entries than signed
 * is not reported here: tiering removes entries, and the verifier checks deletions.
 */
async function recount(run: Run, tenantId: string, recent: readonly SignedCheckpoint[]): Promise<void> {
  const since = run.now() - recountHorizonMs(run.options.intervalMs, run.options.graceMs);
  for (const c of recent) {
    if (Date.parse(c.windowEnd) <= since) continue;
    const found = await run.store.countWindow(tenantId, Date.parse(c.windowStart), Date.parse(c.windowEnd));
    if (found <= c.count) continue;
    logs.lateEntries(tenantId, c.id, c.count, found);
    const eventLogId = await run.deps.emit({
      tenantId,
      checkpointId: c.id,
      seq: c.seq,
      windowStart: c.windowStart,
      windowEnd: c.windowEnd,
      signedCount: c.count,
      foundCount: found,
      occurredAt: new Date(run.now()),
    });
    const late: LateEntryReport = { tenantId, checkpointId: c.id, signedCount: c.count, foundCount: found, eventLogId };
    run.report.lateEntries.push(late);
  }
}

/** Reads one window, writes its leaves file, its checkpoint and its anchor. Null when another run took the sequence. */
async function checkpointWindow(
  run: Run,
  tenantId: string,
  head: SignedCheckpoint | null,
  window: { start: number; end: number },
): Promise<SignedCheckpoint | null> {
  const leaves = new CheckpointLeaves();
  const pairs: Array<[string, string]> = [];
  for await (const page of run.store.window(tenantId, window.start, window.end, run.options.pageSize ?? 1000)) {
    for (const [logId, hash] of page) {
      leaves.add(logId, hash);
      pairs.push([logId, hash]);
    }
  }
  const checkpoint = buildCheckpoint({
    tenantId,
    prev: head,
    window,
    count: leaves.count,
    merkleRoot: leaves.root(),
    signer: run.deps.signer,
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const written = await writeLeaves(
    run.deps.bucket,
    tenantId,
    checkpoint.seq,
    { checkpointId: checkpoint.id, leaves: pairs },
    run.meter,
    () => run.store.exists(checkpoint.id),
    run.now(),
  );
  if (written === 'taken' || !(await run.store.create(checkpoint))) return null;
  if ((await writeAnchor(run.deps.bucket, checkpoint, run.meter)) === 'conflict') {
    logs.anchorConflict(tenantId, checkpoint.id);
    run.report.failures.push({ tenantId, message: `the anchor of ${checkpoint.id} differs from it` });
  }
  logs.checkpointCreated(tenantId, checkpoint.id, checkpoint.count, checkpoint.windowStart, checkpoint.windowEnd);
  const created: CreatedCheckpoint = {
    tenantId,
    id: checkpoint.id,
    seq: checkpoint.seq,
    windowStart: checkpoint.windowStart,
    windowEnd: checkpoint.windowEnd,
    count: checkpoint.count,
  };
  run.report.checkpoints.push(created);
  return checkpoint;
}

/** One tenant: late entries in recent windows, then every window due, oldest first. */
async function checkpointTenant(run: Run, tenantId: string): Promise<void> {
  const { intervalMs, graceMs, closeOpenSlot } = run.options;
  // The head and the windows to re-count in one query: the recent ones are the newest few.
  const recent = await run.store.newest(tenantId, Math.ceil(recountHorizonMs(intervalMs, graceMs) / intervalMs) + 1);
  let head = recent[0] ?? null;
  if (head && !(await anchorExists(run.deps.bucket, tenantId, head.seq, run.meter))) {
    // A run that died between the document and its anchor: anchor it now.
    if ((await writeAnchor(run.deps.bucket, head, run.meter)) === 'conflict') logs.anchorConflict(tenantId, head.id);
  }
  await recount(run, tenantId, recent);
  const cut = run.now() - graceMs;
  while (!overDeadline(run)) {
    const from = head ? Date.parse(head.windowEnd) : 0;
    const first = from < cut ? await run.store.firstRecordedAt(tenantId, from, cut) : null;
    if (first === null) return;
    const window = nextWindow({ prevEnd: head ? from : null, firstUncovered: first, cut, intervalMs, closeOpenSlot });
    if (!window) return;
    const next = await checkpointWindow(run, tenantId, head, window);
    if (!next) {
      logs.tenantSkipped(tenantId, `another run is writing ${checkpointId(tenantId, (head?.seq ?? 0) + 1)}`);
      return;
    }
    head = next;
  }
  run.report.stoppedAtDeadline = true;
}

/**
 * The checkpoint job: for each tenant, every window whose entries are all past the grace period
 * gets a signed checkpoint, chained to the one before; recent windows are re-counted for late
 * entries. A plain module: the schedule and the callable both run it, tests run it directly.
 * Tenants are isolated: one tenant's failure is recorded and the run goes on.
 */
export async function runCheckpointJob(deps: CheckpointDeps, options: CheckpointOptions): Promise<CheckpointRunReport> {
  const now = options.now ?? (() => Date.now());
  const meter = new Meter();
  const run: Run = {
    deps,
    options,
    meter,
    now,
    store: new CheckpointStore(deps.db, meter),
    report: {
      runId: `checkpoints-${randomUUID()}`,
      tenants: 0,
      checkpoints: [],
      lateEntries: [],
      failures: [],
      reads: 0,
      writes: 0,
      storageWrites: 0,
      storageReads: 0,
      durationMs: 0,
      stoppedAtDeadline: false,
    },
  };
  const started = now();
  if (!publishedKeys.has(deps.signer.keyId)) {
    await run.store.publishKey({ keyId: deps.signer.keyId, algorithm: 'Ed25519', publicKey: deps.signer.publicKey });
    publishedKeys.add(deps.signer.keyId);
  }
  const tenantIds = options.tenantIds ? [...options.tenantIds] : await run.store.tenantIds();
  for (const tenantId of tenantIds) {
    if (overDeadline(run)) {
      run.report.stoppedAtDeadline = true;
      break;
    }
    run.report.tenants++;
    try {
      await checkpointTenant(run, tenantId);
    } catch (err) {
      logs.tenantFailed(tenantId, err);
      run.report.failures.push({
        tenantId,
        message: 'the checkpoint work failed (see the integrity.tenant_failed log)',
      });
    }
    if (run.report.stoppedAtDeadline) break;
  }
  Object.assign(run.report, {
    reads: meter.reads,
    writes: meter.writes,
    storageWrites: meter.storageWrites,
    storageReads: meter.storageReads,
    durationMs: now() - started,
  });
  logs.runFinished(run.report.runId, {
    'run.tenants': run.report.tenants,
    'run.checkpoints': run.report.checkpoints.length,
    'run.late_entries': run.report.lateEntries.length,
    'run.failures': run.report.failures.length,
    'run.reads': meter.reads,
    'run.writes': meter.writes,
    'run.storage_writes': meter.storageWrites,
    'event.duration_ms': run.report.durationMs,
  });
  return run.report;
}

/** Forgets which keys were published (tests start each scenario as a fresh instance). */
export function forgetPublishedKeys(): void {
  publishedKeys.clear();
}
