import { z } from 'zod';

/**
 * Per-tenant ingest rate of the HTTP API, as a token bucket counted in events (a batch of 200
 * costs 200): `eventsPerSecond` refill the bucket up to `burst`. Read from the tenant document's
 * `api.rateLimit` field; every field has a default, so a bare tenant document works.
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
    problems: result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
  };
}

/** What the store keeps per tenant: tokens left (negative while a large batch is paid off) and when. */
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
