import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, decideRate, readRateLimit, tokensAt, type RateLimit } from './rate-limit';

const limit: RateLimit = { eventsPerSecond: 10, burst: 100 };
const t0 = 1_700_000_000_000;

describe('readRateLimit', () => {
  it('defaults a bare tenant document', () => {
    expect(readRateLimit({ name: 'x' })).toEqual({ rateLimit: DEFAULT_RATE_LIMIT, problems: [] });
    expect(readRateLimit(undefined).rateLimit).toEqual(DEFAULT_RATE_LIMIT);
  });

  it('reads api.rateLimit and fills the missing half', () => {
    expect(readRateLimit({ api: { rateLimit: { eventsPerSecond: 2 } } }).rateLimit).toEqual({
      eventsPerSecond: 2,
      burst: DEFAULT_RATE_LIMIT.burst,
    });
  });

  it('falls back to the default and reports a malformed value', () => {
    const { rateLimit, problems } = readRateLimit({ api: { rateLimit: { eventsPerSecond: -1, burst: 'lots' } } });
    expect(rateLimit).toEqual(DEFAULT_RATE_LIMIT);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['api.rateLimit.eventsPerSecond', 'api.rateLimit.burst']);
  });
});

describe('tokensAt', () => {
  it('starts full, refills with time and never exceeds the burst', () => {
    expect(tokensAt(null, t0, limit)).toBe(100);
    expect(tokensAt({ tokens: 0, updatedAtMs: t0 }, t0 + 2_500, limit)).toBe(25);
    expect(tokensAt({ tokens: 90, updatedAtMs: t0 }, t0 + 60_000, limit)).toBe(100);
  });

  it('refills nothing when the clock is behind the last writer', () => {
    expect(tokensAt({ tokens: 5, updatedAtMs: t0 }, t0 - 10_000, limit)).toBe(5);
  });
});

describe('decideRate', () => {
  it('admits within the burst and takes the cost', () => {
    expect(decideRate(null, 40, t0, limit)).toEqual({
      allowed: true,
      state: { tokens: 60, updatedAtMs: t0 },
      remaining: 60,
    });
  });

  it('refuses when the bucket is short, with whole seconds to wait, and takes nothing', () => {
    const decision = decideRate({ tokens: 5, updatedAtMs: t0 }, 30, t0, limit);
    // 25 missing tokens at 10/s: 2.5 s, rounded up.
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 3, remaining: 5 });
  });

  it('is admitted after waiting the announced time', () => {
    const state = { tokens: 5, updatedAtMs: t0 };
    const refused = decideRate(state, 30, t0, limit);
    if (refused.allowed) throw new Error('expected a refusal');
    expect(decideRate(state, 30, t0 + refused.retryAfterSeconds * 1000, limit).allowed).toBe(true);
  });

  it('admits a batch larger than the burst once the bucket is full, then throttles by the debt', () => {
    const big = decideRate(null, 250, t0, limit);
    expect(big).toMatchObject({ allowed: true, state: { tokens: -150 }, remaining: 0 });
    if (!big.allowed) throw new Error('expected admission');
    // 151 tokens missing for one more event: 15.1 s → 16 s.
    expect(decideRate(big.state, 1, t0, limit)).toEqual({ allowed: false, retryAfterSeconds: 16, remaining: 0 });
  });

  it('never announces less than one second', () => {
    const decision = decideRate({ tokens: 0.95, updatedAtMs: t0 }, 1, t0, { eventsPerSecond: 1000, burst: 10 });
    expect(decision).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('holds the long-run rate: over 10 s at 10/s it admits the burst plus 100, less at most one', () => {
    let state = null as { tokens: number; updatedAtMs: number } | null;
    let admitted = 0;
    for (let ms = 0; ms <= 10_000; ms += 10) {
      const d = decideRate(state, 1, t0 + ms, limit);
      if (d.allowed) {
        state = d.state;
        admitted += 1;
      }
    }
    // Refill is continuous, so the last event may fall a float's width short of its token.
    expect(admitted).toBeGreaterThanOrEqual(199);
    expect(admitted).toBeLessThanOrEqual(200);
  });
});
