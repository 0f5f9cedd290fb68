import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IndexCatalog,
  LOG_FIELDS,
  LogQueryPlanError,
  MAX_DISJUNCTIONS,
  filterConditions,
  planLogQuery,
  type ContainsField,
  type EqualityField,
  type FilterField,
  type IndexDefinition,
  type LogQueryRequest,
  type OrderField,
} from './query-plan';

const allIndexes = (
  JSON.parse(readFileSync(join(__dirname, '../../../firestore.indexes.json'), 'utf8')) as { indexes: IndexDefinition[] }
).indexes;
const fileIndexes = allIndexes.filter((index) => index.collectionGroup === 'audit_logs');

/** How an index's fields read in a plan: file order, the sort field with its direction. */
const indexFields = (index: IndexDefinition) =>
  index.fields.map((f, i) =>
    i === index.fields.length - 1 ? `${f.fieldPath} ${f.order === 'DESCENDING' ? 'desc' : 'asc'}` : f.fieldPath,
  );

/** The request an index is built for: its prefix as conditions, its last field as the sort. */
function requestFor(index: IndexDefinition): LogQueryRequest<string> {
  const prefix = index.fields.slice(0, -1);
  const last = index.fields[index.fields.length - 1]!;
  const contains = prefix.find((f) => f.arrayConfig === 'CONTAINS');
  return {
    tenantId: prefix.some((f) => f.fieldPath === 'tenantId') ? 'acme' : null,
    equals: prefix
      .filter((f) => f.order !== undefined && f.fieldPath !== 'tenantId')
      .map((f) => ({ field: f.fieldPath as EqualityField, values: ['v'] })),
    contains: contains ? { field: contains.fieldPath as ContainsField, value: 'k' } : null,
    orderBy: { field: last.fieldPath as OrderField, direction: last.order === 'DESCENDING' ? 'desc' : 'asc' },
  };
}

