import { describe, expect, it } from 'vitest';
import { coldPersonTokensOf, coldRequestOf, cursorAt, matchesWhere, searchPositionOf, tierPositionOf } from './tiers';

const entry = {
  logId: 'abc',
  occurredAt: '2024-03-01T10:00:00.123Z',
  category: 'SECURITY',
  level: 'CRITICAL',
  outcome: 'failure',
  requiresReview: true,
  reviewStatus: 'pending',
  actor: { id: 'u-1' },
  resource: { type: 'repository', id: 'r-1' },
  context: { correlationId: 'corr-1' },
  searchTokens: ['widgets', 'u-1'],
};

describe('the cold side of a warm query', () => {
  it('passes down what cold search filters on, and the range', () => {
    const req = coldRequestOf(
      [
        { field: 'tenantId', op: '==', value: 'acme' },
        { field: 'category', op: 'in', value: ['SECURITY', 'COMPLIANCE'] },
        { field: 'level', op: '==', value: 'CRITICAL' },
        { field: 'actor.id', op: '==', value: 'u-1' },
        { field: 'resource.type', op: '==', value: 'repository' },
        { field: 'resource.id', op: '==', value: 'r-1' },
        { field: 'outcome', op: 'in', value: ['failure', 'unknown'] },
        { field: 'operation', op: 'in', value: ['CREATE', 'DELETE'] },
        { field: 'requiresReview', op: '==', value: true },
        { field: 'searchTokens', op: 'array-contains', value: 'widgets' },
      ],
      '2024-01-01T00:00:00.000Z',
      '2024-04-01T00:00:00.000Z',
    );
    expect(req).toEqual({
      from: '2024-01-01T00:00:00.000Z',
      to: '2024-04-01T00:00:00.000Z',
      categories: ['SECURITY', 'COMPLIANCE'],
      levels: ['CRITICAL'],
      operations: ['CREATE', 'DELETE'],
      actorId: 'u-1',
      resourceType: 'repository',
      resourceId: 'r-1',
      keyword: 'widgets',
    });
  });

  it('never sends a resource id without its type (cold search refuses it)', () => {
    expect(coldRequestOf([{ field: 'resource.id', op: '==', value: 'r-1' }])).toEqual({});
  });

  it('checks every condition on the archived entry, including those cold search does not know', () => {
    expect(matchesWhere(entry, [{ field: 'requiresReview', op: '==', value: true }])).toBe(true);
    expect(matchesWhere(entry, [{ field: 'status', op: 'in', value: ['pending', 'escalated'] }])).toBe(true);
    expect(matchesWhere(entry, [{ field: 'status', op: 'in', value: ['resolved'] }])).toBe(false);
    expect(matchesWhere(entry, [{ field: 'context.correlationId', op: '==', value: 'corr-1' }])).toBe(true);
    expect(matchesWhere(entry, [{ field: 'outcome', op: 'in', value: ['success', 'unknown'] }])).toBe(false);
    expect(matchesWhere(entry, [{ field: 'searchTokens', op: 'array-contains', value: 'widgets' }])).toBe(true);
    expect(matchesWhere(entry, [{ field: 'operation', op: '==', value: 'DELETE' }])).toBe(false);
  });

  it('keeps one position for both tiers: export cursor, cold position and merge order agree', () => {
    const cursor = cursorAt(entry.occurredAt, entry.logId);
    expect(cursor).toEqual({ seconds: 1709287200, nanos: 123_000_000, logId: 'abc' });
    expect(searchPositionOf(cursor)).toEqual({ occurredAt: '2024-03-01T10:00:00.123000Z', logId: 'abc' });
    expect(tierPositionOf(entry)).toEqual({ atMs: Date.parse(entry.occurredAt), logId: 'abc' });
  });
});

describe('a search by a person across tiers', () => {
  const where = [{ field: 'searchTokens', op: 'array-contains-any' as const, value: ['ann@example.com', 'pii:x'] }];

  it('hands the tokens to cold search, not as a keyword', () => {
    expect(coldRequestOf(where)).toEqual({});
    expect(coldPersonTokensOf(where)).toEqual(['ann@example.com', 'pii:x']);
    expect(coldPersonTokensOf([])).toBeUndefined();
  });

  it('matches an archived entry holding any of the tokens, and no other', () => {
    expect(matchesWhere({ searchTokens: ['pii:x'] }, where)).toBe(true);
    expect(matchesWhere({ searchTokens: ['ann@example.com'] }, where)).toBe(true);
    expect(matchesWhere({ searchTokens: ['pii:y', 'bob@example.com'] }, where)).toBe(false);
  });
});
