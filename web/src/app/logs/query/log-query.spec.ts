import { describe, expect, it } from 'vitest';
import indexFile from '../../../../../firestore.indexes.json';
import { CATEGORIES, LEVELS, OUTCOMES, REVIEW_STATUSES } from '../../core/audit-model';
import { emptyFilter, type LogFilter, type TimeRange } from '../filters/log-filter';
import { IndexCatalog } from '@audit-log/model/query-plan';
import { MAX_DISJUNCTIONS, QueryPlanError, planLogQuery, type LogQueryPlan } from './log-query';

const scope = { tenantId: 'tenant-a' };
const now = new Date('2026-05-01T12:00:00Z');

interface FileIndexField {
  fieldPath: string;
  order?: string;
  arrayConfig?: string;
}

/**
 * An independent reading of firestore.indexes.json: does a composite index exist whose fields are
 * tenantId, then exactly the query's equality fields (any order) and array-contains field, then
 * occurredAt descending? (How Firestore serves equality filters plus one sort field.)
 */
function servedBy(plan: LogQueryPlan): FileIndexField[] | undefined {
  const equality = plan.where
    .filter((c) => (c.op === '==' || c.op === 'in') && c.field !== 'tenantId')
    .map((c) => c.field);
  const contains = plan.where.filter((c) => c.op === 'array-contains').map((c) => c.field);
  const indexes = (
    indexFile as { indexes: Array<{ collectionGroup: string; queryScope: string; fields: FileIndexField[] }> }
  ).indexes;
  // A review-status filter runs on audit_reviews (review state never lives on the entry).
  const collection = plan.collection ?? 'audit_logs';
  return indexes.find((index) => {
    const f = index.fields;
    if (index.collectionGroup !== collection || index.queryScope !== 'COLLECTION') return false;
    if (f[0]?.fieldPath !== 'tenantId' || f[f.length - 1]?.fieldPath !== 'occurredAt') return false;
    if (f[f.length - 1]?.order !== 'DESCENDING') return false;
    const middle = f.slice(1, -1);
    const eq = middle.filter((x) => x.order).map((x) => x.fieldPath);
    const arr = middle.filter((x) => x.arrayConfig === 'CONTAINS').map((x) => x.fieldPath);
    return (
      eq.length === equality.length &&
      equality.every((e) => eq.includes(e)) &&
      arr.length === contains.length &&
      contains.every((c) => arr.includes(c))
    );
  })?.fields;
}

/** The fields a filter asks to constrain, as the index file names them. */
function requestedFields(filter: LogFilter): { equality: string[]; keyword: boolean } {
  const equality: string[] = [];
  if (filter.categories.length > 0) equality.push('category');
  if (filter.levels.length > 0) equality.push('level');
  if (filter.outcomes.length > 0) equality.push('outcome');
  if (filter.operations.length > 0) equality.push('operation');
  if (filter.reviewStatuses.length > 0) equality.push('reviewStatus');
  if (filter.eventType) equality.push('eventType');
  if (filter.actorId) equality.push('actor.id');
  if (filter.resourceType) equality.push('resource.type');
  if (filter.resourceId) equality.push('resource.id');
  if (filter.correlationId) equality.push('context.correlationId');
  return { equality, keyword: filter.keyword !== null };
}

function fileServes(fields: { equality: string[]; keyword: boolean }): boolean {
  // The review status (pending, escalated here) is `status` of audit_reviews.
  const reviewed = fields.equality.includes('reviewStatus');
  const where = [
    ...fields.equality.map((field) => ({
      field: field === 'reviewStatus' ? 'status' : field,
      op: '==' as const,
      value: 'x',
    })),
    ...(fields.keyword ? [{ field: 'searchTokens', op: 'array-contains' as const, value: 'x' }] : []),
  ];
  const collection = reviewed ? 'audit_reviews' : 'audit_logs';
  return servedBy({ where, collection } as unknown as LogQueryPlan) !== undefined;
}