function refusal(request: LogQueryRequest<string>): LogQueryPlanError {
  try {
    planLogQuery(request);
  } catch (err) {
    if (err instanceof LogQueryPlanError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(request)} to be refused`);
}

const eq = (...fields: FilterField[]) => fields.map((field) => ({ field, values: ['v'] }));
const KEYWORD = { field: 'searchTokens', value: 'alice' } as const;

describe('the filter model and the index file', () => {
  it('knows every field of every audit_logs index, with the kind the index uses it as', () => {
    for (const index of fileIndexes) {
      index.fields.forEach((f, i) => {
        const kind = i === index.fields.length - 1 ? 'order' : f.arrayConfig === 'CONTAINS' ? 'contains' : 'equality';
        expect(LOG_FIELDS[f.fieldPath as keyof typeof LOG_FIELDS]?.kind, indexFields(index).join(', ')).toBe(kind);
      });
    }
  });

  it('reaches every composite index on audit_logs with some filter, and plans it to that index', () => {
    expect(fileIndexes.length).toBeGreaterThan(20);
    for (const index of fileIndexes) {
      const plan = planLogQuery(requestFor(index));
      expect(plan.index, JSON.stringify(index.fields)).toEqual(indexFields(index));
    }
  });
});

/** Combinations each surface served before the planner was shared, as stored fields. */
const BEFORE = {
  // functions/src/domain/export/filter.ts SERVED_SHAPES (searchTokens = its keyword).
  export: [
    [],
    ['category'],
    ['level'],
    ['eventType'],
    ['actor.id'],
    ['outcome'],
    ['reviewStatus'],
    ['resource.type'],
    ['resource.type', 'resource.id'],
    ['context.correlationId'],
    ['category', 'level'],
    ['category', 'outcome'],
    ['category', 'reviewStatus'],
    ['level', 'outcome'],
    ['level', 'reviewStatus'],
    // The compliance report's flagged entries (it no longer asks for every review status).
    ['requiresReview'],
    ['actor.id', 'category'],
    ['actor.id', 'level'],
    ['actor.id', 'outcome'],
    ['actor.id', 'eventType'],
    ['eventType', 'outcome'],
    ['searchTokens'],
    ['category', 'searchTokens'],
    ['level', 'searchTokens'],
  ],
  // functions/src/domain/api/event-query.ts SERVED_COMBINATIONS, by stored field.
  api: [
    [],
    ['actor.id'],
    ['eventType'],
    ['category'],
    ['level'],
    ['outcome'],
    ['category', 'level'],
    ['category', 'outcome'],
    ['level', 'outcome'],
    ['actor.id', 'category'],
    ['actor.id', 'level'],
    ['actor.id', 'eventType'],
    ['actor.id', 'outcome'],
    ['eventType', 'outcome'],
  ],
  // The console read the file: every index `tenantId, ..., occurredAt desc`.
  console: fileIndexes
    .filter((i) => i.fields[0]?.fieldPath === 'tenantId' && indexFields(i).at(-1) === 'occurredAt desc')
    .map((i) => i.fields.slice(1, -1).map((f) => f.fieldPath)),
} as const;

describe.each(Object.entries(BEFORE))('what the %s served before', (_surface, combos) => {
  it.each(combos.map((c) => [c.join(' + ') || '(none)', c] as const))('%s still plans to an index', (_, combo) => {
    const plan = planLogQuery({
      tenantId: 'acme',
      equals: eq(...(combo.filter((f) => f !== 'searchTokens') as FilterField[])),
      contains: (combo as readonly string[]).includes('searchTokens') ? KEYWORD : null,
    });
    const served = allIndexes.find(
      (index) =>
        index.collectionGroup === plan.collection && JSON.stringify(indexFields(index)) === JSON.stringify(plan.index),
    );
    expect(served, plan.index.join(', ')).toBeDefined();
    // A review status is `status` of audit_reviews (entries never change), which the plan names.
    const reviewed = (combo as readonly string[]).includes('reviewStatus');
    expect(plan.collection).toBe(reviewed ? 'audit_reviews' : 'audit_logs');
    const fields = combo.map((f) => (f === 'reviewStatus' ? 'status' : f));
    expect([...plan.index].sort()).toEqual(['tenantId', ...fields, 'occurredAt desc'].sort());
  });
});

describe('planLogQuery', () => {
  it('scopes to the tenant first, then conditions in request order, keyword, range on the sort field', () => {
    const plan = planLogQuery<Date>({
      tenantId: 'acme',
      equals: [
        { field: 'level', values: ['ERROR', 'CRITICAL'] },
        { field: 'category', values: ['SECURITY'] },
      ],
      range: [
        { op: '>=', value: new Date(0) },
        { op: '<', value: new Date(1) },
      ],
    });
    expect(plan.where).toEqual([
      { field: 'tenantId', op: '==', value: 'acme' },
      { field: 'level', op: 'in', value: ['ERROR', 'CRITICAL'] },
      { field: 'category', op: '==', value: 'SECURITY' },
      { field: 'occurredAt', op: '>=', value: new Date(0) },
      { field: 'occurredAt', op: '<', value: new Date(1) },
    ]);
    expect(plan.orderBy).toEqual({ field: 'occurredAt', direction: 'desc' });
    expect(plan.index).toEqual(['tenantId', 'category', 'level', 'occurredAt desc']);
  });

  it('drops a list that holds every value of its field, and empty lists, needing one index fewer', () => {
    const plan = planLogQuery({
      tenantId: 'acme',
      equals: [
        { field: 'outcome', values: ['success', 'failure', 'denied', 'success'] },
        { field: 'eventType', values: [] },
        { field: 'level', values: ['INFO', 'INFO'] },
      ],
    });
    expect(plan.where).toEqual([
      { field: 'tenantId', op: '==', value: 'acme' },
      { field: 'level', op: '==', value: 'INFO' },
    ]);
  });

  it('refuses a combination no index serves, naming the fields and those whose removal helps', () => {
    const pair = refusal({ tenantId: 'acme', equals: eq('category', 'eventType') });
    expect(pair.code).toBe('unsupported_combination');
    expect(pair.fields).toEqual(['category', 'eventType']);
    expect(pair.suggestions).toEqual(['category', 'eventType']);
    expect(pair.message).toContain('category + eventType');

    const keyword = refusal({ tenantId: 'acme', equals: eq('actor.id'), contains: KEYWORD });
    expect(keyword.fields).toEqual(['actor.id', 'searchTokens']);
    expect(keyword.suggestions).toEqual(['actor.id', 'searchTokens']);

    // No single removal from four filters leaves a served pair, so nothing is suggested.
    const four = refusal({ tenantId: 'acme', equals: eq('category', 'level', 'outcome', 'eventType') });
    expect(four.fields).toEqual(['category', 'level', 'outcome', 'eventType']);
    expect(four.suggestions).toEqual([]);
  });

  it('refuses a sort no index serves, and a tenant-facing query without its tenant', () => {
    expect(refusal({ tenantId: 'acme', orderBy: { field: 'occurredAt', direction: 'asc' } }).code).toBe(
      'unsupported_combination',
    );
    expect(refusal({ tenantId: null, equals: eq('category') }).fields).toEqual(['category']);
  });

  it('refuses a malformed tenant id rather than run a query scoped by it', () => {
    for (const tenantId of ['', 'a/b', 'x'.repeat(129)]) expect(refusal({ tenantId }).code).toBe('no_tenant');
  });

  it(`refuses in-lists that multiply past ${MAX_DISJUNCTIONS} alternatives`, () => {
    const err = refusal({
      tenantId: 'acme',
      equals: [
        {
          field: 'category',
          values: ['SECURITY', 'AUTHORIZATION', 'COMPLIANCE', 'DATA_ACCESS', 'AUTHENTICATION', 'DATA_MODIFICATION'],
        },
        { field: 'level', values: ['INFO', 'WARNING', 'ERROR'] },
        { field: 'outcome', values: ['failure', 'denied'] },
      ],
    });
    expect(err.code).toBe('too_many_alternatives');
    expect(err.disjunctions).toBe(6 * 3 * 2);
    expect(err.fields).toEqual(['category', 'level', 'outcome']);
  });
});

describe('filterConditions', () => {
  it('maps the shared filter keys onto stored fields, leaving out empty ones', () => {
    expect(
      filterConditions({
        levels: ['ERROR'],
        operations: ['DELETE'],
        actorId: 'u-1',
        eventType: null,
        outcomes: [],
        keyword: 'bob',
      }),
    ).toEqual({
      equals: [
        { field: 'level', values: ['ERROR'] },
        { field: 'operation', values: ['DELETE'] },
        { field: 'actor.id', values: ['u-1'] },
      ],
      contains: { field: 'searchTokens', value: 'bob' },
    });
  });
});

describe('IndexCatalog', () => {
  const field = (fieldPath: string, order?: 'ASCENDING' | 'DESCENDING', contains = false) =>
    contains ? { fieldPath, arrayConfig: 'CONTAINS' as const } : { fieldPath, ...(order ? { order } : {}) };

  it('reads only collection-scoped indexes of its collection, with a sort field last', () => {
    const catalog = IndexCatalog.fromIndexes(
      [
        {
          collectionGroup: 'audit_logs',
          queryScope: 'COLLECTION',
          fields: [field('a', 'ASCENDING'), field('t', 'DESCENDING')],
        },
        {
          collectionGroup: 'other',
          queryScope: 'COLLECTION',
          fields: [field('b', 'ASCENDING'), field('t', 'DESCENDING')],
        },
        {
          collectionGroup: 'audit_logs',
          queryScope: 'COLLECTION_GROUP',
          fields: [field('c', 'ASCENDING'), field('t', 'DESCENDING')],
        },
        {
          collectionGroup: 'audit_logs',
          queryScope: 'COLLECTION',
          fields: [field('d', 'ASCENDING'), field('k', undefined, true)],
        },
        {
          collectionGroup: 'audit_logs',
          queryScope: 'COLLECTION',
          fields: [field('x', undefined, true), field('y', undefined, true), field('t', 'ASCENDING')],
        },
      ],
      'audit_logs',
    );
    expect(catalog.all().map((s) => s.fields)).toEqual([['a', 't desc']]);
    expect(catalog.find(['a'], null, { field: 't', direction: 'desc' })).toBeDefined();
    expect(catalog.find(['a'], null, { field: 't', direction: 'asc' })).toBeUndefined();
    expect(IndexCatalog.fromIndexes([], 'audit_logs').all()).toEqual([]);
  });
});

describe('browser safety', () => {
  it('imports nothing but its own zod-free modules, so the console can bundle it', () => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const source = readFileSync(join(__dirname, `${name}.ts`), 'utf8');
      for (const [, from] of source.matchAll(/from '([^']+)'/g)) {
        expect(from, `${name}.ts imports ${from}`).toMatch(/^\.\/[a-z-]+$/);
        visit(from!.slice(2));
      }
    };
    visit('query-plan');
    expect([...seen].sort()).toEqual([
      'access',
      'catalog',
      'collections',
      'enums',
      'index-catalog',
      'log-fields',
      'log-indexes',
      'query-plan',
    ]);
  });
});

describe('a review-status filter (review state lives in audit_reviews, never on the entry)', () => {
  const statuses = (...values: string[]) => ({ field: 'reviewStatus' as const, values });

  it('runs on audit_reviews by status, with the copied level and category, newest first', () => {
    const plan = planLogQuery({
      tenantId: 'acme',
      equals: [{ field: 'level', values: ['CRITICAL'] }, statuses('pending', 'escalated')],
    });
    expect(plan.collection).toBe('audit_reviews');
    expect(plan.where).toEqual([
      { field: 'tenantId', op: '==', value: 'acme' },
      { field: 'level', op: '==', value: 'CRITICAL' },
      { field: 'status', op: 'in', value: ['pending', 'escalated'] },
    ]);
    expect(plan.orderBy).toEqual({ field: 'occurredAt', direction: 'desc' });
  });

  it('reads none alone as never flagged, on audit_logs; every status as no condition', () => {
    const none = planLogQuery({ tenantId: 'acme', equals: [statuses('none')] });
    expect(none.collection).toBe('audit_logs');
    expect(none.where).toContainEqual({ field: 'requiresReview', op: '==', value: false });
    const all = planLogQuery({
      tenantId: 'acme',
      equals: [statuses('none', 'pending', 'approved', 'investigating', 'escalated')],
    });
    expect(all.collection).toBe('audit_logs');
    expect(all.where).toEqual([{ field: 'tenantId', op: '==', value: 'acme' }]);
  });

  it('refuses none with another status, and fields audit_reviews does not copy', () => {
    expect(refusal({ tenantId: 'acme', equals: [statuses('none', 'pending')] }).code).toBe('unsupported_combination');
    const byActor = refusal({ tenantId: 'acme', equals: [{ field: 'actor.id', values: ['u'] }, statuses('pending')] });
    expect(byActor).toMatchObject({ code: 'unsupported_combination', suggestions: ['reviewStatus'] });
    const keyword = refusal({ tenantId: 'acme', equals: [statuses('pending')], contains: KEYWORD });
    expect(keyword.code).toBe('unsupported_combination');
  });
});

describe('an operation filter (what was created, changed or deleted)', () => {
  const ops = (...values: string[]) => ({ field: 'operation' as const, values });

  it.each([
    [[], ['tenantId', 'operation', 'occurredAt desc']],
    [eq('category'), ['tenantId', 'operation', 'category', 'occurredAt desc']],
    [eq('level'), ['tenantId', 'operation', 'level', 'occurredAt desc']],
    [eq('outcome'), ['tenantId', 'operation', 'outcome', 'occurredAt desc']],
    [eq('actor.id'), ['tenantId', 'actor.id', 'operation', 'occurredAt desc']],
    [eq('resource.type'), ['tenantId', 'resource.type', 'operation', 'occurredAt desc']],
    [eq('resource.type', 'resource.id'), ['tenantId', 'resource.type', 'resource.id', 'operation', 'occurredAt desc']],
    [
      [{ field: 'reviewStatus' as const, values: ['none'] }],
      ['tenantId', 'requiresReview', 'operation', 'occurredAt desc'],
    ],
  ] as const)('combines with %j on audit_logs', (others, index) => {
    const plan = planLogQuery({ tenantId: 'acme', equals: [ops('CREATE', 'DELETE'), ...others] });
    expect(plan.collection).toBe('audit_logs');
    expect(plan.where[1]).toEqual({ field: 'operation', op: 'in', value: ['CREATE', 'DELETE'] });
    expect(plan.index).toEqual(index);
  });

  it('is no condition when it lists every operation', () => {
    const plan = planLogQuery({ tenantId: 'acme', equals: [ops('CREATE', 'UPDATE', 'DELETE', 'READ', 'EXECUTE')] });
    expect(plan.where).toEqual([{ field: 'tenantId', op: '==', value: 'acme' }]);
  });

  it('refuses combinations no index serves, and a review status other than none', () => {
    const byType = refusal({ tenantId: 'acme', equals: [ops('DELETE'), ...eq('eventType')] });
    expect(byType).toMatchObject({ code: 'unsupported_combination', fields: ['operation', 'eventType'] });
    expect(byType.suggestions).toEqual(['operation', 'eventType']);
    expect(refusal({ tenantId: 'acme', equals: [ops('DELETE')], contains: KEYWORD }).code).toBe(
      'unsupported_combination',
    );
    const reviewed = refusal({
      tenantId: 'acme',
      equals: [ops('DELETE'), { field: 'reviewStatus', values: ['pending'] }],
    });
    expect(reviewed.suggestions).toEqual(['reviewStatus']);
  });
});

describe('a search by a person (several tokens of one array field)', () => {
  const person = { field: 'searchTokens' as ContainsField, anyOf: ['ann@example.com', 'pii:abc'] };

  it('matches any of the tokens with one array-contains-any, on the keyword indexes', () => {
    const plan = planLogQuery({ tenantId: 'acme', equals: [{ field: 'level', values: ['ERROR'] }], contains: person });
    expect(plan.where).toEqual([
      { field: 'tenantId', op: '==', value: 'acme' },
      { field: 'level', op: '==', value: 'ERROR' },
      { field: 'searchTokens', op: 'array-contains-any', value: ['ann@example.com', 'pii:abc'] },
    ]);
  });

  it('is a plain array-contains when the tokens are one', () => {
    const plan = planLogQuery({ tenantId: 'acme', contains: { field: 'searchTokens', anyOf: ['x@y.z', 'x@y.z'] } });
    expect(plan.where.at(-1)).toEqual({ field: 'searchTokens', op: 'array-contains', value: 'x@y.z' });
  });

  it('counts each token as an alternative against the 30 Firestore allows', () => {
    const levels = { field: 'level' as FilterField, values: ['INFO', 'WARNING', 'ERROR'] };
    const categories = {
      field: 'category' as FilterField,
      values: ['SECURITY', 'COMPLIANCE', 'AUTHENTICATION', 'AUTHORIZATION', 'DATA_ACCESS', 'SYSTEM_CONFIGURATION'],
    };
    const err = (() => {
      try {
        planLogQuery({ tenantId: 'acme', equals: [categories, levels], contains: person });
      } catch (e) {
        return e as LogQueryPlanError;
      }
      throw new Error('planned');
    })();
    expect(err).toMatchObject({ code: 'too_many_alternatives', disjunctions: 36 });
  });

  it('comes from a filter whose actorEmail the server resolved, in place of a keyword', () => {
    expect(filterConditions({ actorTokens: ['ann@example.com', 'pii:abc'] }).contains).toEqual(person);
    expect(filterConditions({ actorTokens: [], keyword: 'bob' }).contains).toEqual({
      field: 'searchTokens',
      value: 'bob',
    });
  });
});
