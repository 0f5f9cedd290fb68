import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import {
  FILTER_FIELDS,
  SERVED_COMBINATIONS,
  decodeCursor,
  encodeCursor,
  pageOf,
  planEventQuery,
  type CursorPosition,
} from './event-query';

const q = (params: Record<string, string | string[]>) =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('planEventQuery', () => {
  it('defaults to the tenant, newest first, 50 per page', () => {
    const plan = planEventQuery('t1', {});
    expect(plan).toMatchObject({ tenantId: 't1', filters: [], pageSize: 50 });
    expect(plan.from).toBeUndefined();
    expect(plan.after).toBeUndefined();
  });

  it('maps every filter to its stored field and normalizes the range to UTC', () => {
    const plan = planEventQuery(
      't1',
      q({
        actor_id: 'u-1',
        event_type: 'repo.created',
        from: '2026-01-01T01:00:00+01:00',
        to: '2026-01-02T00:00:00Z',
        limit: '500',
      }),
    );
    expect(plan.filters).toEqual([
      { field: 'actor.id', op: '==', value: 'u-1' },
      { field: 'eventType', op: '==', value: 'repo.created' },
    ]);
    expect(plan).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', pageSize: 500 });
  });

  it('turns several event types into an in filter, without duplicates', () => {
    const plan = planEventQuery('t1', q({ event_type: 'repo.created, repo.deleted,repo.created' }));
    expect(plan.filters).toEqual([{ field: 'eventType', op: 'in', value: ['repo.created', 'repo.deleted'] }]);
  });

  it('allows 30 event types and refuses 31', () => {
    const types = Array.from({ length: 31 }, (_, i) => `t.e${i}`);
    expect(planEventQuery('t1', q({ event_type: types.slice(0, 30).join(',') })).filters[0]?.op).toBe('in');
    expect(thrown(() => planEventQuery('t1', q({ event_type: types.join(',') }))).errors).toEqual([
      { path: 'event_type', message: 'must list at most 30 event types' },
    ]);
  });

  it.each([
    [{ category: 'NOPE' }, 'category'],
    [{ level: 'info' }, 'level'],
    [{ outcome: 'ok' }, 'outcome'],
    [{ operation: 'create' }, 'operation'],
    [{ operation: 'CREATE,DELETE' }, 'operation'],
    [{ from: 'yesterday' }, 'from'],
    [{ to: '2026-01-01T00:00:00' }, 'to'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ actor_id: '' }, 'actor_id'],
    [{ event_type: 'Repo.Created' }, 'event_type.0'],
    [{ actorId: 'u' }, 'actorId'],
  ])('refuses %j with an error on %s', (params, field) => {
    const err = thrown(() => planEventQuery('t1', q(params)));
    expect(err.code).toBe('invalid_argument');
    expect(err.errors.map((e) => e.path)).toEqual([field]);
  });

  it('refuses a repeated parameter and an empty range', () => {
    expect(thrown(() => planEventQuery('t1', q({ level: ['INFO', 'WARNING'] }))).errors[0]?.path).toBe('level');
    const err = thrown(() => planEventQuery('t1', q({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })));
    expect(err.errors).toEqual([{ path: 'to', message: 'must be later than from' }]);
  });

  it('serves every single filter and the indexed pairs, and refuses other combinations', () => {
    for (const name of Object.keys(FILTER_FIELDS)) {
      const value = {
        actor_id: 'u',
        event_type: 'a.b',
        category: 'SECURITY',
        level: 'INFO',
        outcome: 'success',
        operation: 'DELETE',
      }[name]!;
      expect(() => planEventQuery('t1', q({ [name]: value }))).not.toThrow();
    }
    expect(() => planEventQuery('t1', q({ category: 'SECURITY', level: 'CRITICAL' }))).not.toThrow();
    const err = thrown(() => planEventQuery('t1', q({ category: 'SECURITY', event_type: 'a.b' })));
    expect(err.code).toBe('unsupported_filter_combination');
    expect(err.errors.map((e) => e.path)).toEqual(['event_type', 'category']);
    expect(
      thrown(() => planEventQuery('t1', q({ category: 'SECURITY', level: 'INFO', outcome: 'success' }))).code,
    ).toBe('unsupported_filter_combination');
  });

  it('filters by operation alone and with the filters an index pairs it with', () => {
    expect(planEventQuery('t1', q({ operation: 'DELETE' })).filters).toEqual([
      { field: 'operation', op: '==', value: 'DELETE' },
    ]);
    expect(planEventQuery('t1', q({ operation: 'CREATE', actor_id: 'u' })).filters).toEqual([
      { field: 'actor.id', op: '==', value: 'u' },
      { field: 'operation', op: '==', value: 'CREATE' },
    ]);
    const err = thrown(() => planEventQuery('t1', q({ operation: 'UPDATE', event_type: 'a.b' })));
    expect(err.code).toBe('unsupported_filter_combination');
    expect(err.errors.map((e) => e.path)).toEqual(['event_type', 'operation']);
  });
});

