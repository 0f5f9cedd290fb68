import type { SinkRunOutcome, SinkRunReport } from '@audit-log/model/callables';
import type { Firestore } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { mapPool } from '../domain/pool';
import { deliverSink, type DeliverOptions } from './deliver';
import * as logs from './logs';
import { listSinkIds } from './store';

export interface RunSinksOptions extends Omit<DeliverOptions, 'owner' | 'deadlineMs'> {
  /** Only this tenant's streams (a tenant admin's run). */
  tenantId?: string;
  /** Only these streams. */
  sinkIds?: readonly string[];
  /** The whole run ends by then (ms). */
  deadlineMs: number;
  /** The most one stream may take of the run (ms): a large backlog cannot starve the others. */
  perSinkBudgetMs?: number;
  /** Streams delivered at once. */
  concurrency?: number;
}

/**
 * Delivers every stream (of one tenant, or all) once. Streams run side by side, each under its
 * own lease, budget and backoff: a sink that times out holds one slot for at most one request
 * timeout per attempt, and its failures are recorded on it alone. A stream whose run throws is
 * logged and left for the next run, which resumes from its durable cursor.
 */
export async function runSinks(db: Firestore, options: RunSinksOptions): Promise<SinkRunReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const ids = options.sinkIds ?? (await listSinkIds(db, options.tenantId));
  const budget = options.perSinkBudgetMs ?? 60_000;
  const sinks = await mapPool(ids, options.concurrency ?? 8, async (sinkId): Promise<SinkRunOutcome> => {
    try {
      return await deliverSink(db, sinkId, {
        ...options,
        owner: `run-${randomUUID()}`,
        deadlineMs: Math.min(options.deadlineMs, now() + budget),
      });
    } catch (err) {
      logs.sinkRunFailed(options.tenantId ?? '', sinkId, err);
      return {
        sinkId,
        tenantId: options.tenantId ?? '',
        status: 'failing',
        delivered: 0,
        batches: 0,
        failures: 1,
        lagMs: 0,
      };
    }
  });
  const report: SinkRunReport = {
    sinks,
    delivered: sinks.reduce((n, s) => n + s.delivered, 0),
    durationMs: now() - started,
  };
  logs.sinksRan(report);
  return report;
}
