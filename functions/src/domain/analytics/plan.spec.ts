import { describe, expect, it } from 'vitest';
import { parseRequest } from '../archive';
import { decideDay, isFinalDay, runDays } from './plan';
import { runRollupsRequestSchema } from './requests';

const at = (iso: string) => Date.parse(iso);

describe('rollup days', () => {
  it('is final an hour after the day ended', () => {
    expect(isFinalDay('2026-03-01', at('2026-03-02T00:59:59Z'))).toBe(false);
    expect(isFinalDay('2026-03-01', at('2026-03-02T01:00:00Z'))).toBe(true);
    expect(isFinalDay('2026-03-02', at('2026-03-02T12:00:00Z'))).toBe(false);
  });

  it('covers the warm window up to today by default, newest first, or the range asked', () => {
    expect(runDays(at('2026-03-02T12:00:00Z'), 2)).toEqual(['2026-03-02', '2026-03-01', '2026-02-28']);
    expect(runDays(at('2026-03-02T12:00:00Z'), 90, '2026-02-27', '2026-02-28')).toEqual(['2026-02-28', '2026-02-27']);
    // Never a day that has not begun.
    expect(runDays(at('2026-03-02T12:00:00Z'), 90, '2026-03-01', '2026-03-09')).toEqual(['2026-03-02', '2026-03-01']);
    expect(runDays(at('2026-03-02T12:00:00Z'), 10_000)).toHaveLength(400);
  });

  it('computes a warm day that is missing, partial or has gained entries, and leaves archived days to tiering', () => {
    expect(decideDay(null, 0, false)).toBe('compute');
    expect(decideDay({ final: false, entries: 3, archived: false }, 3, false)).toBe('compute');
    expect(decideDay({ final: true, entries: 3, archived: false }, 4, false)).toBe('compute');
    expect(decideDay({ final: true, entries: 3, archived: false }, 3, false)).toBe('fresh');
    expect(decideDay({ final: true, entries: 3, archived: true }, 0, true)).toBe('archived');
    expect(decideDay(null, 0, true)).toBe('archived');
  });
});

describe('runRollups request', () => {
  it('accepts a tenant and a range, and names the field of a bad one', () => {
    expect(parseRequest(runRollupsRequestSchema, { from: '2026-01-01', to: '2026-01-30' })).toEqual({
      from: '2026-01-01',
      to: '2026-01-30',
    });
    const fieldsOf = (input: unknown) => {
      try {
        parseRequest(runRollupsRequestSchema, input);
        return [];
      } catch (err) {
        return (err as { errors: Array<{ path: string }> }).errors.map((d) => d.path);
      }
    };
    expect(fieldsOf({ from: '2026-02-30' })).toEqual(['from']);
    expect(fieldsOf({ from: '2026-02-02', to: '2026-02-01' })).toEqual(['from']);
    expect(fieldsOf({ from: '2024-01-01', to: '2026-02-01' })).toEqual(['from']);
    expect(fieldsOf({ tenantId: 'a b' })).toEqual(['tenantId']);
    expect(fieldsOf({ days: 3 })).toEqual(['']);
  });
});