/** Every filter dimension with one value and (for lists) two values. */
const DIMENSIONS: ReadonlyArray<{ name: string; single: Partial<LogFilter>; multi?: Partial<LogFilter> }> = [
  { name: 'category', single: { categories: ['SECURITY'] }, multi: { categories: ['SECURITY', 'AUTHORIZATION'] } },
  { name: 'level', single: { levels: ['CRITICAL'] }, multi: { levels: ['ERROR', 'CRITICAL'] } },
  { name: 'outcome', single: { outcomes: ['failure'] }, multi: { outcomes: ['failure', 'denied'] } },
  { name: 'operation', single: { operations: ['DELETE'] }, multi: { operations: ['CREATE', 'DELETE'] } },
  { name: 'review', single: { reviewStatuses: ['pending'] }, multi: { reviewStatuses: ['pending', 'escalated'] } },
  { name: 'type', single: { eventType: 'repo.visibility_changed' } },
  { name: 'actor', single: { actorId: 'u-1' } },
  { name: 'resourceType', single: { resourceType: 'repository' } },
  { name: 'resource', single: { resourceType: 'repository', resourceId: 'r-1' } },
  { name: 'correlation', single: { correlationId: 'c-1' } },
  { name: 'keyword', single: { keyword: 'alice' } },
];
const RANGES: TimeRange[] = [
  { preset: '7d' },
  { preset: 'all' },
  { preset: 'custom', from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-04-02T00:00:00Z') },
];

function* everyCombination(): Generator<{ label: string; filter: LogFilter }> {
  const n = DIMENSIONS.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    const chosen = DIMENSIONS.filter((_, i) => mask & (1 << i));
    // resourceType alone and with an id are alternatives, not a combination.
    if (chosen.some((d) => d.name === 'resourceType') && chosen.some((d) => d.name === 'resource')) continue;
    for (const multi of [false, true]) {
      if (multi && !chosen.some((d) => d.multi)) continue;
      for (const range of RANGES) {
        const parts = chosen.map((d) => (multi && d.multi ? d.multi : d.single));
        const filter = emptyFilter(Object.assign({ range }, ...parts) as Partial<LogFilter>);
        yield {
          label: `${chosen.map((d) => d.name).join('+') || 'none'}${multi ? ' (multi)' : ''} ${range.preset}`,
          filter,
        };
      }
    }
  }
}

