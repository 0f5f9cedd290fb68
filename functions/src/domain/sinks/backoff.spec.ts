import { describe, expect, it } from 'vitest';
import { afterSinkFailure, SINK_RETRY_POLICY } from './backoff';

describe('stream backoff', () => {
  it('grows exponentially with the failures in a row, with ±20% jitter, up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => afterSinkFailure(n - 1, { status: 503 }, 0).delayMs);
    expect(delays).toEqual([500, 2000, 8000, 32000, 128000, 512000, 600000, 600000]);
    expect(afterSinkFailure(0, { status: 503 }, 0, SINK_RETRY_POLICY, 0).delayMs).toBe(400);
    expect(afterSinkFailure(0, { status: 503 }, 0, SINK_RETRY_POLICY, 0.999).delayMs).toBe(600);
  });

  it('records the failure kind, the count and the next attempt; short waits stay inside the run', () => {
    const first = afterSinkFailure(0, { error: 'timeout' }, 10_000);
    expect(first).toEqual({
      consecutiveFailures: 1,
      message: 'timeout',
      retryable: true,
      delayMs: 500,
      nextAttemptAtMs: 10_500,
      inline: true,
    });
    expect(afterSinkFailure(2, { status: 500 }, 0).inline).toBe(false);
  });

  it('waits the longest for a refusal (4xx, blocked destination) but never drops the entries', () => {
    const refused = afterSinkFailure(0, { status: 401 }, 0);
    expect(refused).toMatchObject({ retryable: false, delayMs: 600_000, inline: false, message: 'HTTP 401' });
    expect(afterSinkFailure(0, { error: 'blocked_destination' }, 0).retryable).toBe(false);
  });

  it('refuses to record a success as a failure', () => {
    expect(() => afterSinkFailure(0, { status: 200 }, 0)).toThrow(/successful attempt/);
  });
});
