import { describe, expect, it } from 'vitest';
import {
  addDays,
  archiveId,
  archiveObjectPath,
  coldCutoffDate,
  dayBounds,
  isIsoDate,
  manifestObjectPath,
  parseArchiveObjectPath,
  utcDate,
  warmCutoffMs,
} from './layout';

describe('archive layout', () => {
  it('names objects in the Hive-partitioned layout of the contract', () => {
    expect(archiveObjectPath('acme_1', '2024-02-29', 3)).toBe('audit/tenant=acme_1/date=2024-02-29/part-3.parquet');
    expect(manifestObjectPath('acme_1', '2024-02-29', 3)).toBe(
      'audit/tenant=acme_1/date=2024-02-29/part-3.manifest.json',
    );
    expect(archiveId('acme_1', '2024-02-29', 3)).toBe('acme_1:2024-02-29:3');
    expect(parseArchiveObjectPath('audit/tenant=acme_1/date=2024-02-29/part-3.parquet')).toEqual({
      tenantId: 'acme_1',
      date: '2024-02-29',
      part: 3,
    });
    expect(parseArchiveObjectPath('audit/tenant=acme_1/date=2024-02-29/part-3.manifest.json')).toBeNull();
  });

  it('refuses ids that would escape the layout', () => {
    expect(() => archiveObjectPath('../x', '2024-01-01', 1)).toThrow(RangeError);
    expect(() => archiveObjectPath('a/b', '2024-01-01', 1)).toThrow(RangeError);
    expect(() => archiveObjectPath('acme', '2023-02-29', 1)).toThrow(RangeError);
    expect(() => archiveObjectPath('acme', '2024-01-01', 0)).toThrow(RangeError);
  });

  it('works in whole UTC days', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(utcDate(Date.parse('2024-03-01T23:59:59.999Z'))).toBe('2024-03-01');
    expect(dayBounds('2024-03-01')).toEqual({
      startMs: Date.parse('2024-03-01T00:00:00Z'),
      endMs: Date.parse('2024-03-02T00:00:00Z'),
    });
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('archives days that end before today minus the warm retention', () => {
    const now = Date.parse('2024-06-10T15:00:00Z');
    expect(new Date(warmCutoffMs(now, 90)).toISOString()).toBe('2024-03-12T00:00:00.000Z');
    expect(new Date(warmCutoffMs(now, 1)).toISOString()).toBe('2024-06-09T00:00:00.000Z');
  });

  it('purges days older than seven years (2557 days)', () => {
    // 2024-06-10 → 2031-06-10 is 2556 days (one leap day, 2028), so the cutoff is one day earlier.
    expect(coldCutoffDate(Date.parse('2031-06-10T15:00:00Z'))).toBe('2024-06-09');
    expect(coldCutoffDate(Date.parse('2031-06-10T15:00:00Z'), 30)).toBe('2031-05-11');
  });
});
