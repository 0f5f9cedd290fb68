import type { Firestore } from 'firebase-admin/firestore';
import { decideRate, readRateLimit, type BucketState, type RateDecision, type RateLimit } from '../domain/api';
import { rateLimitSettingsInvalid } from './logs';
import { rateBucketRef, tenantRef } from './collections';

/**
 * The per-tenant token bucket of `POST /v1/events`, kept in `tenants/{t}/api_rate_limits/ingest`
 * and updated in a transaction so concurrent requests (on any number of instances) share one
 * budget. The decision itself is the pure `decideRate`; this adapter only reads and writes.
 */
export class RateLimiter {
  private readonly limits = new Map<string, { limit: RateLimit; expires: number }>();

  constructor(
    private readonly db: Firestore,
    private readonly clock: () => number = Date.now,
    /** A changed rate in the tenant document reaches new requests within this time. */
    private readonly settingsTtlMs = 30_000,
  ) {}

  /** The tenant's configured rate (`api.rateLimit` of the tenant document) or the default. */
  async limitOf(tenantId: string): Promise<RateLimit> {
    const hit = this.limits.get(tenantId);
    if (hit && hit.expires > this.clock()) return hit.limit;
    const snap = await tenantRef(this.db, tenantId).get();
    const { rateLimit, problems } = readRateLimit(snap.data());
    if (problems.length > 0) rateLimitSettingsInvalid(tenantId, problems);
    this.limits.set(tenantId, { limit: rateLimit, expires: this.clock() + this.settingsTtlMs });
    return rateLimit;
  }

  /** Takes `cost` events from the tenant's bucket, or says how long to wait; a refusal writes nothing. */
  async consume(tenantId: string, cost: number): Promise<RateDecision & { limit: RateLimit }> {
    const limit = await this.limitOf(tenantId);
    const ref = rateBucketRef(this.db, tenantId);
    const decision = await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const state = snap.exists ? toState(snap.data()) : null;
      const result = decideRate(state, cost, this.clock(), limit);
      if (result.allowed) tx.set(ref, result.state);
      return result;
    });
    return { ...decision, limit };
  }
}

function toState(data: unknown): BucketState | null {
  const record = (data ?? {}) as Record<string, unknown>;
  const { tokens, updatedAtMs } = record;
  return typeof tokens === 'number' && typeof updatedAtMs === 'number' ? { tokens, updatedAtMs } : null;
}
