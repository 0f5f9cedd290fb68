import { describe, expect, it } from 'vitest';
import { withRetry, type RetryDeps, type RetryPolicy } from './retry';

const policy: RetryPolicy = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 250 };

/** Records the delays instead of waiting; `random` at its maximum shows the jitter ceiling. */
function recorder(random = 0.999): RetryDeps & { delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => random };
}

/** An operation that fails `failures` times, then succeeds with its attempt number. */
function flaky(failures: number, error: () => Error = () => new Error('unavailable')) {
  let calls = 0;
  const run = (n: number) => {
    calls++;
    return calls <= failures ? Promise.reject(error()) : Promise.resolve(n);
  };
  return { run, calls: () => calls };
}

describe('withRetry', () => {
  it('retries transient failures until an attempt succeeds', async () => {
    const deps = recorder();
    const op = flaky(2);
    await expect(withRetry(op.run, () => ({ retry: true }), policy, deps)).resolves.toBe(3);
    expect(op.calls()).toBe(3);
  });

  it('backs off exponentially with full jitter, capped at the maximum delay', async () => {
    const high = recorder(0.999);
    await expect(withRetry(flaky(9).run, () => ({ retry: true }), policy, high)).rejects.toThrow('unavailable');
    expect(high.delays).toEqual([99, 199, 249]);
    const low = recorder(0);
    await expect(withRetry(flaky(9).run, () => ({ retry: true }), policy, low)).rejects.toThrow('unavailable');
    expect(low.delays).toEqual([0, 0, 0]);
  });

  it('gives up after the last attempt and rethrows the last error', async () => {
    let n = 0;
    const op = flaky(10, () => new Error(`failure ${++n}`));
    await expect(withRetry(op.run, () => ({ retry: true }), policy, recorder())).rejects.toThrow('failure 4');
    expect(op.calls()).toBe(policy.maxAttempts);
  });

  it('never retries a permanent failure', async () => {
    const op = flaky(1, () => new Error('not found'));
    await expect(withRetry(op.run, () => ({ retry: false }), policy, recorder())).rejects.toThrow('not found');
    expect(op.calls()).toBe(1);
  });

  it('waits as long as the server asks, up to a minute', async () => {
    const deps = recorder();
    const delays = [3_000, 120_000];
    let i = 0;
    await withRetry(flaky(2).run, () => ({ retry: true, afterMs: delays[i++] }), policy, deps);
    expect(deps.delays).toEqual([3_000, 60_000]);
  });
});
