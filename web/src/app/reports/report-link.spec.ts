import { describe, expect, it } from 'vitest';
import { emptyFilter } from '../logs/filters/log-filter';
import { reportFormOf, reportKindFor, reportLinkParams } from './report-link';

const NOW = new Date('2026-03-15T10:00:00.000Z');

describe('reportKindFor', () => {
  it('picks the report whose population holds the listed entries', () => {
    expect(reportKindFor(emptyFilter({ categories: ['AUTHENTICATION', 'DATA_ACCESS'] }))).toBe('access');
    expect(reportKindFor(emptyFilter({ categories: ['SYSTEM_CONFIGURATION'] }))).toBe('change');
    expect(reportKindFor(emptyFilter({ levels: ['CRITICAL'] }))).toBe('security');
    expect(reportKindFor(emptyFilter({ reviewStatuses: ['pending', 'escalated'] }))).toBe('compliance');
  });

  it('offers none when the entries span reports or no report covers them', () => {
    expect(reportKindFor(emptyFilter())).toBeNull();
    expect(reportKindFor(emptyFilter({ categories: ['SECURITY', 'COMPLIANCE'] }))).toBeNull();
    expect(reportKindFor(emptyFilter({ categories: ['BUSINESS_OPERATION'] }))).toBeNull();
    expect(reportKindFor(emptyFilter({ levels: ['ERROR', 'CRITICAL'] }))).toBeNull();
    expect(reportKindFor(emptyFilter({ reviewStatuses: ['none'] }))).toBeNull();
  });
});

describe('reportLinkParams', () => {
  it('turns a relative range into inclusive UTC days ending today', () => {
    expect(reportLinkParams('security', emptyFilter({ range: { preset: '30d' } }), NOW)).toEqual({
      kind: 'security',
      from: '2026-02-13',
      to: '2026-03-15',
    });
  });

  it('ends a custom range on the day before its exclusive end, and bounds all time to 400 days', () => {
    const from = new Date('2026-01-01T00:00:00.000Z');
    const to = new Date('2026-02-01T00:00:00.000Z');
    expect(reportLinkParams('change', emptyFilter({ range: { preset: 'custom', from, to } }), NOW)).toEqual({
      kind: 'change',
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(reportLinkParams('access', emptyFilter({ range: { preset: 'all' } }), NOW)).toEqual({
      kind: 'access',
      from: '2025-02-09',
      to: '2026-03-15',
    });
  });
});

describe('reportFormOf', () => {
  it('carries the page’s operation filter', () => {
    const params = reportLinkParams('change', emptyFilter({ operations: ['DELETE'] }), NOW);
    expect(params['op']).toBe('DELETE');
    expect(reportFormOf(params).operations).toEqual(['DELETE']);
    expect(reportFormOf({ op: 'WIPE,UPDATE' }).operations).toEqual(['UPDATE']);
  });

  it('reads back what a link wrote and drops the rest', () => {
    expect(reportFormOf({ kind: 'change', from: '2026-01-01', to: '2026-01-31' })).toEqual({
      kind: 'change',
      from: '2026-01-01',
      to: '2026-01-31',
    });
    expect(reportFormOf({ kind: 'weekly', from: 'yesterday' })).toEqual({});
  });
});
