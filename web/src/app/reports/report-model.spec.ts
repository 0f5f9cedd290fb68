import { describe, expect, it } from 'vitest';
import { lastMonth, periodOf, toReport } from './report-model';

describe('report periods', () => {
  it('defaults to the previous calendar month, inclusive days', () => {
    expect(lastMonth(new Date('2026-03-15T10:00:00Z'))).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(lastMonth(new Date('2026-01-02T00:00:00Z'))).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('turns inclusive days into a half-open UTC period and refuses empty ones', () => {
    expect(periodOf('2026-02-01', '2026-02-28')).toEqual({
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-03-01T00:00:00.000Z',
    });
    expect(periodOf('2026-02-10', '2026-02-01')).toBeNull();
    expect(periodOf('', '2026-02-01')).toBeNull();
  });
});

describe('toReport', () => {
  it('reads a report record, naming the schedule as requester of monthly reports', () => {
    const r = toReport('r1', {
      kind: 'security',
      state: 'succeeded',
      period: { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
      pages: 6,
      sha256: 'ab',
      requestedBy: { uid: 'system', role: 'system' },
      scheduled: true,
    });
    expect(r).toMatchObject({ kind: 'security', pages: 6, sha256: 'ab', requestedBy: 'monthly schedule' });
    expect(toReport('r2', { state: '??' }).state).toBe('failed');
  });
});
