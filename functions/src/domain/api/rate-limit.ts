import { z } from 'zod';
import { issueLines } from '@audit-log/model';

/**
 * Per-tenant ingest rate of the HTTP API, counted in events (a batch of 200 costs 200): at most
 * `burst` events at once and `eventsPerSecond` on average. Read from the tenant document's
 * `api.rateLimit` field; every field has a default, so a bare tenant document works. Shared by
 * all instances, it is enforced as a sliding window (`rateWindowAt`, below); one instance alone
 * enforces it as a token bucket (`decideRate`) while the shared counters are unreachable.
 */
export const rateLimitSchema = z.object({
  eventsPerSecond: z.number().positive().max(1_000_000).default(500),
  burst: z.number().int().min(1).max(10_000_000).default(5_000),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

export const DEFAULT_RATE_LIMIT: RateLimit = rateLimitSchema.parse({});

const tenantApiSettingsSchema = z.object({
  api: z.object({ rateLimit: rateLimitSchema.default(DEFAULT_RATE_LIMIT) }).default({ rateLimit: DEFAULT_RATE_LIMIT }),
});

/**
 * The rate limit of a tenant document. A malformed value must not lock a tenant out (nor lift
 * its limit), so it falls back to the default and reports the problems for the operator's log.
 */
export function readRateLimit(tenantDoc: unknown): { rateLimit: RateLimit; problems: string[] } {
  const result = tenantApiSettingsSchema.safeParse(tenantDoc ?? {});
  if (result.success) return { rateLimit: result.data.api.rateLimit, problems: [] };
  return {
    rateLimit: DEFAULT_RATE_LIMIT,
    problems: issueLines(result.error.issues),
  };
}

/** The budgets of the HTTP API, each counted in its own window counters. */
export type RateBudgetName = 'ingest' | 'key' | 'read';

/**
 * Default read budget of `GET /v1/events`, counted in requests (one page each): generous for a
 * consumer paging through the log, small enough that a leaked read key cannot hammer the store.
 */
export const DEFAULT_READ_RATE_LIMIT: RateLimit = { eventsPerSecond: 10, burst: 100 };

const apiFieldSchema = (field: string) =>
  z.object({ api: z.object({ [field]: rateLimitSchema.optional() }).optional() });

function readApiRate(
  tenantDoc: unknown,
  field: 'keyRateLimit' | 'readRateLimit',
): { rateLimit?: RateLimit; problems: string[] } {
  const result = apiFieldSchema(field).safeParse(tenantDoc ?? {});
  if (!result.success) {
    return { problems: issueLines(result.error.issues) };
  }
  const api = result.data.api;
  const rateLimit = api?.[field];
  return rateLimit !== undefined ? { rateLimit, problems: [] } : { problems: [] };
}

/**
 * The limit of one budget for a tenant document:
 * - `ingest`: the tenant's `api.rateLimit`, shared by all its keys;
 * - `key`: each key's own share of ingest, `api.keyRateLimit`, by default half the tenant's rate
 *   and burst, so one key (a runaway or compromised producer) can never take the whole budget;
 * - `read`: `api.readRateLimit` in requests, per tenant, apart from ingest.
 * A malformed value falls back to the default, like the ingest limit.
 */
export function readBudgetLimit(
  tenantDoc: unknown,
  budget: RateBudgetName,
): { rateLimit: RateLimit; problems: string[] } {
  if (budget === 'ingest') return readRateLimit(tenantDoc);
  if (budget === 'read') {
    const read = readApiRate(tenantDoc, 'readRateLimit');
    return { rateLimit: read.rateLimit ?? DEFAULT_READ_RATE_LIMIT, problems: read.problems };
  }
  const tenant = readRateLimit(tenantDoc);
  const key = readApiRate(tenantDoc, 'keyRateLimit');
  const half: RateLimit = {
    eventsPerSecond: tenant.rateLimit.eventsPerSecond / 2,
    burst: Math.max(1, Math.ceil(tenant.rateLimit.burst / 2)),
  };
  return { rateLimit: key.rateLimit ?? half, problems: [...tenant.problems, ...key.problems] };
}

/** An instance-local token bucket: tokens left (negative while a large batch is paid off) and when. */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export type RateDecision =
  | { allowed: true; state: BucketState; remaining: number }
  | { allowed: false; retryAfterSeconds: number; remaining: number };

/** The bucket's tokens at `nowMs`: refilled for the time elapsed, never above `burst`. */
export function tokensAt(state: BucketState | null, nowMs: number, limit: RateLimit): number {
  if (!state) return limit.burst;
  // Instances' clocks differ a little; a clock behind the last writer refills nothing.
  const elapsedMs = Math.max(0, nowMs - state.updatedAtMs);
  return Math.min(limit.burst, state.tokens + (elapsedMs / 1000) * limit.eventsPerSecond);
}

/**
 * Decides whether a request of `cost` events may proceed. A request is admitted when the bucket
 * holds at least `min(cost, burst)` tokens and then pays its whole cost, possibly going into
 * debt: a batch larger than the burst is still admitted once the bucket is full, and the debt
 * throttles what follows, so the long-run rate holds either way. A refusal costs nothing and says
 * how many whole seconds until the same request would be admitted.
 */
export function decideRate(state: BucketState | null, cost: number, nowMs: number, limit: RateLimit): RateDecision {
  const tokens = tokensAt(state, nowMs, limit);
  const needed = Math.min(cost, limit.burst);
  if (tokens >= needed) {
    const left = tokens - cost;
    return { allowed: true, state: { tokens: left, updatedAtMs: nowMs }, remaining: Math.max(0, Math.floor(left)) };
  }
  const retryAfterSeconds = Math.max(1, Math.ceil((needed - tokens) / limit.eventsPerSecond));
  return { allowed: false, retryAfterSeconds, remaining: Math.max(0, Math.floor(tokens)) };
}

// ---------------------------------------------------------------------------------------------
// The shared limit: sliding-window counters, reserved in leases.
//
// The first design kept one token bucket document per tenant and updated it in a transaction.
// Every request of a tenant then locked the same document, so a dozen concurrent requests queued
// on its lock until transactions failed with ABORTED ("Transaction lock timeout") and the API
// answered 500; Firestore also sustains only about one write per second on one document. A token
// bucket cannot be kept without read-modify-write (its refill is capped at the burst), so the
// shared limit is a sliding window of counters that only ever grow by atomic increments:
//
// - Time is cut into windows of `burst / eventsPerSecond` seconds, the time a token bucket takes
//   to refill, each admitting `burst` events. The load at an instant is the current window's count
//   plus the previous window's count weighted by the part of it still inside a window-long view
//   back from now (the estimate nginx and Cloudflare use). Like the bucket it admits `burst` at
//   once and `eventsPerSecond` on average; unlike it, it is approximate at window edges.
// - A window's count is spread over RATE_COUNTER_SHARDS documents. A request reserves by adding to
//   one shard at random (`FieldValue.increment`, no transaction: nothing to lock, nothing to
//   abort), reads the shards back, and refunds what does not fit. Checking after reserving is what
//   stops concurrent requests from all passing on one stale count; the read before reserving only
//   spares a tenant that is clearly over its rate any write at all.
// - An instance reserves a lease of `leaseChunk` events beyond the request's own cost and admits
//   its next requests from it in memory. A tenant at full rate then costs about fifty reservations
//   per window however its requests are spread, a few writes per second over eight documents.

/** Documents one window's count is spread over; see the comment above for the write budget. */
export const RATE_COUNTER_SHARDS = 8;

/** Windows are never shorter (one counter set per second at most) nor longer than this. */
export const RATE_WINDOW_BOUNDS_MS = { min: 1_000, max: 7 * 24 * 3_600_000 } as const;

/** An instance leases this share of a window's allowance at a time. */
const LEASE_SHARE = 1 / 50;

/** One window of the shared limit. */
export interface RateWindow {
  /** Windows since the epoch; with `windowMs` it names the window's counter documents. */
  index: number;
  startMs: number;
  windowMs: number;
  /** Events the window admits: the burst, or `eventsPerSecond` × length when the length is clamped. */
  allowance: number;
}

/** The window of the shared limit that holds `nowMs`. */
export function rateWindowAt(nowMs: number, limit: RateLimit): RateWindow {
  const naturalMs = (limit.burst / limit.eventsPerSecond) * 1000;
  const windowMs = Math.round(Math.min(RATE_WINDOW_BOUNDS_MS.max, Math.max(RATE_WINDOW_BOUNDS_MS.min, naturalMs)));
  const clamped = naturalMs < RATE_WINDOW_BOUNDS_MS.min || naturalMs > RATE_WINDOW_BOUNDS_MS.max;
  const index = Math.floor(nowMs / windowMs);
  return {
    index,
    startMs: index * windowMs,
    windowMs,
    allowance: clamped ? (limit.eventsPerSecond * windowMs) / 1000 : limit.burst,
  };
}

/** Events counted in the previous and in the current window, every shard summed. */
export interface WindowCounts {
  previous: number;
  current: number;
}

/** The sliding estimate of the load at `nowMs`: the previous window fades out as this one runs. */
export function slidingEstimate(counts: WindowCounts, nowMs: number, window: RateWindow): number {
  const elapsed = Math.min(1, Math.max(0, (nowMs - window.startMs) / window.windowMs));
  return counts.previous * (1 - elapsed) + counts.current;
}

/** Events an instance reserves beyond a request's cost, to admit the next requests in memory. */
export function leaseChunk(window: RateWindow): number {
  return Math.floor(window.allowance * LEASE_SHARE);
}

/**
 * Whole seconds (at least one) until the estimate leaves room for `needed` events, if nothing
 * else is reserved meanwhile: first the previous window's weight fades; if this window's count
 * alone is too high, it must fade as the previous window of the next one.
 */
export function retryAfterFor(counts: WindowCounts, needed: number, nowMs: number, window: RateWindow): number {
  const { startMs, windowMs } = window;
  const room = Math.max(0, window.allowance - needed);
  let atMs: number;
  if (counts.current <= room) {
    atMs = counts.previous > 0 ? startMs + windowMs * (1 - (room - counts.current) / counts.previous) : nowMs;
  } else {
    atMs = startMs + windowMs + windowMs * (1 - room / counts.current);
  }
  return Math.max(1, Math.ceil((atMs - nowMs) / 1000));
}

/** What a request is told: admitted, or refused with the whole seconds to wait. */
export type RateVerdict =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number; remaining: number };

/** A request that needs the shared counters: its cost, this instance's unspent lease, the counts read. */
export interface ReservationInput {
  cost: number;
  /** Events this instance reserved earlier in the window and has not spent; less than `cost`. */
  leased: number;
  /** As read; they include `leased`. */
  counts: WindowCounts;
  nowMs: number;
  window: RateWindow;
}

export type ReservationPlan =
  { fits: true; reserve: number; extra: number } | { fits: false; retryAfterSeconds: number; remaining: number };

function remainingOf(estimate: number, window: RateWindow): number {
  return Math.max(0, Math.floor(window.allowance - estimate));
}

/**
 * The check before reserving. A request fits when the load of others (everything but this
 * instance's lease) leaves room for its cost; a batch larger than the whole allowance fits only
 * when nobody else has load, and then pays in full, so it throttles what follows (as the token
 * bucket's debt did). A request that fits reserves what the lease lacks plus a new lease, never
 * more than the room left.
 */
export function planReservation({ cost, leased, counts, nowMs, window }: ReservationInput): ReservationPlan {
  const others = slidingEstimate(counts, nowMs, window) - leased;
  const oversized = cost > window.allowance;
  if (oversized ? others > 0 : others + cost > window.allowance) {
    const othersCounts = { previous: counts.previous, current: Math.max(0, counts.current - leased) };
    return {
      fits: false,
      retryAfterSeconds: retryAfterFor(othersCounts, Math.min(cost, window.allowance), nowMs, window),
      remaining: remainingOf(others, window),
    };
  }
  const room = Math.floor(window.allowance - others - cost);
  const extra = oversized ? 0 : Math.max(0, Math.min(leaseChunk(window), room));
  return { fits: true, reserve: cost - leased + extra, extra };
}

/** The check after reserving: the plan, and the counts read back (they include the reservation). */
export interface SettleInput extends ReservationInput {
  reserve: number;
  extra: number;
}

export type Settlement =
  | { admitted: true; refund: number; leased: number; remaining: number }
  | { admitted: false; refund: number; retryAfterSeconds: number; remaining: number };

/**
 * Admits the request when the count with its reservation stays within the allowance, giving back
 * as much of the new lease as the allowance is exceeded by. Otherwise concurrent requests took the
 * room: the whole reservation is refunded and the request refused for one second, since the others'
 * refunds may free room at once (a refusal after a full count gets the exact wait at the next try).
 */
export function settleReservation(input: SettleInput): Settlement {
  const { cost, leased, reserve, extra, counts, nowMs, window } = input;
  const estimate = slidingEstimate(counts, nowMs, window);
  const held = leased + reserve;
  const oversized = cost > window.allowance;
  const over = oversized ? estimate - held : estimate - window.allowance;
  if (over <= 0 || (!oversized && over <= extra)) {
    const refund = over <= 0 ? 0 : Math.min(extra, Math.ceil(over));
    const left = held - cost - refund;
    return { admitted: true, refund, leased: left, remaining: remainingOf(estimate - refund - left, window) };
  }
  return { admitted: false, refund: reserve, retryAfterSeconds: 1, remaining: remainingOf(estimate - reserve, window) };
}

/** Spends `cost` events of an instance's lease, or returns null when the lease holds fewer. */
export function spendLease(leased: number, cost: number): { leased: number } | null {
  return leased >= cost ? { leased: leased - cost } : null;
}
