import { describe, expect, it } from 'vitest';
import { emptyFilter, type LogFilter } from './log-filter';
import { compactParams, filterFromParams, filterToParams } from './url-filters';

/** What a router would hand back after navigating with `filterToParams` (nulls dropped). */
function roundTrip(filter: LogFilter): LogFilter {
  const params = Object.fromEntries(
    Object.entries(filterToParams(filter)).filter((entry): entry is [string, string] => entry[1] !== null),
  );
  // Through a real URL, so encoding of commas, @ and spaces is exercised too.
  const url = new URL(`https://console.test/logs?${new URLSearchParams(params).toString()}`);
  return filterFromParams(Object.fromEntries(url.searchParams.entries())).filter;
}

describe('URL filters', () => {
  const samples: Array<[string, LogFilter]> = [
    ['defaults', emptyFilter()],
    ['all time', emptyFilter({ range: { preset: 'all' } })],
    [
      'preset with lists',
      emptyFilter({ range: { preset: '24h' }, categories: ['AUTHORIZATION', 'SECURITY'], levels: ['CRITICAL'] }),
    ],
    [
      'custom range and every text field',
      emptyFilter({
        range: {
          preset: 'custom',
          from: new Date('2026-03-01T08:15:00.000Z'),
          to: new Date('2026-03-02T00:00:00.000Z'),
        },
        outcomes: ['failure', 'denied'],
        operations: ['CREATE', 'DELETE'],
        reviewStatuses: ['pending'],
        eventType: 'repo.visibility_changed',
        actorId: 'user:alice@example.com',
        resourceType: 'repository',
        resourceId: 'acme/web app',
        correlationId: 'req-42,x',
        keyword: 'alice smith',
      }),
    ],
    [
      'open-ended custom range',
      emptyFilter({ range: { preset: 'custom', from: new Date('2026-03-01T00:00:00.000Z'), to: null } }),
    ],
  ];

  it.each(samples)('round-trips %s', (_name, filter) => {
    const back = roundTrip(filter);
    expect(back).toEqual(filter);
    expect(filterFromParams(compactParams(back)).filter).toEqual(filter);
  });

  it('writes lists in a canonical order, so equal filters share one URL', () => {
    const a = compactParams(emptyFilter({ categories: ['SECURITY', 'AUTHORIZATION'] }));
    const parsed = filterFromParams({ category: 'SECURITY,AUTHORIZATION,SECURITY' }).filter;
    expect(parsed.categories).toEqual(['AUTHORIZATION', 'SECURITY']);
    expect(compactParams(parsed)).toEqual({ category: 'AUTHORIZATION,SECURITY' });
    expect(a).toEqual({ category: 'SECURITY,AUTHORIZATION' });
  });

  it('leaves defaults out of the URL', () => {
    expect(compactParams(emptyFilter())).toEqual({});
    expect(compactParams(emptyFilter({ levels: ['ERROR'] }))).toEqual({ level: 'ERROR' });
  });

  it('drops unknown values and says so', () => {
    const { filter, problems } = filterFromParams({ level: 'ERROR,LOUD', range: 'forever', category: 'SECURITY' });
    expect(filter.levels).toEqual(['ERROR']);
    expect(filter.categories).toEqual(['SECURITY']);
    expect(filter.range).toEqual({ preset: '7d' });
    expect(problems).toEqual(['Ignored unknown time range "forever".', 'Ignored unknown level "LOUD".']);
  });

  it('rejects an inverted or unreadable custom range', () => {
    const inverted = filterFromParams({ range: 'custom', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' });
    expect(inverted.filter.range).toEqual({ preset: '7d' });
    expect(inverted.problems).toHaveLength(1);
    const garbage = filterFromParams({ range: 'custom', from: 'yesterday' });
    expect(garbage.filter.range).toEqual({ preset: 'custom', from: null, to: null });
    expect(garbage.problems).toEqual(['Ignored invalid time "yesterday" for from.']);
  });

  it('reads operations as `op`, dropping unknown ones', () => {
    const { filter, problems } = filterFromParams({ op: 'DELETE,CREATE,REMOVE' });
    expect(filter.operations).toEqual(['CREATE', 'DELETE']);
    expect(problems).toEqual(['Ignored unknown op "REMOVE".']);
    expect(compactParams(filter)).toEqual({ op: 'CREATE,DELETE' });
  });

  it('lower-cases keywords, because search tokens are stored lower-case', () => {
    expect(filterFromParams({ q: 'Alice@Example.COM' }).filter.keyword).toBe('alice@example.com');
  });

  it('uses the page default range when the URL has none', () => {
    const { filter } = filterFromParams({}, { preset: 'all' });
    expect(filter.range).toEqual({ preset: 'all' });
    expect(compactParams(filter, { preset: 'all' })).toEqual({});
    expect(compactParams(filter)).toEqual({ range: 'all' });
  });

  it('ignores blank text parameters', () => {
    expect(filterFromParams({ actor: '  ', type: '' }).filter).toEqual(emptyFilter());
  });
});
