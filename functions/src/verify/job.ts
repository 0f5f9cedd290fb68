import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { IntegrityCheckReport, IntegrityCheckRun } from '@audit-log/model/callables';
import { INTEGRITY_SOURCE, INTEGRITY_VIOLATION_EVENT_TYPE, type IntegrityFinding } from '@audit-log/model/integrity';
import { randomUUID } from 'node:crypto';
import { runRecordOf } from '../domain/integrity';
import { ingestSystemEvent } from '../ingest/ingest';
import { COLLECTIONS } from '../store/collections';
import type { Bucket } from '../tiering/storage';
import { verifyFromStores } from './run';
import { allTenantIds } from '../store/tenant-ids';

// The scheduled (and on-demand) verification: the same checks as `audit-verify`, run by the
// functions against the keys they publish, each run recorded in `audit_integrity_runs` and, when
// it finds anything, raised as one CRITICAL `security.integrity_violation` entry, which the
// tenant's alert rules (by default: every CRITICAL entry to the tenant's admins) deliver.
//
// Bounded in cost: a run reads, per tenant, one UTC day of entries (the last complete one) with
// its checkpoints, the checkpoint before it, the anchors' names and the anchors of that day
// (plus any anchored above Firestore's newest checkpoint: a dropped head is caught every day),
// the leaves files only of windows whose root does not match, and that day's archived parts.
// Each entry verified is one document read; a tenant's run reads at most `maxEntries` of them
// (default 200,000, a day at about 2.3 events/s): over that, the day is cut to its latest windows
// (a few count() reads find where) and the run record says `truncated`.

export const DEFAULT_MAX_ENTRIES = 200_000;

export interface IntegrityCheckDeps {
  db: Firestore;
  bucket: Bucket;
  /** Records the CRITICAL entry; returns its log id, null when it could not be recorded. */
  emit: (envelope: Record<string, unknown>) => Promise<string | null>;
}

export interface IntegrityCheckOptions {
  tenantIds?: readonly string[];
  trigger: 'scheduled' | 'manual';
  fromMs: number;
  toMs: number;
  now?: () => number;
  coverSlackMs: number;
  intervalMs: number;
  maxEntries?: number;
}

/** The envelope of a run's violation: one per run (its id names the run), the findings summarized. */
export function violationEnvelope(
  runId: string,
  tenantId: string,
  findings: readonly IntegrityFinding[],
  at: Date,
): Record<string, unknown> {
  const kinds: Record<string, number> = {};
  for (const f of findings) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
  return {
    specVersion: '1.0',
    eventId: `verification:${runId}`,
    eventType: INTEGRITY_VIOLATION_EVENT_TYPE,
    tenantId,
    occurredAt: at.toISOString(),
    source: INTEGRITY_SOURCE,
    actor: { type: 'system', id: INTEGRITY_SOURCE, name: 'Audit log verification' },
    resource: { type: 'audit_integrity_run', id: runId },
    operation: 'EXECUTE',
    outcome: 'failure',
    metadata: {
      runId,
      findingCount: findings.length,
      kinds,
      // The first few, enough to act on; the run record holds up to 100 and the CLI all of them.
      findings: findings.slice(0, 20).map((f) => ({
        kind: f.kind,
        ...(f.logId ? { logId: f.logId } : {}),
        ...(f.checkpointId ? { checkpointId: f.checkpointId } : {}),
        ...(f.date ? { date: f.date } : {}),
      })),
    },
  };
}

export const emitThroughIngest = async (envelope: Record<string, unknown>): Promise<string | null> => {
  const outcome = await ingestSystemEvent(envelope, `integrity-${String(envelope.eventId)}`);
  return outcome.status === 'rejected' ? null : outcome.logId;
};

/** The start of the period after the budget: whole windows from the end back, as many as fit. */
async function budgetedFrom(db: Firestore, tenantId: string, o: IntegrityCheckOptions): Promise<number> {
  const max = o.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const count = async (from: number) =>
    (
      await db
        .collection(COLLECTIONS.logs)
        .where('tenantId', '==', tenantId)
        .where('recordedAt', '>=', Timestamp.fromMillis(from))
        .where('recordedAt', '<', Timestamp.fromMillis(o.toMs))
        .count()
        .get()
    ).data().count;
  let from = o.fromMs;
  // Halve the period (on the window grid) until it fits: a few count() reads at most.
  while ((await count(from)) > max && o.toMs - from > o.intervalMs) {
    from = o.toMs - Math.max(o.intervalMs, Math.floor((o.toMs - from) / 2 / o.intervalMs) * o.intervalMs);
  }
  return from;
}

async function checkTenant(
  deps: IntegrityCheckDeps,
  o: IntegrityCheckOptions,
  tenantId: string,
): Promise<IntegrityCheckRun> {
  const now = o.now ?? Date.now;
  const startedAt = new Date(now());
  const runId = `${tenantId}~${startedAt.toISOString()}~${randomUUID().slice(0, 8)}`;
  const fromMs = await budgetedFrom(deps.db, tenantId, o);
  const result = await verifyFromStores(
    { db: deps.db, bucket: deps.bucket },
    {
      tenantId,
      fromMs,
      toMs: o.toMs,
      nowMs: startedAt.getTime(),
      coverDeadlineMs: startedAt.getTime() - o.coverSlackMs,
    },
  );
  const record = runRecordOf({
    tenantId,
    trigger: o.trigger,
    startedAt,
    finishedAt: new Date(now()),
    fromMs,
    toMs: o.toMs,
    result,
  });
  let eventLogId: string | null = null;
  if (!record.ok) eventLogId = await deps.emit(violationEnvelope(runId, tenantId, result.findings, startedAt));
  const truncated = fromMs > o.fromMs;
  await deps.db
    .collection(COLLECTIONS.integrityRuns)
    .doc(runId)
    .create({
      ...record,
      startedAt: Timestamp.fromDate(new Date(record.startedAt)),
      finishedAt: Timestamp.fromDate(new Date(record.finishedAt)),
      from: Timestamp.fromDate(new Date(record.from)),
      to: Timestamp.fromDate(new Date(record.to)),
      requestedFrom: Timestamp.fromMillis(o.fromMs),
      truncated,
      keySource: result.keySource,
      eventLogId,
    });
  return {
    runId,
    tenantId,
    ok: record.ok,
    entriesChecked: record.entriesChecked,
    checkpointsChecked: record.checkpointsChecked,
    archivedDaysChecked: record.archivedDaysChecked,
    findingCount: record.findingCount,
    findings: record.findings,
    eventLogId,
    truncated,
  };
}

/** Verifies each tenant in turn; a tenant that fails to verify is reported, the rest go on. */
export async function runIntegrityCheckJob(
  deps: IntegrityCheckDeps,
  o: IntegrityCheckOptions,
): Promise<IntegrityCheckReport> {
  const report: IntegrityCheckReport = { runs: [], failures: [] };
  for (const tenantId of o.tenantIds ?? (await allTenantIds(deps.db))) {
    try {
      report.runs.push(await checkTenant(deps, o, tenantId));
    } catch (err) {
      report.failures.push({ tenantId, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return report;
}
