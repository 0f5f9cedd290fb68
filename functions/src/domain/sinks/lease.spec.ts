import { describe, expect, it } from 'vitest';
import { mayCommit, runDecision, type SinkRunState } from './lease';

const idle: SinkRunState = { status: 'active', lease: null, nextAttemptAtMs: null };

describe('stream leases', () => {
  it('lets a run start on an idle stream, and the same owner again', () => {
    expect(runDecision(idle, 'w1', 0)).toEqual({ run: true });
    expect(runDecision({ ...idle, lease: { owner: 'w1', untilMs: 100 } }, 'w1', 50)).toEqual({ run: true });
  });

  it('keeps a second worker out while the lease holds, and lets it in once the lease expired', () => {
    const leased = { ...idle, lease: { owner: 'w1', untilMs: 100 } };
    expect(runDecision(leased, 'w2', 99)).toEqual({ run: false, reason: 'leased' });
    expect(runDecision(leased, 'w2', 99, true)).toEqual({ run: false, reason: 'leased' });
    expect(runDecision(leased, 'w2', 100)).toEqual({ run: true });
  });

  it('never runs a paused stream, and waits for a backoff unless forced', () => {
    expect(runDecision({ ...idle, status: 'paused' }, 'w', 0, true)).toEqual({ run: false, reason: 'paused' });
    const backingOff = { ...idle, nextAttemptAtMs: 500 };
    expect(runDecision(backingOff, 'w', 499)).toEqual({ run: false, reason: 'backing_off' });
    expect(runDecision(backingOff, 'w', 499, true)).toEqual({ run: true });
    expect(runDecision(backingOff, 'w', 500)).toEqual({ run: true });
  });

  it('commits only while holding the lease at the generation the run started with', () => {
    const stored = { lease: { owner: 'w1', untilMs: 1 }, generation: 3, status: 'active' as const };
    expect(mayCommit(stored, 'w1', 3)).toBe(true);
    expect(mayCommit(stored, 'w2', 3)).toBe(false);
    expect(mayCommit(stored, 'w1', 2)).toBe(false);
    expect(mayCommit({ ...stored, lease: null }, 'w1', 3)).toBe(false);
    expect(mayCommit(null, 'w1', 3)).toBe(false);
  });
});
