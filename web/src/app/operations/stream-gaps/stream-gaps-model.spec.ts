import { describe, expect, it } from 'vitest';
import { gapRows } from './stream-gaps-model';

describe('gapRows', () => {
  it('lists open gaps first, then pending, then closed, and skips malformed entries', () => {
    const rows = gapRows([
      {
        source: 'repo-service',
        gaps: [
          {
            from: 3,
            to: 4,
            firstSeenAt: '2026-12-01T10:00:00.000Z',
            reportedAt: '2026-12-01T10:10:00.000Z',
            closedAt: '2026-12-01T10:20:00.000Z',
          },
          { from: 9, to: 9, firstSeenAt: '2026-12-01T10:05:00.000Z', reportedAt: null, closedAt: null },
          { from: 'x', to: 1, firstSeenAt: 'nope' },
        ],
      },
      {
        source: 'billing',
        gaps: [
          {
            from: 0,
            to: 7,
            firstSeenAt: '2026-12-01T09:00:00.000Z',
            reportedAt: '2026-12-01T09:10:00.000Z',
            closedAt: null,
          },
        ],
      },
      { source: 'broken' },
    ]);
    expect(rows.map((r) => [r.source, r.from, r.to, r.status])).toEqual([
      ['billing', 0, 7, 'open'],
      ['repo-service', 9, 9, 'pending'],
      ['repo-service', 3, 4, 'closed'],
    ]);
  });
});
