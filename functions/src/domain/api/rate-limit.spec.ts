import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATE_LIMIT,
  DEFAULT_READ_RATE_LIMIT,
  RATE_WINDOW_BOUNDS_MS,
  decideRate,
  leaseChunk,
  planReservation,
  rateWindowAt,
  readBudgetLimit,
  readRateLimit,
  retryAfterFor,
  settleReservation,
  slidingEstimate,
  spendLease,
  tokensAt,
  type RateLimit,
  type RateWindow,
  type WindowCounts,
} from './rate-limit';

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

describe('tokensAt (the instance-local bucket)', () => {
  it('starts full, refills with time and never exceeds the burst', () => {
    expect(tokensAt(null, t0, limit)).toBe(100);
    expect(tokensAt({ tokens: 0, updatedAtMs: t0 }, t0 + 2_500, limit)).toBe(25);
    expect(tokensAt({ tokens: 90, updatedAtMs: t0 }, t0 + 60_000, limit)).toBe(100);
  });

  it('refills nothing when the clock is behind the last writer', () => {
    expect(tokensAt({ tokens: 5, updatedAtMs: t0 }, t0 - 10_000, limit)).toBe(5);
  });
});

describe('decideRate (the instance-local bucket)', () => {
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

// t0 is a multiple of 10 s and of 500 s, so windows of those lengths start at t0.
const at = (window: RateWindow, seconds: number) => window.startMs + seconds * 1000;
const defaultWindow = rateWindowAt(t0, DEFAULT_RATE_LIMIT);
const smallWindow = rateWindowAt(t0, limit);

describe('rateWindowAt', () => {
  it('is the time the bucket takes to refill, admitting the burst, aligned to the epoch', () => {
    expect(defaultWindow).toEqual({ index: t0 / 10_000, startMs: t0, windowMs: 10_000, allowance: 5_000 });
    expect(rateWindowAt(t0 + 9_999, DEFAULT_RATE_LIMIT).index).toBe(defaultWindow.index);
    expect(rateWindowAt(t0 + 10_000, DEFAULT_RATE_LIMIT).index).toBe(defaultWindow.index + 1);
    expect(rateWindowAt(t0, { eventsPerSecond: 3, burst: 7 })).toMatchObject({ windowMs: 2_333, allowance: 7 });
  });

  it('clamps the length and then keeps the rate: eventsPerSecond × length', () => {
    expect(rateWindowAt(t0, { eventsPerSecond: 1_000, burst: 10 })).toMatchObject({
      windowMs: RATE_WINDOW_BOUNDS_MS.min,
      allowance: 1_000,
    });
    const slow = rateWindowAt(t0, { eventsPerSecond: 0.000_001, burst: 10 });
    expect(slow.windowMs).toBe(RATE_WINDOW_BOUNDS_MS.max);
    expect(slow.allowance).toBeCloseTo(0.6048, 6);
  });
});

describe('slidingEstimate', () => {
  it('fades the previous window out as the current one runs', () => {
    const counts: WindowCounts = { previous: 100, current: 20 };
    expect(slidingEstimate(counts, at(smallWindow, 0), smallWindow)).toBe(120);
    expect(slidingEstimate(counts, at(smallWindow, 2.5), smallWindow)).toBe(95);
    expect(slidingEstimate(counts, at(smallWindow, 10), smallWindow)).toBe(20);
  });
});

describe('retryAfterFor', () => {
  it('waits for the previous window to fade when the current count leaves room', () => {
    // 100 previous, 20 current, 30 needed: 50 must fade, half of the previous window: 5 s.
    expect(retryAfterFor({ previous: 100, current: 20 }, 30, at(smallWindow, 0), smallWindow)).toBe(5);
    expect(retryAfterFor({ previous: 100, current: 20 }, 30, at(smallWindow, 4), smallWindow)).toBe(1);
  });

  it('waits into the next window when the current count alone is too high', () => {
    const window = rateWindowAt(t0, { eventsPerSecond: 0.01, burst: 3 });
    // 3 counted, 1 needed: a third of this window's count must fade in the next one.
    expect(retryAfterFor({ previous: 0, current: 3 }, 1, at(window, 10), window)).toBe(390);
  });

  it('never announces less than one second', () => {
    expect(retryAfterFor({ previous: 0, current: 0 }, 1, at(smallWindow, 3), smallWindow)).toBe(1);
  });
});

describe('planReservation', () => {
  const base = { leased: 0, nowMs: at(defaultWindow, 1), window: defaultWindow };

  it('reserves the cost plus a lease of a fiftieth of the allowance', () => {
    expect(leaseChunk(defaultWindow)).toBe(100);
    expect(planReservation({ ...base, cost: 5, counts: { previous: 0, current: 0 } })).toEqual({
      fits: true,
      reserve: 105,
      extra: 100,
    });
  });

  it('never leases beyond the room left, and pays first with what the lease holds', () => {
    expect(planReservation({ ...base, cost: 10, counts: { previous: 0, current: 4_950 } })).toEqual({
      fits: true,
      reserve: 50,
      extra: 40,
    });
    // 30 leased are part of the 4,990 counted: the others hold 4,960, leaving exactly 40.
    expect(planReservation({ ...base, leased: 30, cost: 40, counts: { previous: 0, current: 4_990 } })).toEqual({
      fits: true,
      reserve: 10,
      extra: 0,
    });
  });

  it('refuses what does not fit, with the wait and the events left', () => {
    const plan = planReservation({ ...base, cost: 5, counts: { previous: 0, current: 4_999 } });
    expect(plan).toMatchObject({ fits: false, remaining: 1 });
    if (plan.fits) throw new Error('expected a refusal');
    expect(plan.retryAfterSeconds).toBe(retryAfterFor({ previous: 0, current: 4_999 }, 5, base.nowMs, defaultWindow));
  });

  it('admits a batch larger than the allowance only when nobody else has load, paying it whole', () => {
    const nowMs = at(smallWindow, 1);
    const alone = planReservation({
      cost: 250,
      leased: 0,
      nowMs,
      window: smallWindow,
      counts: { previous: 0, current: 0 },
    });
    expect(alone).toEqual({ fits: true, reserve: 250, extra: 0 });
    const crowded = planReservation({
      cost: 250,
      leased: 0,
      nowMs,
      window: smallWindow,
      counts: { previous: 0, current: 1 },
    });
    // The whole allowance is needed: this window's count must fade completely in the next one.
    expect(crowded).toEqual({ fits: false, retryAfterSeconds: 19, remaining: 99 });
  });
});

describe('settleReservation', () => {
  const base = { cost: 5, leased: 0, reserve: 105, extra: 100, nowMs: at(defaultWindow, 1), window: defaultWindow };

  it('keeps the lease when the count with the reservation fits', () => {
    expect(settleReservation({ ...base, counts: { previous: 0, current: 105 } })).toEqual({
      admitted: true,
      refund: 0,
      leased: 100,
      remaining: 4_995,
    });
  });

  it('gives back as much of the new lease as the allowance is exceeded by', () => {
    expect(settleReservation({ ...base, counts: { previous: 0, current: 5_050 } })).toEqual({
      admitted: true,
      refund: 50,
      leased: 50,
      remaining: 50,
    });
  });

  it('refunds everything and refuses for a second when concurrent reservations took the room', () => {
    expect(settleReservation({ ...base, counts: { previous: 0, current: 5_200 } })).toEqual({
      admitted: false,
      refund: 105,
      retryAfterSeconds: 1,
      remaining: 0,
    });
  });
});

describe('spendLease', () => {
  it('spends from the lease only when it covers the whole cost', () => {
    expect(spendLease(10, 4)).toEqual({ leased: 6 });
    expect(spendLease(3, 4)).toBeNull();
  });
});

/** A small deterministic generator, so every schedule below is reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The adapter's protocol against one shared counter (shards only spread the writes; the sum is
 * what matters): read, plan, increment, read back, settle, refund. `run` interleaves the steps of
 * concurrent requests in a random order, the way independent instances meet in Firestore.
 */
function simulate(window: RateWindow, costs: readonly number[], random: () => number) {
  let counter = 0;
  const nowMs = at(window, 1);
  const admitted: number[] = [];
  const refused: number[] = [];
  const requests = costs.map((cost) => {
    let reserve = 0;
    let extra = 0;
    const steps = [
      () => {
        const plan = planReservation({ cost, leased: 0, counts: { previous: 0, current: counter }, nowMs, window });
        if (!plan.fits) {
          refused.push(cost);
          return true;
        }
        ({ reserve, extra } = plan);
        return false;
      },
      () => {
        counter += reserve;
        return false;
      },
      () => {
        const counts = { previous: 0, current: counter };
        const settled = settleReservation({ cost, leased: 0, reserve, extra, counts, nowMs, window });
        counter -= settled.refund;
        if (settled.admitted) admitted.push(cost + settled.leased);
        else refused.push(cost);
        return true;
      },
    ];
    return { steps, next: 0, done: false };
  });
  for (;;) {
    const live = requests.filter((r) => !r.done);
    if (live.length === 0) break;
    const request = live[Math.floor(random() * live.length)]!;
    request.done = request.steps[request.next++]!();
  }
  return { counter, admitted, refused };
}

describe('the reservation protocol under concurrency', () => {
  it('never admits more than the allowance, and refunds leave exactly what was admitted counted', () => {
    const tight = rateWindowAt(t0, { eventsPerSecond: 0.0001, burst: 5 });
    for (let seed = 1; seed <= 300; seed += 1) {
      const { counter, admitted, refused } = simulate(tight, Array(24).fill(1), prng(seed));
      expect(admitted.length + refused.length).toBe(24);
      expect(admitted.length).toBeLessThanOrEqual(5);
      expect(counter).toBe(admitted.length);
    }
  });

  it('holds a lease-taking tenant within its allowance too, leases included', () => {
    for (let seed = 1; seed <= 100; seed += 1) {
      const costs = Array.from({ length: 40 }, (_, i) => 1 + ((i * 37) % 200));
      const { counter, admitted } = simulate(defaultWindow, costs, prng(seed));
      const held = admitted.reduce((a, b) => a + b, 0);
      expect(held).toBeLessThanOrEqual(defaultWindow.allowance);
      expect(counter).toBe(held);
    }
  });

  it('fills the allowance exactly once the requests come one after another', () => {
    const tight = rateWindowAt(t0, { eventsPerSecond: 0.0001, burst: 5 });
    let counter = 0;
    const verdicts = Array.from({ length: 8 }, () => {
      const nowMs = at(tight, 1);
      const plan = planReservation({
        cost: 1,
        leased: 0,
        counts: { previous: 0, current: counter },
        nowMs,
        window: tight,
      });
      if (!plan.fits) return 'refused';
      counter += plan.reserve;
      const settled = settleReservation({
        cost: 1,
        leased: 0,
        ...plan,
        counts: { previous: 0, current: counter },
        nowMs,
        window: tight,
      });
      counter -= settled.refund;
      return settled.admitted ? 'admitted' : 'refused';
    });
    expect(verdicts).toEqual([...Array<string>(5).fill('admitted'), ...Array<string>(3).fill('refused')]);
  });
});

describe('the sliding window over time', () => {
  it('holds the long-run rate: one requester every 10 ms for 100 s at 10/s admits about 1,000', () => {
    // One instance with leases, requests of one event; the counter of each window kept by index.
    const counters = new Map<number, number>();
    let lease = { index: -1, leased: 0, previous: 0 };
    let admitted = 0;
    for (let ms = 0; ms < 100_000; ms += 10) {
      const nowMs = t0 + ms;
      const window = rateWindowAt(nowMs, limit);
      if (lease.index !== window.index) {
        lease = { index: window.index, leased: 0, previous: counters.get(window.index - 1) ?? 0 };
      }
      const spent = spendLease(lease.leased, 1);
      if (spent) {
        lease.leased = spent.leased;
        admitted += 1;
        continue;
      }
      const counts = () => ({ previous: lease.previous, current: counters.get(window.index) ?? 0 });
      const plan = planReservation({ cost: 1, leased: lease.leased, counts: counts(), nowMs, window });
      if (!plan.fits) continue;
      counters.set(window.index, counts().current + plan.reserve);
      const settled = settleReservation({ cost: 1, leased: lease.leased, ...plan, counts: counts(), nowMs, window });
      counters.set(window.index, counts().current - settled.refund);
      if (settled.admitted) {
        lease.leased = settled.leased;
        admitted += 1;
      }
    }
    // A token bucket admits 100 + 10 × 100 = 1,100 here. The sliding window admits 100 per
    // window-long view: ten windows' worth, less a little at the edges, and never the bucket's more.
    expect(admitted).toBeGreaterThanOrEqual(950);
    expect(admitted).toBeLessThanOrEqual(1_100);
  });
});

describe('readBudgetLimit', () => {
  it('gives each key half the tenant rate and burst unless api.keyRateLimit says otherwise', () => {
    const doc = { api: { rateLimit: { eventsPerSecond: 100, burst: 1001 } } };
    expect(readBudgetLimit(doc, 'key').rateLimit).toEqual({ eventsPerSecond: 50, burst: 501 });
    const own = { api: { ...doc.api, keyRateLimit: { eventsPerSecond: 10, burst: 20 } } };
    expect(readBudgetLimit(own, 'key').rateLimit).toEqual({ eventsPerSecond: 10, burst: 20 });
  });

  it('reads have their own budget in requests, with a default, and a malformed one falls back', () => {
    expect(readBudgetLimit({}, 'read').rateLimit).toEqual(DEFAULT_READ_RATE_LIMIT);
    const bad = readBudgetLimit({ api: { readRateLimit: { burst: -1 } } }, 'read');
    expect(bad.rateLimit).toEqual(DEFAULT_READ_RATE_LIMIT);
    expect(bad.problems.length).toBeGreaterThan(0);
  });
});
