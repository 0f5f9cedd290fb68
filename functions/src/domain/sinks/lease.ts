// One worker per stream at a time. The schedule, a "run now" from the console and a retry can all
// start a delivery of the same stream; two of them sending at once would interleave batches and
// break the order. A run takes a lease (owner and expiry) in a transaction before it reads, extends
// it with every batch it commits, and commits a batch only while it still holds the lease and the
// stream's generation (bumped by a replay) is the one it started with.

/** The lease on a stream, as stored. */
export interface SinkLease {
  owner: string;
  untilMs: number;
}

/** A stream's state as far as starting a run is concerned. */
export interface SinkRunState {
  status: 'active' | 'paused';
  lease: SinkLease | null;
  /** When the stream is backing off: the earliest next attempt (ms). */
  nextAttemptAtMs: number | null;
}

export type RunDecision = { run: true } | { run: false; reason: 'paused' | 'leased' | 'backing_off' };

/**
 * Whether `owner` may start delivering at `nowMs`. A lease held by another owner blocks until it
 * expires (a crashed run frees its stream then). `force` (an admin's "run now") skips a pending
 * backoff, never a pause or another run's lease.
 */
export function runDecision(state: SinkRunState, owner: string, nowMs: number, force = false): RunDecision {
  if (state.status === 'paused') return { run: false, reason: 'paused' };
  if (state.lease !== null && state.lease.owner !== owner && state.lease.untilMs > nowMs) {
    return { run: false, reason: 'leased' };
  }
  if (!force && state.nextAttemptAtMs !== null && state.nextAttemptAtMs > nowMs) {
    return { run: false, reason: 'backing_off' };
  }
  return { run: true };
}

/** Whether a run that started as `owner` at `generation` may still commit. */
export function mayCommit(
  stored: { lease: SinkLease | null; generation: number; status: 'active' | 'paused' } | null,
  owner: string,
  generation: number,
): boolean {
  return stored !== null && stored.lease?.owner === owner && stored.generation === generation;
}
