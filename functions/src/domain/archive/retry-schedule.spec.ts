import { describe, expect, it } from 'vitest';
import { dayDueAtMs, dayRetryDelayMs, fairTenantOrder } from './retry-schedule';

const HOUR = 3_600_000;

describe('retry schedule of failed days', () => {
  it('waits longer after each unfinished attempt, up to a week', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => dayRetryDelayMs(n) / HOUR)).toEqual([0, 6, 12, 24, 48, 96, 168, 168]);
  });

  it('makes a day due at once unless an unfinished attempt is recorded', () => {
    expect(dayDueAtMs({ attempts: 0, lastAttemptAtMs: 1000 })).toBeNull();
    expect(dayDueAtMs({ attempts: 2, lastAttemptAtMs: null })).toBeNull();
    expect(dayDueAtMs({ attempts: 2, lastAttemptAtMs: 1000 })).toBe(1000 + 12 * HOUR);
  });
});

describe('fair tenant order', () => {
  it('serves tenants never started first, then the least recently started', () => {
    const started = new Map([
      ['crashes', 500],
      ['b', 100],
      ['a', 100],
    ]);
    expect(fairTenantOrder(['crashes', 'a', 'new', 'b'], started)).toEqual(['new', 'a', 'b', 'crashes']);
  });
});