describe('planLogQuery over every filter combination', () => {
  const combos = [...everyCombination()];

  it('enumerates a meaningful number of combinations', () => {
    expect(combos.length).toBeGreaterThan(3000);
  });

  it('always constrains tenantId to the caller, and only runs what an index serves', () => {
    let accepted = 0;
    let refused = 0;
    for (const { label, filter } of combos) {
      const requested = requestedFields(filter);
      let plan: LogQueryPlan;
      try {
        plan = planLogQuery(filter, scope, { now, limit: 50 });
      } catch (err) {
        expect(err, label).toBeInstanceOf(QueryPlanError);
        expect((err as QueryPlanError).code, label).toBe('unsupported_combination');
        // Refused only when the index file really has no index for it.
        expect(fileServes(requested), `${label} was refused but an index serves it`).toBe(false);
        refused++;
        continue;
      }
      accepted++;
      const tenantClauses = plan.where.filter((c) => c.field === 'tenantId');
      expect(tenantClauses, label).toEqual([{ field: 'tenantId', op: '==', value: 'tenant-a' }]);
      expect(plan.where[0], label).toEqual({ field: 'tenantId', op: '==', value: 'tenant-a' });
      expect(plan.orderBy, label).toEqual({ field: 'occurredAt', direction: 'desc' });
      // Inequalities only on the sort field, as Firestore requires for a single-sort query.
      for (const c of plan.where.filter((w) => ['<', '>', '>='].includes(w.op)))
        expect(c.field, label).toBe('occurredAt');
      expect(servedBy(plan), `${label} has no index in firestore.indexes.json`).toBeDefined();
    }
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});

describe('planLogQuery', () => {
  it('takes the tenant from the scope and refuses to run without one', () => {
    const plan = planLogQuery(emptyFilter(), { tenantId: 'tenant-b' }, { now, limit: 10 });
    expect(plan.tenantId).toBe('tenant-b');
    expect(plan.where[0]).toEqual({ field: 'tenantId', op: '==', value: 'tenant-b' });
    for (const tenantId of ['', 'a/b', 'x'.repeat(129)]) {
      expect(() => planLogQuery(emptyFilter(), { tenantId }, { now, limit: 10 })).toThrowError(
        expect.objectContaining({ code: 'no_tenant' }),
      );
    }
  });

  it('uses == for one value, in for several and no condition when every value is chosen', () => {
    const one = planLogQuery(emptyFilter({ levels: ['ERROR'] }), scope, { now, limit: 10 });
    expect(one.where).toContainEqual({ field: 'level', op: '==', value: 'ERROR' });
    const two = planLogQuery(emptyFilter({ levels: ['ERROR', 'CRITICAL'] }), scope, { now, limit: 10 });
    expect(two.where).toContainEqual({ field: 'level', op: 'in', value: ['ERROR', 'CRITICAL'] });
    const all = planLogQuery(emptyFilter({ levels: [...LEVELS], categories: [...CATEGORIES] }), scope, {
      now,
      limit: 10,
    });
    expect(all.where.map((c) => c.field)).toEqual(['tenantId', 'occurredAt']);
  });

  it('resolves relative ranges at the given instant and keeps custom bounds', () => {
    const week = planLogQuery(emptyFilter({ range: { preset: '24h' } }), scope, { now, limit: 10 });
    expect(week.where).toContainEqual({ field: 'occurredAt', op: '>=', value: new Date('2026-04-30T12:00:00Z') });
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-02-01T00:00:00Z');
    const custom = planLogQuery(emptyFilter({ range: { preset: 'custom', from, to } }), scope, { now, limit: 10 });
    expect(custom.where.slice(1)).toEqual([
      { field: 'occurredAt', op: '>=', value: from },
      { field: 'occurredAt', op: '<', value: to },
    ]);
    const all = planLogQuery(emptyFilter({ range: { preset: 'all' } }), scope, { now, limit: 10 });
    expect(all.where).toEqual([{ field: 'tenantId', op: '==', value: 'tenant-a' }]);
  });

  it('plans the live tail as strictly newer than the newest shown entry', () => {
    const newest = new Date('2026-05-01T11:59:00Z');
    const plan = planLogQuery(emptyFilter({ range: { preset: '7d' } }), scope, { now, limit: 100, newerThan: newest });
    expect(plan.where).toContainEqual({ field: 'occurredAt', op: '>', value: newest });
    expect(plan.where.filter((c) => c.field === 'occurredAt')).toHaveLength(1);
  });

  it('searches keywords with array-contains on the search tokens', () => {
    const plan = planLogQuery(emptyFilter({ keyword: 'alice@example.com' }), scope, { now, limit: 10 });
    expect(plan.where).toContainEqual({ field: 'searchTokens', op: 'array-contains', value: 'alice@example.com' });
    expect(plan.index).toEqual(['tenantId', 'searchTokens', 'occurredAt desc']);
  });

  it('explains a refused combination and suggests what to drop', () => {
    const filter = emptyFilter({ actorId: 'u-1', keyword: 'alice' });
    expect(() => planLogQuery(filter, scope, { now, limit: 10 })).toThrowError(
      /actor and keyword together is not supported/,
    );
    try {
      planLogQuery(filter, scope, { now, limit: 10 });
    } catch (err) {
      expect((err as QueryPlanError).suggestions).toEqual(['actor', 'keyword']);
    }
  });

  it('refuses more disjunctions than Firestore allows', () => {
    const filter = emptyFilter({
      categories: CATEGORIES.slice(0, 7),
      levels: LEVELS.slice(0, 3),
      outcomes: [...OUTCOMES].slice(0, 2),
    });
    expect(7 * 3 * 2).toBeGreaterThan(MAX_DISJUNCTIONS);
    expect(() => planLogQuery(filter, scope, { now, limit: 10 })).toThrowError(
      expect.objectContaining({ code: 'too_many_alternatives' }),
    );
  });

  it('needs a resource type for a resource id', () => {
    expect(() => planLogQuery(emptyFilter({ resourceId: 'r-1' }), scope, { now, limit: 10 })).toThrowError(
      expect.objectContaining({ code: 'incomplete_filter' }),
    );
  });

  it('plans count queries without a limit', () => {
    const plan = planLogQuery(emptyFilter({ reviewStatuses: [...REVIEW_STATUSES].slice(1, 2) }), scope, {
      now,
      limit: null,
    });
    expect(plan.limit).toBeNull();
  });
});

describe('planLogQuery with another index list', () => {
  it('plans only what that list serves, so the console follows the index file', () => {
    const catalog = IndexCatalog.fromIndexes(
      [
        {
          collectionGroup: 'audit_logs',
          queryScope: 'COLLECTION',
          fields: [
            { fieldPath: 'tenantId', order: 'ASCENDING' },
            { fieldPath: 'level', order: 'ASCENDING' },
            { fieldPath: 'occurredAt', order: 'DESCENDING' },
          ],
        },
      ],
      'audit_logs',
    );
    const levels = planLogQuery(emptyFilter({ levels: ['ERROR'] }), scope, { now, limit: 10 }, catalog);
    expect(levels.index).toEqual(['tenantId', 'level', 'occurredAt desc']);
    expect(() => planLogQuery(emptyFilter(), scope, { now, limit: 10 }, catalog)).toThrowError(
      expect.objectContaining({ code: 'unsupported_combination' }),
    );
  });
});
