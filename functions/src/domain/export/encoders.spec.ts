import { describe, expect, it } from 'vitest';
import { BOM, encoderFor, jsonArrayEncoder, ndjsonEncoder, type RecordEncoder } from './encoders';
import { toExportRecord, type ExportRecord } from './record';

function records(n: number): ExportRecord[] {
  return Array.from({ length: n }, (_, i) =>
    toExportRecord({
      logId: `log-${i}`,
      tenantId: 'acme',
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, i, 1)).toISOString(),
      eventType: 'repo.created',
      category: 'DATA_MODIFICATION',
      level: 'INFO',
      outcome: 'success',
      operation: 'CREATE',
      source: 'repo-service',
      eventId: `e-${i}`,
      specVersion: '1.0',
      actor: { type: 'user', id: 'u-1', name: i % 2 ? '東京 "quoted"\n' : '=1+1' },
      changedFields: ['name'],
      changes: { after: { name: `x${i}`, emoji: '🔐', sep: '\u2028' }, before: null },
      requiresReview: false,
      reviewStatus: 'none',
      redactions: [],
      hash: 'ab'.repeat(32),
      searchTokens: ['must', 'not', 'leak'],
      internalField: 'must not leak either',
    }),
  );
}

/** Encodes in slices, as the worker does across function runs: start once, global indexes, end once. */
function encodeInSlices(encoder: RecordEncoder, rows: ExportRecord[], sliceSize: number): string {
  let out = encoder.start();
  for (let s = 0; s < rows.length; s += sliceSize) {
    out += rows
      .slice(s, s + sliceSize)
      .map((r, i) => encoder.record(r, s + i))
      .join('');
  }
  return out + encoder.end(rows.length);
}

describe('export records', () => {
  it('leave out search tokens and anything the contract does not name', () => {
    const [first] = records(1);
    expect(first).not.toHaveProperty('searchTokens');
    expect(first).not.toHaveProperty('internalField');
    expect(Object.keys(first!)[0]).toBe('logId');
  });
});

describe('NDJSON', () => {
  it('writes one record per line that parses back to the record', () => {
    const rows = records(25);
    const text = encodeInSlices(ndjsonEncoder, rows, 7);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(rows);
  });
});

describe('JSON array', () => {
  it('is one valid array whatever the slicing, equal to the records', () => {
    const rows = records(25);
    const whole = encodeInSlices(jsonArrayEncoder, rows, rows.length);
    expect(JSON.parse(whole)).toEqual(rows);
    expect(encodeInSlices(jsonArrayEncoder, rows, 4)).toBe(whole);
    // One record per line, so a huge file can still be read line by line.
    expect(whole.split('\n')).toHaveLength(rows.length + 3);
  });

  it('encodes an empty export as an empty array', () => {
    expect(JSON.parse(encodeInSlices(jsonArrayEncoder, [], 10))).toEqual([]);
  });
});

describe('encoderFor', () => {
  it('adds a byte order mark only to CSV and only when asked', () => {
    expect(encoderFor('csv', true).start().startsWith(BOM)).toBe(true);
    expect(encoderFor('csv', false).start().startsWith(BOM)).toBe(false);
    expect(encoderFor('json', true).start()).toBe('[');
    expect(encoderFor('ndjson').extension).toBe('ndjson');
    expect(encoderFor('csv').contentType).toMatch(/^text\/csv/);
  });

  it('encodes slice by slice exactly as in one go, for every format', () => {
    const rows = records(10);
    for (const format of ['ndjson', 'json', 'csv'] as const) {
      const encoder = encoderFor(format, true);
      expect(encodeInSlices(encoder, rows, 3)).toBe(encodeInSlices(encoder, rows, 10));
    }
  });
});
