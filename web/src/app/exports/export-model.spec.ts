import { describe, expect, it } from 'vitest';
import { emptyFilter } from '../logs/filters/log-filter';
import { exportFilterOf, formatBytes, isActive, progressLine, toExportJob } from './export-model';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('exportFilterOf', () => {
  it('resolves a relative range to absolute bounds ending now, and copies only active filters', () => {
    const f = exportFilterOf(
      emptyFilter({ range: { preset: '24h' }, levels: ['CRITICAL'], operations: ['DELETE'], keyword: 'alice' }),
      NOW,
    );
    expect(f).toEqual({
      from: '2026-02-28T12:00:00.000Z',
      to: '2026-03-01T12:00:00.000Z',
      levels: ['CRITICAL'],
      operations: ['DELETE'],
      keyword: 'alice',
    });
  });

  it('keeps custom bounds and never sends a tenant', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-02-01T00:00:00Z');
    const f = exportFilterOf(emptyFilter({ range: { preset: 'custom', from, to }, actorId: 'u-1' }), NOW);
    expect(f).toEqual({ from: from.toISOString(), to: to.toISOString(), actorId: 'u-1' });
    expect(f).not.toHaveProperty('tenantId');
  });
});

describe('toExportJob', () => {
  it('reads a job document and survives malformed fields', () => {
    const job = toExportJob('x1', {
      tenantId: 'acme',
      state: 'running',
      format: 'csv',
      bom: true,
      rowsWritten: 500,
      rowsTotal: 1000,
      progress: 0.5,
      requestedBy: { tenantId: 'acme', role: 'auditor', uid: 'u-1', email: 'a@example.com' },
      objectPath: 'exports/acme/x1.csv',
      contentType: 'text/csv',
      fileName: 'audit-export.csv',
      createdAt: { toDate: () => NOW, toMillis: () => NOW.getTime() },
    });
    expect(job).toMatchObject({
      id: 'x1',
      state: 'running',
      format: 'csv',
      progress: 0.5,
      requestedBy: 'a@example.com',
    });
    expect(isActive(job.state)).toBe(true);
    expect(job.error).toBeNull();
    expect(job.createdAt).toEqual(NOW);
    const broken = toExportJob('x2', { state: 'exploded', progress: 7 });
    expect(broken.state).toBe('failed');
    expect(broken.progress).toBe(1);
    // The list shows why: the document and each field to mend, in the functions' words.
    expect(broken.error).toContain('malformed document audit_exports/x2: tenantId: must be a string, is missing');
    expect(broken.error).toContain(
      'state: must be one of "queued", "running", "succeeded", "failed", "canceled", is "exploded"',
    );
    expect(broken.error).toContain('progress: must be at most 1');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024 * 1024)).toBe('3.0 GB');
  });
});

describe('progressLine', () => {
  it('reads as a sentence: only the state capitalized, counts with separators', () => {
    const job = { state: 'running', rowsWritten: 400, rowsTotal: 1000, bytes: 1536 } as const;
    expect(progressLine(job)).toBe('Running · 400 of 1,000 rows · 1.5 KB');
    expect(progressLine({ ...job, state: 'succeeded', rowsWritten: 9, rowsTotal: 9 })).toBe(
      'Done · 9 of 9 rows · 1.5 KB',
    );
    expect(progressLine({ ...job, state: 'queued', rowsWritten: 0, rowsTotal: null, bytes: 0 })).toBe(
      'Queued · 0 rows · 0 B',
    );
    expect(progressLine({ ...job, rowsWritten: 1, rowsTotal: 1 })).toBe('Running · 1 of 1 row · 1.5 KB');
  });
});
