import { planLogQuery, type EqualityField } from '@audit-log/model/query-plan';
import { describe, expect, it } from 'vitest';
import type { Category, Level } from '../catalog';
import type { ExportError } from './errors';
import {
  EXPORT_COMPLETED,
  countedBy,
  REPORT_DEFINITIONS,
  REPORT_KINDS,
  parseGenerateReport,
  populationWhere,
  previousMonth,
  type ReportEntry,
} from './report-kinds';
import { ReportAccumulator, bucketsOf, type ReportContext } from './report-model';

const PERIOD = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-08T00:00:00.000Z' };
const CONTEXT: ReportContext = {
  tenantId: 'acme',
  retentionDays: 90,
  archive: { days: 12, oldestDate: '2025-09-01', newestDate: '2025-09-12' },
};

let serial = 0;
function entry(overrides: Partial<ReportEntry> & { day?: number } = {}): ReportEntry {
  const { day = 0, ...rest } = overrides;
  serial++;
  return {
    logId: `log-${String(serial).padStart(4, '0')}`,
    occurredAt: new Date(Date.parse(PERIOD.from) + day * 86_400_000 + serial * 1000).toISOString(),
    eventType: 'auth.user.login',
    category: 'AUTHENTICATION',
    level: 'INFO',
    outcome: 'success',
    operation: 'EXECUTE',
    actor: { type: 'user', id: `u-${serial % 3}`, name: `User ${serial % 3}` },
    resource: { type: 'repository', id: `r-${serial % 2}` },
    requiresReview: false,
    reviewStatus: 'none',
    changedFields: [],
    ...rest,
  };
}

describe('ReportAccumulator', () => {
  it('counts totals, the trend by level per day and the distribution by category', () => {
    const acc = new ReportAccumulator('access', PERIOD);
    acc.add(entry({ day: 0 }));
    acc.add(entry({ day: 0, level: 'WARNING', outcome: 'failure' }));
    acc.add(entry({ day: 2, level: 'CRITICAL', category: 'AUTHORIZATION', outcome: 'denied' }));
    acc.add(entry({ day: 6, category: 'DATA_ACCESS', eventType: 'repo.cloned' }));
    const model = acc.result(CONTEXT);
    expect(model.totals.entries).toBe(4);
    expect(model.totals.byLevel).toEqual({ INFO: 2, WARNING: 1, ERROR: 0, CRITICAL: 1 });
    expect(model.series.buckets).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
    ]);
    expect(model.series.byLevel.INFO).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect(model.series.byLevel.CRITICAL).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(model.distribution).toEqual([
      { category: 'AUTHENTICATION', count: 2 },
      { category: 'AUTHORIZATION', count: 1 },
      { category: 'DATA_ACCESS', count: 1 },
    ]);
    expect(model.figures).toContainEqual({ label: 'Entries', value: '4' });
    expect(model.figures).toContainEqual({ label: 'Denied', value: '1' });
    expect(model.figures).toContainEqual({ label: 'Failed or denied', value: '2' });
  });

  it('ignores entries outside the period', () => {
    const acc = new ReportAccumulator('access', PERIOD);
    acc.add(entry({ occurredAt: '2025-12-31T23:59:59.999Z' }));
    acc.add(entry({ occurredAt: PERIOD.to }));
    expect(acc.result(CONTEXT).totals.entries).toBe(0);
  });

  it('keeps the most notable entries, most severe first, newest first among equals, bounded', () => {
    const acc = new ReportAccumulator('security', PERIOD, { notable: 3, top: 2, distinct: 100, exports: 5 });
    acc.add(entry({ day: 1, level: 'WARNING', category: 'SECURITY' }));
    acc.add(entry({ day: 1, level: 'CRITICAL', category: 'SECURITY', logId: 'crit-old' }));
    acc.add(entry({ day: 3, level: 'CRITICAL', category: 'SECURITY', logId: 'crit-new' }));
    acc.add(
      entry({
        day: 2,
        level: 'CRITICAL',
        category: 'SECURITY',
        eventType: 'security.anomaly.repeated_denials',
        logId: 'anomaly',
      }),
    );
    for (let i = 0; i < 50; i++) acc.add(entry({ day: 4, level: 'INFO', category: 'SECURITY' }));
    const model = acc.result(CONTEXT);
    expect(model.notable.map((n) => n.logId)).toEqual(['anomaly', 'crit-new', 'crit-old']);
    expect(model.topActors).toHaveLength(2);
    expect(model.figures).toContainEqual({ label: 'Anomalies', value: '1' });
  });

  it('counts distinct actors exactly up to its limit and says when the figure is a lower bound', () => {
    const acc = new ReportAccumulator('access', PERIOD, { notable: 1, top: 1, distinct: 5, exports: 1 });
    for (let i = 0; i < 20; i++) acc.add(entry({ actor: { type: 'user', id: `distinct-${i}` } }));
    const model = acc.result(CONTEXT);
    expect(model.totals.distinctActors).toBe(5);
    expect(model.totals.distinctCapped).toBe(true);
    expect(model.figures).toContainEqual({ label: 'Distinct actors', value: '≥ 5' });
  });

  it('lists exports and review outcomes in the compliance report, with retention state', () => {
    const acc = new ReportAccumulator('compliance', PERIOD);
    acc.add(
      entry({
        category: 'COMPLIANCE',
        eventType: EXPORT_COMPLETED,
        metadata: { format: 'csv', rows: 1200, sha256: 'f'.repeat(64), filter: 'level CRITICAL' },
      }),
    );
    acc.add(entry({ category: 'SECURITY', requiresReview: true, reviewStatus: 'escalated', level: 'CRITICAL' }));
    acc.add(entry({ category: 'SECURITY', requiresReview: true, reviewStatus: 'approved' }));
    const model = acc.result(CONTEXT);
    expect(model.exports).toEqual([
      expect.objectContaining({ rows: 1200, sha256: 'f'.repeat(64), what: 'export csv: level CRITICAL' }),
    ]);
    expect(model.totals.byReview.escalated).toBe(1);
    expect(model.figures).toContainEqual({ label: 'Rows exported', value: '1,200' });
    expect(model.figures).toContainEqual({ label: 'Warm retention', value: '90 days' });
    expect(model.figures).toContainEqual({ label: 'Archived days', value: '12' });
    expect(model.notable[0]?.reviewStatus).toBe('escalated');
  });
});

