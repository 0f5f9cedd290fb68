/** How failed sends are retried: capped exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Delay before the second attempt, before jitter. */
  initialDelayMs: number;
  /** Upper bound of any one delay. */
  maxDelayMs: number;
}

/** The longest server-requested delay honoured; beyond it the caller is better off failing. */
const MAX_SERVER_DELAY_MS = 60_000;

/**
 * Eight attempts over about half a minute of backoff (plus each attempt's own timeout): long enough
 * to ride out a server that stops accepting connections for a while under a burst, short enough
 * that a producer whose endpoint is really gone hears about it within minutes.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, initialDelayMs: 250, maxDelayMs: 30_000 };

/** What a retry loop needs from the outside; injected so tests control time and chance. */
export interface RetryDeps {
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realRetryDeps: RetryDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The verdict on one failure: give up, or retry (optionally no sooner than `afterMs`). */
export type RetryVerdict = { retry: false } | { retry: true; afterMs?: number };

/**
 * Runs `attempt` until it succeeds, `classify` says a failure is permanent, or the attempts run
 * out; the last error is rethrown. Full jitter spreads the retries of many producers that failed
 * together, so they do not come back in lockstep.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  classify: (err: unknown) => RetryVerdict,
  policy: RetryPolicy = DEFAULT_RETRY,
  deps: RetryDeps = realRetryDeps,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const verdict = classify(err);
      if (!verdict.retry || n >= policy.maxAttempts) throw err;
      const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (n - 1));
      // A server that names its own delay (Retry-After) knows best, within reason.
      const delay =
        verdict.afterMs !== undefined
          ? Math.min(verdict.afterMs, MAX_SERVER_DELAY_MS)
          : Math.floor(deps.random() * ceiling);
      await deps.sleep(delay);
    }
  }
}
