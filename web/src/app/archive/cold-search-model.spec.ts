import { describe, expect, it } from 'vitest';
import { emptyFilter } from '../logs/filters/log-filter';
import { checkColdFilter, describeProblems, fieldLabel, planColdSearch, toColdEntry } from './cold-search-model';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const SCOPE = { tenantId: 't1' };

describe('planColdSearch', () => {
  it('sends nothing but the page size for an all-time search without filters', () => {
    expect(planColdSearch(emptyFilter({ range: { preset: 'all' } }), { now: NOW })).toEqual({
      request: { pageSize: 50 },
    });
  });

  it('maps every console filter onto the callable request', () => {
    const from = new Date('2025-01-01T00:00:00Z');
    const to = new Date('2025-02-01T00:00:00Z');
    const plan = planColdSearch(
      emptyFilter({
        range: { preset: 'custom', from, to },
        categories: ['SECURITY', 'AUTHENTICATION'],
        levels: ['CRITICAL'],
        outcomes: ['failure'],
        operations: ['UPDATE', 'DELETE'],
        eventType: 'auth.login.failed',
        actorId: 'u-2',
        resourceType: 'repository',
        resourceId: 'r-1',
        keyword: 'Alice',
      }),
      { now: NOW, pageSize: 20 },
    );
    expect(plan).toEqual({
      request: {
        pageSize: 20,
        from: '2025-01-01T00:00:00.000Z',
        to: '2025-02-01T00:00:00.000Z',
        categories: ['SECURITY', 'AUTHENTICATION'],
        levels: ['CRITICAL'],
        outcome: 'failure',
        operations: ['UPDATE', 'DELETE'],
        eventTypes: ['auth.login.failed'],
        actorId: 'u-2',
        resourceType: 'repository',
        resourceId: 'r-1',
        keyword: 'alice',
      },
    });
  });

  it('resolves a relative range once, at the given instant, with an open end', () => {
    const plan = planColdSearch(emptyFilter({ range: { preset: '90d' } }), { now: NOW });
    expect(plan).toEqual({ request: { pageSize: 50, from: '2025-12-01T12:00:00.000Z' } });
  });

  it('leaves out lists with every value selected, and names the tenant only when asked to', () => {
    const plan = planColdSearch(
      emptyFilter({
        range: { preset: 'all' },
        levels: ['INFO', 'WARNING', 'ERROR', 'CRITICAL'],
        outcomes: ['success', 'failure', 'denied'],
        operations: ['CREATE', 'UPDATE', 'DELETE', 'READ', 'EXECUTE'],
      }),
      { now: NOW, tenantId: 'acme' },
    );
    expect(plan).toEqual({ request: { pageSize: 50, tenantId: 'acme' } });
    expect(planColdSearch(emptyFilter({ range: { preset: 'all' } }), { now: NOW, tenantId: null })).toEqual({
      request: { pageSize: 50 },
    });
  });

  it('reports what the cold tier cannot do as field problems', () => {
    const plan = planColdSearch(
      emptyFilter({
        range: { preset: 'custom', from: new Date('2025-02-01'), to: new Date('2025-01-01') },
        outcomes: ['failure', 'denied'],
        resourceId: 'r-1',
        reviewStatuses: ['pending'],
        correlationId: 'c-1',
      }),
      { now: NOW },
    );
    expect('problems' in plan && describeProblems(plan.problems)).toEqual([
      'From: must be before To',
      'Outcome: archives are searched by one outcome at a time (or all of them)',
      'Resource id: needs a resource type as well',
      'Review status: is not kept in archives; clear it to search them',
      'Correlation id: is not searchable in archives; clear it to search them',
    ]);
  });
});

describe('checkColdFilter', () => {
  it('accepts combinations the hot indexes do not serve, since the cold tier reads files', () => {
    const filter = emptyFilter({
      range: { preset: 'all' },
      categories: ['SECURITY'],
      levels: ['ERROR'],
      actorId: 'u-1',
      resourceType: 'repository',
      keyword: 'x',
    });
    expect(checkColdFilter(filter, SCOPE)).toBeNull();
  });

  it('explains problems in one line and refuses users without a tenant', () => {
    expect(checkColdFilter(emptyFilter({ outcomes: ['failure', 'denied'] }), SCOPE)?.message).toBe(
      'Outcome: archives are searched by one outcome at a time (or all of them)',
    );
    expect(checkColdFilter(emptyFilter(), { tenantId: '' })?.message).toMatch(/not assigned to a tenant/);
  });
});

describe('fieldLabel', () => {
  it("names the server's field paths after the form's fields", () => {
    expect(fieldLabel('from')).toBe('From');
    expect(fieldLabel('categories.1')).toBe('Category');
    expect(fieldLabel('eventTypes')).toBe('Event type');
    expect(fieldLabel('cursor')).toBe('Next page');
    expect(fieldLabel('')).toBe('Search');
    expect(fieldLabel('mystery')).toBe('mystery');
  });
});

describe('toColdEntry', () => {
  it('reads an archived entry of the answer for the table', () => {
    const entry = toColdEntry({
      logId: 'L1',
      occurredAt: '2025-01-02T03:04:05.678Z',
      eventType: 'repo.created',
      category: 'DATA_MODIFICATION',
      level: 'INFO',
      outcome: 'success',
      actor: { type: 'user', id: 'u-1', email: 'a@example.com' },
      resource: { type: 'repository', id: 'r-1', name: 'widgets' },
      hash: 'ab12',
    });
    expect(entry).toEqual({
      logId: 'L1',
      occurredAt: new Date('2025-01-02T03:04:05.678Z'),
      eventType: 'repo.created',
      category: 'DATA_MODIFICATION',
      level: 'INFO',
      outcome: 'success',
      actor: 'a@example.com',
      actorId: 'u-1',
      resource: 'repository/widgets',
      hash: 'ab12',
    });
  });

  it('survives missing parts and drops entries without an id', () => {
    expect(toColdEntry({ logId: 'L2', occurredAt: 'nonsense', actor: { type: 'system' } })).toMatchObject({
      occurredAt: null,
      actor: 'system',
      resource: '—',
    });
    expect(toColdEntry({ eventType: 'x' })).toBeNull();
    expect(toColdEntry(null)).toBeNull();
  });
});
