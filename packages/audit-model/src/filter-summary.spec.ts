import { describe, expect, it } from 'vitest';
import { filterSummaryParts } from './filter-summary';

describe('filter summary', () => {
  const none = { categories: [], levels: [], outcomes: [], reviewStatuses: [] };

  it('names nothing for an empty filter', () => {
    expect(filterSummaryParts(none)).toEqual([]);
    expect(filterSummaryParts({ ...none, actorId: null, keyword: undefined })).toEqual([]);
  });

  it('names every active filter in a fixed order, lists as alternatives', () => {
    expect(
      filterSummaryParts({
        ...none,
        keyword: 'deploy',
        categories: ['SECURITY', 'COMPLIANCE'],
        resourceType: 'repository',
        resourceId: 'r-1',
        actorId: 'u-1',
        outcomes: ['failure'],
        operations: ['CREATE', 'DELETE'],
      }),
    ).toEqual([
      'category SECURITY or COMPLIANCE',
      'outcome failure',
      'operation CREATE or DELETE',
      'actor u-1',
      'resource repository/r-1',
      '"deploy"',
    ]);
  });
});
