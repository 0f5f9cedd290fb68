import { FieldValue, Timestamp, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import {
  RATE_COUNTER_SHARDS,
  decideRate,
  leaseChunk,
  planReservation,
  rateWindowAt,
  settleReservation,
  spendLease,
  type BucketState,
  type RateBudgetName,
  type RateLimit,
  type RateVerdict,
  type RateWindow,
  type WindowCounts,
} from '../domain/api';
import { DEFAULT_TENANT_VIEW } from '../domain/tenant-view';
import { rateCounterRef } from './collections';
import type { TenantSettingsReader } from '../tenants/tenant-settings';
import { rateStoreUnavailable } from './logs';

/** Counters outlive the window after theirs (which reads them) by a day; a TTL policy on `expireAt` removes them. */
const COUNTER_RETENTION_MS = 24 * 3_600_000;

/** This instance's part of a tenant's current window. */
interface Lease {
  /** `windowMs:index` of the window the lease belongs to; a lease never outlives its window. */
  window: string;
  /** Events reserved in the shared counters and not yet spent by this instance. */
  leased: number;
  /** The last known `RateLimit-Remaining`, counted down as the lease is spent. */
  remaining: number;
  /** The previous window's count: it no longer grows, so it is read once per window. */
  previous?: number;
}

export type RateOutcome = RateVerdict & { limit: RateLimit };

/** Whose budget a request spends: the tenant's, or one key's within it. */
interface Slot {
  tenantId: string;
  /** Key of the instance-local state (lease, local bucket, queue). */
  key: string;
  /** Prefix of the counter documents: the budget name, plus the key id for per-key budgets. */
  counter: string;
}

const windowKey = (window: RateWindow) => `${window.windowMs}:${window.index}`;

/**
 * The per-tenant ingest limit of `POST /v1/events`, shared by all instances through sharded
 * window counters in `tenants/{t}/api_rate_limits/`. Why counters and leases rather than a
 * bucket in a transaction: see `functions/src/domain/api/rate-limit.ts`, which also holds every
 * decision; this adapter only reads, increments and keeps the instance's lease.
 *
 * When the counters cannot be read or written, the limiter fails open to an instance-local token
 * bucket with the tenant's rate: the events are audit evidence, and refusing them because the
 * limiter's bookkeeping failed would lose records a producer may never resend (if Firestore is
 * down for good, storing the events fails next and answers 503 anyway). The local bucket keeps
 * the rate bounded meanwhile, at most the tenant's rate per instance. No store failure becomes a
 * 500.
 */
export class RateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly localBuckets = new Map<string, BucketState>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Firestore,
    /** The tenant settings; a changed rate reaches new requests within its TTL. */
    private readonly tenants: TenantSettingsReader,
    private readonly clock: () => number = Date.now,
    private readonly random: () => number = Math.random,
    /** Which budget this limiter enforces; each has its own counters and limit. */
    private readonly budget: RateBudgetName = 'ingest',
  ) {}

  /** The tenant's configured rate for this budget (see `readBudgetLimit`) or the default. */
  async limitOf(tenantId: string): Promise<RateLimit> {
    try {
      return await this.tenants.rateLimit(tenantId, this.budget);
    } catch (err) {
      // Keep the last known rate (else the default) and ask again on the next request.
      rateStoreUnavailable(tenantId, 'settings', err);
      return this.tenants.lastKnownRateLimit(tenantId, this.budget) ?? DEFAULT_TENANT_VIEW.rates[this.budget];
    }
  }

  /**
   * Takes `cost` from the budget of the tenant (or, with `subject`, of that key of the tenant), or
   * says how long to wait; a refusal keeps nothing.
   */
  async consume(tenantId: string, cost: number, subject?: string): Promise<RateOutcome> {
    const limit = await this.limitOf(tenantId);
    const slot: Slot = {
      tenantId,
      key: subject === undefined ? tenantId : `${tenantId}/${subject}`,
      counter: subject === undefined ? this.budget : `${this.budget}-${subject}`,
    };
    const window = rateWindowAt(this.clock(), limit);
    const spent = this.fromLease(slot, window, cost);
    if (spent) return { ...spent, limit };
    // Requests of one instance that need the counters take turns, so one lease serves many of
    // them; without leases (tiny allowances) there is nothing to share and no reason to queue.
    const verdict =
      leaseChunk(window) > 0
        ? await this.inTurn(slot.key, () => this.acquire(slot, cost, limit))
        : await this.acquire(slot, cost, limit);
    return { ...verdict, limit };
  }

  private fromLease(slot: Slot, window: RateWindow, cost: number): RateVerdict | null {
    const lease = this.leases.get(slot.key);
    if (!lease || lease.window !== windowKey(window)) return null;
    const spent = spendLease(lease.leased, cost);
    if (!spent) return null;
    lease.leased = spent.leased;
    lease.remaining = Math.max(0, lease.remaining - cost);
    return { allowed: true, remaining: lease.remaining };
  }

  private leaseOf(slot: Slot, window: RateWindow): Lease {
    const key = windowKey(window);
    const lease = this.leases.get(slot.key);
    if (lease && lease.window === key) return lease;
    const fresh: Lease = { window: key, leased: 0, remaining: window.allowance };
    this.leases.set(slot.key, fresh);
    return fresh;
  }

  private async acquire(slot: Slot, cost: number, limit: RateLimit): Promise<RateVerdict> {
    // A request that waited its turn may find the lease refilled by the one before it.
    const window = rateWindowAt(this.clock(), limit);
    const spent = this.fromLease(slot, window, cost);
    if (spent) return spent;
    try {
      return await this.reserve(slot, cost, window, this.leaseOf(slot, window));
    } catch (err) {
      rateStoreUnavailable(slot.tenantId, 'reserve', err);
      return this.decideLocally(slot, cost, limit);
    }
  }

  private async reserve(slot: Slot, cost: number, window: RateWindow, lease: Lease): Promise<RateVerdict> {
    const { tenantId } = slot;
    const before = await this.readCounts(slot, window, lease);
    const plan = planReservation({ cost, leased: lease.leased, counts: before, nowMs: this.clock(), window });
    if (!plan.fits) return { allowed: false, retryAfterSeconds: plan.retryAfterSeconds, remaining: plan.remaining };

    const shard = rateCounterRef(
      this.db,
      tenantId,
      slot.counter,
      window.windowMs,
      window.index,
      Math.floor(this.random() * RATE_COUNTER_SHARDS),
    );
    await this.add(shard, window, plan.reserve);
    let after: WindowCounts;
    try {
      after = await this.readCounts(slot, window, lease);
    } catch (err) {
      // The reservation stands and the count before it had room: admit rather than refuse events that fit.
      rateStoreUnavailable(tenantId, 'verify', err);
      lease.leased = lease.leased + plan.reserve - cost;
      return { allowed: true, remaining: lease.remaining };
    }
    const settled = settleReservation({
      cost,
      leased: lease.leased,
      reserve: plan.reserve,
      extra: plan.extra,
      counts: after,
      nowMs: this.clock(),
      window,
    });
    if (settled.refund > 0) await this.refund(tenantId, shard, window, settled.refund);
    if (!settled.admitted) {
      return { allowed: false, retryAfterSeconds: settled.retryAfterSeconds, remaining: settled.remaining };
    }
    lease.leased = settled.leased;
    lease.remaining = settled.remaining;
    return { allowed: true, remaining: settled.remaining };
  }

  /** Sums the shards of the current window, and of the previous one unless already known. */
  private async readCounts(slot: Slot, window: RateWindow, lease: Lease): Promise<WindowCounts> {
    const shardsOf = (index: number) =>
      Array.from({ length: RATE_COUNTER_SHARDS }, (_, shard) =>
        rateCounterRef(this.db, slot.tenantId, slot.counter, window.windowMs, index, shard),
      );
    const refs = shardsOf(window.index);
    if (lease.previous === undefined) refs.push(...shardsOf(window.index - 1));
    const snaps = await this.db.getAll(...refs);
    const sum = (from: number, to: number) =>
      snaps.slice(from, to).reduce((total, snap) => {
        const events: unknown = snap.get('events');
        return total + (typeof events === 'number' ? events : 0);
      }, 0);
    lease.previous ??= sum(RATE_COUNTER_SHARDS, 2 * RATE_COUNTER_SHARDS);
    return { previous: lease.previous, current: sum(0, RATE_COUNTER_SHARDS) };
  }

  private async add(ref: DocumentReference, window: RateWindow, events: number): Promise<void> {
    await ref.set(
      {
        events: FieldValue.increment(events),
        windowStartMs: window.startMs,
        windowMs: window.windowMs,
        expireAt: Timestamp.fromMillis(window.startMs + 2 * window.windowMs + COUNTER_RETENTION_MS),
      },
      { merge: true },
    );
  }

  private async refund(tenantId: string, ref: DocumentReference, window: RateWindow, events: number): Promise<void> {
    try {
      await this.add(ref, window, -events);
    } catch (err) {
      // A refund that fails leaves the events counted: the tenant gets less this window, never more.
      rateStoreUnavailable(tenantId, 'refund', err);
    }
  }

  /** The fail-open path: this instance's own token bucket with the tenant's rate. */
  private decideLocally(slot: Slot, cost: number, limit: RateLimit): RateVerdict {
    const decision = decideRate(this.localBuckets.get(slot.key) ?? null, cost, this.clock(), limit);
    if (!decision.allowed) return decision;
    this.localBuckets.set(slot.key, decision.state);
    return { allowed: true, remaining: decision.remaining };
  }

  /** Runs `task` after every earlier task of the same slot on this instance has settled. */
  private async inTurn<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }
}
