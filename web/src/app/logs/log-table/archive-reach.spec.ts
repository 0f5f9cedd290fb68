import { describe, expect, it } from 'vitest';
import { archivableDays, archivedEntry, coldPages, dayBounds } from './archive-reach';

const now = new Date('2026-05-10T15:00:00Z');

describe('archivableDays', () => {
  it('asks nothing for ranges that start yesterday or later (no day there can be archived)', () => {
    expect(archivableDays({ preset: '15m' }, now)).toBeNull();
    expect(archivableDays({ preset: '24h' }, now)).toBeNull();
    expect(archivableDays({ preset: 'custom', from: new Date('2026-05-09T00:00:00Z'), to: null }, now)).toBeNull();
  });

  it('names the days that could be archived, never after the day before yesterday', () => {
    expect(archivableDays({ preset: '7d' }, now)).toEqual({ fromDay: '2026-05-03', toDay: '2026-05-08' });
    expect(archivableDays({ preset: 'all' }, now)).toEqual({ fromDay: null, toDay: '2026-05-08' });
    expect(
      archivableDays(
        { preset: 'custom', from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') },
        now,
      ),
    ).toEqual({ fromDay: '2026-01-01', toDay: '2026-01-31' });
  });

  it('gives whole UTC days as cold search bounds', () => {
    expect(dayBounds('2026-01-31')).toEqual({ from: '2026-01-31T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' });
  });
});

describe('archived entries', () => {
  it('reads an archived entry into the console shape, marked, with its review status', () => {
    const e = archivedEntry({
      logId: 'abc',
      occurredAt: '2026-01-02T03:04:05.678Z',
      recordedAt: '2026-01-02T03:04:06.000Z',
      eventType: 'repo.created',
      requiresReview: true,
      reviewStatus: 'resolved',
      actor: { type: 'user', id: 'u-1' },
    });
    expect(e).toMatchObject({ logId: 'abc', archived: true, reviewStatus: 'resolved', eventType: 'repo.created' });
    expect(e?.occurredAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(archivedEntry({ eventType: 'no id' })).toBeNull();
  });

  it('pages the callable with the same request and the cursor it returned', async () => {
    const sent: unknown[] = [];
    const read = coldPages({ pageSize: 2, from: 'x' }, (request) => {
      sent.push(request);
      return Promise.resolve({
        entries: [{ logId: 'a', occurredAt: '2026-01-01T00:00:00Z' }],
        nextCursor: request.cursor ? null : 'c1',
      });
    });
    const first = await read(null);
    const second = await read(first.next);
    expect(sent).toEqual([
      { pageSize: 2, from: 'x' },
      { pageSize: 2, from: 'x', cursor: 'c1' },
    ]);
    expect(first.rows[0]?.archived).toBe(true);
    expect(second.next).toBeNull();
  });
});