describe('cursors', () => {
  const position: CursorPosition = { seconds: 1_767_225_600, nanos: 123_000_000, logId: 'a'.repeat(32) };

  it('round-trips a position for the same tenant and filters, whatever the page size', () => {
    const plan = planEventQuery('t1', q({ level: 'INFO' }));
    const cursor = encodeCursor(plan, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const next = planEventQuery('t1', q({ level: 'INFO', limit: '7', cursor }));
    expect(next.after).toEqual(position);
  });

  it('refuses a cursor of other filters or another tenant', () => {
    const cursor = encodeCursor(planEventQuery('t1', q({ level: 'INFO' })), position);
    expect(thrown(() => planEventQuery('t1', q({ level: 'WARNING', cursor }))).code).toBe('invalid_cursor');
    expect(thrown(() => planEventQuery('t2', q({ level: 'INFO', cursor }))).code).toBe('invalid_cursor');
  });

  it.each([253_402_300_800, 9_000_000_000_000, -62_135_596_801])(
    'refuses a forged cursor whose position (%d s) no timestamp can hold',
    (s) => {
      const plan = planEventQuery('t1', q({}));
      const issued = JSON.parse(Buffer.from(encodeCursor(plan, position), 'base64url').toString('utf8')) as object;
      const forged = Buffer.from(JSON.stringify({ ...issued, s }), 'utf8').toString('base64url');
      const error = thrown(() => planEventQuery('t1', q({ cursor: forged })));
      expect(error.code).toBe('invalid_cursor');
      expect(error.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    },
  );

  it.each(['garbage', Buffer.from('{"v":2}').toString('base64url'), ''])('refuses the forged cursor %j', (cursor) => {
    expect(thrown(() => decodeCursor(cursor, 'f')).code).toBe('invalid_cursor');
  });
});

describe('pageOf', () => {
  const plan = planEventQuery('t1', q({ limit: '2' }));
  const at = (i: number): CursorPosition => ({ seconds: 100 - i, nanos: 0, logId: String(i).padStart(32, '0') });

  it('has a next cursor after the last item when an extra row exists', () => {
    const page = pageOf(plan, [0, 1, 2], at);
    expect(page.items).toEqual([0, 1]);
    expect(decodeCursor(page.nextCursor!, plan.fingerprint)).toEqual(at(1));
  });

  it('has none on the last page, also when it is exactly full', () => {
    expect(pageOf(plan, [0, 1], at).nextCursor).toBeNull();
    expect(pageOf(plan, [], at)).toEqual({ items: [], nextCursor: null });
  });
});

describe('SERVED_COMBINATIONS', () => {
  it('derives from the index file the combinations the API served before, and operation with its indexed pairs', () => {
    const before = [
      [],
      ['actor_id'],
      ['event_type'],
      ['category'],
      ['level'],
      ['outcome'],
      ['category', 'level'],
      ['category', 'outcome'],
      ['level', 'outcome'],
      ['actor_id', 'category'],
      ['actor_id', 'level'],
      ['actor_id', 'event_type'],
      ['actor_id', 'outcome'],
      ['event_type', 'outcome'],
      ['operation'],
      ['actor_id', 'operation'],
      ['category', 'operation'],
      ['level', 'operation'],
      ['outcome', 'operation'],
    ];
    const key = (combo: readonly string[]) => [...combo].sort().join('+');
    expect(SERVED_COMBINATIONS.map(key).sort()).toEqual(before.map(key).sort());
  });

  it('names every combination in the field errors of a refusal', () => {
    const err = thrown(() => planEventQuery('t1', q({ level: 'INFO', event_type: 'a.b' })));
    for (const pair of SERVED_COMBINATIONS.filter((c) => c.length > 1)) {
      expect(err.errors[0]?.message).toContain(pair.join('+'));
    }
  });
});

describe('firestore.indexes.json', () => {
  interface IndexField {
    fieldPath: string;
    order?: string;
  }
  const file = path.resolve(__dirname, '../../../../firestore.indexes.json');
  const { indexes } = JSON.parse(readFileSync(file, 'utf8')) as {
    indexes: Array<{ collectionGroup: string; queryScope: string; fields: IndexField[] }>;
  };

  it.each(SERVED_COMBINATIONS.map((combo) => [combo.join('+') || '(none)', combo] as const))(
    'has a composite index for %s: tenantId first, occurredAt DESC last',
    (_name, combo) => {
      const wanted = combo.map((param) => FILTER_FIELDS[param]).sort();
      const found = indexes.some((index) => {
        const fields = index.fields;
        const first = fields[0];
        const last = fields[fields.length - 1];
        const middle = fields.slice(1, -1);
        return (
          index.collectionGroup === 'audit_logs' &&
          index.queryScope === 'COLLECTION' &&
          first?.fieldPath === 'tenantId' &&
          last?.fieldPath === 'occurredAt' &&
          last.order === 'DESCENDING' &&
          middle.every((f) => f.order !== undefined) &&
          JSON.stringify(middle.map((f) => f.fieldPath).sort()) === JSON.stringify(wanted)
        );
      });
      expect(found).toBe(true);
    },
  );
});

describe('planEventQuery: actor_email', () => {
  const blind = (email: string) => `pii:${email.length}`;

  it('matches the clear and the blind token of the address with one array-contains-any', () => {
    const plan = planEventQuery('t1', q({ actor_email: ' Ann@Example.com', level: 'ERROR' }), blind);
    expect(plan.filters).toEqual([
      { field: 'level', op: '==', value: 'ERROR' },
      { field: 'searchTokens', op: 'array-contains-any', value: ['ann@example.com', 'pii:15'] },
    ]);
  });

  it('matches the clear token alone without a blind index', () => {
    const plan = planEventQuery('t1', q({ actor_email: 'ann@example.com' }));
    expect(plan.filters).toEqual([{ field: 'searchTokens', op: 'array-contains', value: 'ann@example.com' }]);
  });

  it('binds cursors to the address (a cursor of one person does not page another)', () => {
    const ann = planEventQuery('t1', q({ actor_email: 'ann@example.com' }), blind);
    const bob = planEventQuery('t1', q({ actor_email: 'bob@example.com' }), blind);
    expect(ann.fingerprint).not.toBe(bob.fingerprint);
  });

  it('refuses a malformed address with a field error', () => {
    const err = thrown(() => planEventQuery('t1', q({ actor_email: 'ann.example.com' }), blind));
    expect(err.code).toBe('invalid_argument');
    expect(err.details.errors).toEqual([{ path: 'actor_email', message: 'must be an e-mail address (name@domain)' }]);
  });

  it('refuses a combination no index serves, naming actor_email and the other filter', () => {
    const err = thrown(() => planEventQuery('t1', q({ actor_email: 'ann@example.com', actor_id: 'u-1' }), blind));
    expect(err.code).toBe('unsupported_filter_combination');
    expect(err.details.errors?.map((e) => e.path)).toEqual(['actor_id', 'actor_email']);
  });
});
