import { describe, expect, it } from 'vitest';
import { ArchiveError } from './errors';
import {
  buildSqlFilter,
  decodeCursor,
  encodeCursor,
  parseColdSearchRequest,
  positionBeforeDay,
  searchDays,
} from './filter';

describe('cold search requests', () => {
  it('applies defaults and refuses bad input with field-level messages', () => {
    expect(parseColdSearchRequest({}).pageSize).toBe(50);
    let caught: unknown;
    try {
      parseColdSearchRequest({ levels: ['LOUD'], pageSize: 1000, resourceId: 'r-1', other: 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ArchiveError);
    const paths = (caught as ArchiveError).errors.map((e) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['levels.0', 'pageSize']));
  });

  it('refuses an unknown operation with a field-level message', () => {
    let caught: unknown;
    try {
      parseColdSearchRequest({ operations: ['DELETE', 'delete'] });
    } catch (err) {
      caught = err;
    }
    expect((caught as ArchiveError).errors).toEqual([
      { path: 'operations.1', message: 'must be one of CREATE, UPDATE, DELETE, READ, EXECUTE' },
    ]);
  });

  it('finds one entry by log id, and refuses anything that is not an id', () => {
    const req = parseColdSearchRequest({ logId: 'a1b2c3', from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' });
    const { where, params } = buildSqlFilter('acme', req, null);
    expect(where).toContain('"logId" = ?');
    expect(params).toContain('a1b2c3');
    expect(() => parseColdSearchRequest({ logId: "x' OR 1=1" })).toThrow(ArchiveError);
  });

  it('needs resourceType with resourceId and from before to', () => {
    expect(() => parseColdSearchRequest({ resourceId: 'r-1' })).toThrow(ArchiveError);
    expect(() => parseColdSearchRequest({ from: '2024-01-02T00:00:00Z', to: '2024-01-01T00:00:00Z' })).toThrow(
      ArchiveError,
    );
  });
});

describe('SQL filter', () => {
  it('always starts with the tenant and binds every value as a parameter', () => {
    const req = parseColdSearchRequest({
      from: '2024-01-01T00:00:00Z',
      to: '2024-01-03T00:00:00Z',
      categories: ['SECURITY', 'AUTHENTICATION'],
      levels: ['CRITICAL'],
      eventTypes: ["x'); DROP TABLE t; --"],
      actorId: 'u-1',
      resourceType: 'repository',
      resourceId: 'r-1',
      outcome: 'failure',
      operations: ['UPDATE', 'DELETE'],
      keyword: 'Widgets',
    });
    const { where, params } = buildSqlFilter('acme', req, { occurredAt: '2024-01-02T00:00:00.000000Z', logId: 'abc' });
    expect(where.startsWith('"tenantId" = ?')).toBe(true);
    expect(where).not.toContain('DROP');
    expect(where.split('?').length - 1).toBe(params.length);
    expect(params).toEqual([
      'acme',
      '2024-01-01T00:00:00.000000Z',
      '2024-01-03T00:00:00.000000Z',
      'SECURITY',
      'AUTHENTICATION',
      'CRITICAL',
      "x'); DROP TABLE t; --",
      'u-1',
      'repository',
      'r-1',
      'failure',
      'UPDATE',
      'DELETE',
      'widgets',
      '2024-01-02T00:00:00.000000Z',
      '2024-01-02T00:00:00.000000Z',
      'abc',
    ]);
  });
});

describe('cursors', () => {
  const req = parseColdSearchRequest({ categories: ['SECURITY'], pageSize: 10 });
  const pos = { occurredAt: '2024-01-02T03:04:05.006000Z', logId: 'f'.repeat(32) };

  it('round-trip for the same tenant and filters, whatever the page size', () => {
    const cursor = encodeCursor('acme', req, pos);
    expect(decodeCursor(cursor, 'acme', { ...req, pageSize: 20 })).toEqual(pos);
  });

  it('are refused for another tenant, other filters or garbage', () => {
    const cursor = encodeCursor('acme', req, pos);
    expect(() => decodeCursor(cursor, 'other', req)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    expect(() => decodeCursor(cursor, 'acme', { ...req, categories: ['COMPLIANCE'] })).toThrow(
      expect.objectContaining({ code: 'invalid_cursor' }),
    );
    expect(() => decodeCursor('not-a-cursor', 'acme', req)).toThrow(
      expect.objectContaining({ code: 'invalid_cursor' }),
    );
  });
});

describe('search days', () => {
  const now = Date.parse('2024-06-10T12:00:00Z');
  it('run from the end of the range (or the cursor) back to its start', () => {
    const req = parseColdSearchRequest({ from: '2024-01-05T10:00:00Z', to: '2024-02-01T00:00:00Z' });
    expect(searchDays(req, null, now)).toEqual({ first: '2024-01-31', last: '2024-01-05' });
    expect(searchDays(req, positionBeforeDay('2024-01-20'), now)).toEqual({ first: '2024-01-19', last: '2024-01-05' });
    expect(searchDays(parseColdSearchRequest({}), null, now)).toEqual({ first: '2024-06-10', last: '1970-01-01' });
  });
});

describe('actorEmail in the cold tier', () => {
  it('matches any of the person tokens the caller resolved, as parameters', () => {
    const req = parseColdSearchRequest({ actorEmail: 'Ann@Example.com' });
    const { where, params } = buildSqlFilter('acme', req, null, ['ann@example.com', 'pii:x']);
    expect(where).toBe('"tenantId" = ? AND list_has_any("searchTokens", list_value(?, ?))');
    expect(params).toEqual(['acme', 'ann@example.com', 'pii:x']);
  });

  it('matches the clear token alone when the caller resolved none (no blind index for this reader)', () => {
    const { params } = buildSqlFilter('acme', parseColdSearchRequest({ actorEmail: 'ann@example.com' }), null);
    expect(params).toEqual(['acme', 'ann@example.com']);
  });

  it('refuses a malformed address and the pair with keyword, at the field', () => {
    const pathsOf = (input: unknown) => {
      try {
        parseColdSearchRequest(input);
      } catch (err) {
        return (err as ArchiveError).errors?.map((e) => `${e.path}: ${e.message}`);
      }
      return [];
    };
    expect(pathsOf({ actorEmail: 'not-an-address' })).toEqual(['actorEmail: must be an e-mail address (name@domain)']);
    expect(pathsOf({ actorEmail: 'a@b.c', keyword: 'x' })).toEqual([
      'actorEmail: cannot be combined with keyword: both match search tokens',
    ]);
  });
});