describe('report definitions', () => {
  it('never count an entry twice across populations', () => {
    const security = REPORT_DEFINITIONS.security.populations;
    const e = { category: 'SECURITY' as Category, level: 'CRITICAL' as Level, requiresReview: true };
    expect(security.filter((p) => p.matches(e))).toHaveLength(2);
    expect(countedBy(security, 0, e)).toBe(true);
    expect(countedBy(security, 1, e)).toBe(false);
    expect(countedBy(security, 1, { ...e, category: 'AUTHENTICATION' })).toBe(true);
  });
});

describe('a report limited to operations', () => {
  const period = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' };

  it('parses operations, leaving out a list that narrows nothing', () => {
    expect(parseGenerateReport({ kind: 'change', ...period, operations: ['DELETE', 'DELETE'] }).operations).toEqual([
      'DELETE',
    ]);
    const every = ['CREATE', 'UPDATE', 'DELETE', 'READ', 'EXECUTE'];
    expect(parseGenerateReport({ kind: 'change', ...period, operations: every })).not.toHaveProperty('operations');
    expect(parseGenerateReport({ kind: 'change', ...period, operations: [] })).not.toHaveProperty('operations');
  });

  it('refuses an unknown operation with a field-level error', () => {
    let error: ExportError | undefined;
    try {
      parseGenerateReport({ kind: 'change', ...period, operations: ['WIPE'] });
    } catch (err) {
      error = err as ExportError;
    }
    expect(error?.errors).toEqual([
      { path: 'operations.0', message: 'must be one of CREATE, UPDATE, DELETE, READ, EXECUTE' },
    ]);
  });

  it.each(REPORT_KINDS)('adds the same operation condition to every %s population, each served by an index', (kind) => {
    for (const population of REPORT_DEFINITIONS[kind].populations) {
      expect(populationWhere(population, undefined)).toEqual(population.where);
      for (const operations of [['DELETE'], ['CREATE', 'UPDATE', 'DELETE']] as const) {
        const where = populationWhere(population, operations);
        expect(where.slice(0, -1)).toEqual(population.where);
        expect(where.at(-1)).toEqual(
          operations.length === 1
            ? { field: 'operation', op: '==', value: 'DELETE' }
            : { field: 'operation', op: 'in', value: [...operations] },
        );
        // The report reads these conditions as they are: the planner must find an index for them.
        const plan = planLogQuery({
          tenantId: 'acme',
          equals: where.map((c) => ({
            field: c.field as EqualityField,
            values: (Array.isArray(c.value) ? c.value : [c.value]) as string[],
          })),
        });
        expect(plan.index).toContain('operation');
      }
    }
  });
});

describe('periods', () => {
  it('bucket by day up to about three months, by month beyond', () => {
    expect(bucketsOf(PERIOD).bucket).toBe('day');
    const year = bucketsOf({ from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' });
    expect(year.bucket).toBe('month');
    expect(year.keys).toHaveLength(12);
    expect(year.keys[0]).toBe('2025-01');
  });

  it('parse a report request and refuse an empty or too long period', () => {
    expect(
      parseGenerateReport({ kind: 'change', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }).period.to,
    ).toBe('2026-02-01T00:00:00.000Z');
    expect(() =>
      parseGenerateReport({ kind: 'change', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
    ).toThrow('the report request breaks a rule');
    expect(() =>
      parseGenerateReport({ kind: 'change', from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
    ).toThrow();
    expect(() =>
      parseGenerateReport({ kind: 'nope', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }),
    ).toThrow();
  });

  it('compute the previous calendar month for the monthly reports', () => {
    expect(previousMonth(new Date('2026-03-15T10:00:00Z'))).toEqual({
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-03-01T00:00:00.000Z',
      label: '2026-02',
    });
    expect(previousMonth(new Date('2026-01-01T00:00:00Z')).label).toBe('2025-12');
  });
});
