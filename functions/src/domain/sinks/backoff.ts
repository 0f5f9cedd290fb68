import { attemptOutcome, retryDelayMs, type AttemptResult, type RetryPolicy } from '../alerts';

// A stream never gives up on an entry: skipping one would break "every entry, at least once, in
// order". A failing sink is retried with exponential backoff and jitter, capped; the failure is
// kept on the stream for the health view, and the tenant's admin decides (fix the receiver, pause,
// delete). Only this stream waits: its backoff is its own, so other streams run as usual.

/** Backoff of one stream's deliveries. */
export interface SinkRetryPolicy {
  /** Wait after the first failure. */
  firstDelayMs: number;
  /** Each further wait is this many times longer... */
  factor: number;
  /** ...up to this; refused deliveries (4xx, blocked destinations) wait this long at once. */
  maxDelayMs: number;
  /** Waits up to this long happen inside the run; longer ones end the run until they fall due. */
  inlineMaxDelayMs: number;
  /** A request that takes longer counts as failed. */
  requestTimeoutMs: number;
}

/** 0.5 s, 2 s, 8 s, 32 s, ~2 min, ~8.5 min, then every 10 min. */
export const SINK_RETRY_POLICY: SinkRetryPolicy = {
  firstDelayMs: 500,
  factor: 4,
  maxDelayMs: 600_000,
  inlineMaxDelayMs: 2_000,
  requestTimeoutMs: 10_000,
};

/** What the stream records after a failed attempt. */
export interface SinkFailure {
  consecutiveFailures: number;
  /** `HTTP 503`, `timeout`, `network error`, `blocked_destination`: never a response body. */
  message: string;
  /** Whether retrying can help without a change on the receiver's side. */
  retryable: boolean;
  delayMs: number;
  nextAttemptAtMs: number;
  /** The wait is short enough to happen inside the current run. */
  inline: boolean;
}

/** A failed send as a transport that is not HTTP reports it: a short kind of error, and whether a retry can help. */
export interface SendFailure {
  message: string;
  retryable: boolean;
}

/** What a transport answers for one batch: acknowledged, or why not. */
export type SendResult = { ok: true } | ({ ok: false } & SendFailure);

/** An HTTP attempt's result as a send result (`HTTP 503`, `timeout`, `blocked_destination`). */
export function sendResultOf(result: AttemptResult): SendResult {
  const outcome = attemptOutcome(result);
  if (outcome === 'ok') return { ok: true };
  const message = result.status !== undefined ? `HTTP ${result.status}` : (result.error ?? 'network error');
  return { ok: false, message, retryable: outcome === 'retryable' };
}

/**
 * The state after a failed attempt (an HTTP result, or a transport's {@link SendFailure}), given
 * the failures before it. `random` in [0, 1) spreads the
 * wait by ±20% so streams failing together (one receiver down for many tenants) do not return at
 * the same instant.
 */
export function afterSinkFailure(
  previousFailures: number,
  result: AttemptResult | SendFailure,
  nowMs: number,
  policy: SinkRetryPolicy = SINK_RETRY_POLICY,
  random = 0.5,
): SinkFailure {
  const failure = 'retryable' in result ? { ok: false as const, ...result } : sendResultOf(result);
  if (failure.ok) throw new Error('afterSinkFailure called with a successful attempt');
  const consecutiveFailures = previousFailures + 1;
  const { retryable, message } = failure;
  const asRetry: RetryPolicy = { ...policy, maxAttempts: Number.MAX_SAFE_INTEGER };
  const delayMs = retryable
    ? retryDelayMs(consecutiveFailures, asRetry, random)
    : Math.round(policy.maxDelayMs * (0.8 + 0.4 * random));
  return {
    consecutiveFailures,
    message,
    retryable,
    delayMs,
    nextAttemptAtMs: nowMs + delayMs,
    inline: retryable && delayMs <= policy.inlineMaxDelayMs,
  };
}
