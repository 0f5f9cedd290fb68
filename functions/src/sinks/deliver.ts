import type { SinkRunOutcome } from '@audit-log/model/callables';
import type { Firestore } from 'firebase-admin/firestore';
import { setTimeout as delay } from 'node:timers/promises';
import {
  afterSinkFailure,
  batchIdOf,
  batchOrderProblems,
  DEFAULT_SETTLE_MS,
  lagMsOf,
  readHorizonMs,
  SINK_RETRY_POLICY,
  toSinkRecord,
  type SinkCursor,
  type SinkRetryPolicy,
} from '../domain/sinks';
import { fromStored } from '../store/converters';
import * as logs from './logs';
import {
  commitBatch,
  readBatch,
  recordFailure,
  releaseLease,
  sinkSecretRef,
  takeLease,
  type StoredSink,
} from './store';
import { transportFor, type SinkTransport, type TransportClients } from './transports';

export type { SendBatch, SinkTransport } from './transports';

export interface DeliverOptions extends TransportClients {
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
  /**
   * Replaces the transport of the stream's kind (fault injection in tests); it gets the default
   * one to wrap. The default is {@link transportFor} with the clients of these options.
   */
  transport?: (sink: StoredSink, defaultTransport: SinkTransport) => SinkTransport;
  random?: () => number;
}

/** How long a run's lease outlives its deadline: a request in flight finishes inside it. */
const LEASE_MARGIN_MS = 30_000;

function transport(sink: StoredSink, secret: string, options: DeliverOptions): SinkTransport {
  const standard = transportFor(sink.target, secret, options);
  return options.transport ? options.transport(sink, standard) : standard;
}

/**
 * Delivers one stream until it is caught up, fails, or the deadline comes: takes the lease,
 * reads a batch after the cursor (only entries older than the settle horizon), sends it signed
 * through the transport of the stream's kind (webhook, Pub/Sub, Storage), and moves the cursor only once the sink acknowledged it. Short backoffs are waited out inside
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
  const send = transport(sink, secret, options);
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
      const result = await send(
        {
          sinkId,
          tenantId: sink.tenantId,
          batchId,
          generation: sink.generation,
          positions: rows.map((r) => r.position),
          records: rows.map((r) => toSinkRecord(fromStored(r.data))),
        },
        { timeoutMs: policy.requestTimeoutMs, nowSeconds: Math.floor(now() / 1000) },
      );
      if (!result.ok) {
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
