import type { SinkRunOutcome } from '@audit-log/model/callables';
import type { Firestore } from 'firebase-admin/firestore';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultDeliveryNetwork, postWebhook, type DeliveryNetwork } from '../alerts/webhook-transport';
import { attemptOutcome, type AttemptResult } from '../domain/alerts';
import {
  afterSinkFailure,
  batchBody,
  batchIdOf,
  batchOrderProblems,
  DEFAULT_SETTLE_MS,
  lagMsOf,
  readHorizonMs,
  signedBatchHeaders,
  SINK_RETRY_POLICY,
  toSinkRecord,
  type SinkCursor,
  type SinkRetryPolicy,
} from '../domain/sinks';
import { fromStored } from '../store/converters';
import * as logs from './logs';
import { commitBatch, readBatch, recordFailure, releaseLease, sinkSecretRef, takeLease } from './store';

/** Sends one signed batch; the transport checks the destination (no private networks) first. */
export type SendBatch = (
  target: { tenantId: string; deliveryId: string; url: string },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
) => Promise<AttemptResult>;

export interface DeliverOptions {
  /** Who runs: the lease owner (unique per run). */
  owner: string;
  /** The clock (ms); injected so tests can move past the settle horizon without waiting. */
  now?: () => number;
  /** Stop starting batches after this instant (ms). */
  deadlineMs: number;
  /** Ignore a pending backoff (an admin's "run now"). */
  force?: boolean;
  settleMs?: number;
  policy?: SinkRetryPolicy;
  network?: DeliveryNetwork;
  /** Replaces the HTTP transport (benchmarks); the default posts with {@link postWebhook}. */
  send?: SendBatch;
  random?: () => number;
}

/** How long a run's lease outlives its deadline: a request in flight finishes inside it. */
const LEASE_MARGIN_MS = 30_000;

function transport(options: DeliverOptions): SendBatch {
  if (options.send) return options.send;
  const network = options.network ?? defaultDeliveryNetwork();
  return async (target, headers, body, timeoutMs) =>
    (await postWebhook(target, headers, body, timeoutMs, network)).result;
}

/**
 * Delivers one stream until it is caught up, fails, or the deadline comes: takes the lease,
 * reads a batch after the cursor (only entries older than the settle horizon), sends it signed,
 * and moves the cursor only once the sink acknowledged it. Short backoffs are waited out inside
 * the run; longer ones are recorded and end it, so this stream's trouble never holds up another.
 */
export async function deliverSink(db: Firestore, sinkId: string, options: DeliverOptions): Promise<SinkRunOutcome> {
  const now = options.now ?? Date.now;
  const policy = options.policy ?? SINK_RETRY_POLICY;
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const leaseUntil = () => Math.max(now(), options.deadlineMs) + policy.requestTimeoutMs + LEASE_MARGIN_MS;
  const lease = await takeLease(db, sinkId, options.owner, now(), leaseUntil(), options.force ?? false);
  const outcome: SinkRunOutcome = {
    sinkId,
    tenantId: 'taken' in lease ? lease.taken.tenantId : '',
    status: 'skipped',
    delivered: 0,
    batches: 0,
    failures: 0,
    lagMs: 0,
  };
  if (!('taken' in lease)) return { ...outcome, skippedBecause: lease.refused };

  const sink = lease.taken;
  const run = { sinkId, owner: options.owner, generation: sink.generation };
  const secret = (await sinkSecretRef(db, sinkId).get()).get('secret') as string;
  const send = transport(options);
  let cursor: SinkCursor = sink.cursor;
  let failures = sink.consecutiveFailures;
  let caughtUp = false;
  let horizonMs = readHorizonMs(now(), settleMs);
  try {
    while (now() < options.deadlineMs) {
      horizonMs = readHorizonMs(now(), settleMs);
      const rows = await readBatch(db, sink.tenantId, cursor, horizonMs, sink.batchSize);
      if (rows.length === 0) {
        caughtUp = true;
        break;
      }
      const problems = batchOrderProblems(
        rows.map((r) => r.position),
        cursor,
        horizonMs,
      );
      if (problems.length > 0) throw new Error(`stream ${sinkId} read a batch out of order: ${problems.join('; ')}`);
      const batchId = batchIdOf(
        sinkId,
        sink.generation,
        rows.map((r) => r.position.logId),
      );
      const body = batchBody({
        sinkId,
        tenantId: sink.tenantId,
        batchId,
        records: rows.map((r) => toSinkRecord(fromStored(r.data))),
      });
      const headers = signedBatchHeaders(secret, Math.floor(now() / 1000), body, { sinkId, batchId });
      const result = await send(
        { tenantId: sink.tenantId, deliveryId: batchId, url: sink.url },
        headers,
        body,
        policy.requestTimeoutMs,
      );
      if (attemptOutcome(result) !== 'ok') {
        outcome.failures++;
        const failure = afterSinkFailure(failures, result, now(), policy, (options.random ?? Math.random)());
        failures = failure.consecutiveFailures;
        logs.batchFailed(sink.tenantId, sinkId, batchId, failure.message, failure.consecutiveFailures);
        if (!(await recordFailure(db, run, failure, now()))) break;
        if (!failure.inline || failure.nextAttemptAtMs >= options.deadlineMs) break;
        await delay(failure.delayMs);
        continue;
      }
      const last = rows[rows.length - 1]!.position;
      const committed = await commitBatch(db, run, last, rows.length, now(), leaseUntil());
      if (!committed.committed) break;
      cursor = { recordedAtMs: last.recordedAtMs, logId: last.logId };
      failures = 0;
      outcome.delivered += rows.length;
      outcome.batches++;
      if (committed.paused) break;
      if (rows.length < sink.batchSize) {
        caughtUp = true;
        break;
      }
    }
  } finally {
    outcome.lagMs = lagMsOf(cursor, horizonMs, caughtUp);
    await releaseLease(db, sinkId, options.owner, { nowMs: now(), lagMs: outcome.lagMs, caughtUp });
  }
  outcome.status = caughtUp ? 'caught_up' : failures > 0 ? 'failing' : 'behind';
  return outcome;
}
