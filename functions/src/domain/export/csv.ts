import type { ExportRecord } from './record';

/**
 * CSV of export records, RFC 4180: comma separated, CRLF line ends, a header row, fields quoted
 * when they hold a quote, comma, CR or LF (quotes doubled). UTF-8, optionally with a byte order
 * mark so spreadsheets detect the encoding.
 *
 * Lossless, so a CSV export can be read back into the exact records:
 * - an absent value is an empty unquoted field; an empty string is `""` (the PostgreSQL COPY
 *   convention), so the two stay apart;
 * - arrays and objects (`changes`, `metadata`, `changedFields`, ...) are JSON text;
 * - formula injection is neutralised: a cell that a spreadsheet would evaluate (starting with
 *   `=`, `+`, `-`, `@`, tab or CR) gets a leading apostrophe, which spreadsheets show as text.
 *   To keep this reversible, a value that already starts with apostrophes followed by one of
 *   those characters gets one more; reading strips exactly one from such cells.
 */

export type CsvColumnKind = 'text' | 'integer' | 'boolean' | 'json';

export interface CsvColumn {
  /** Header name: the record path, dotted. */
  name: string;
  path: readonly string[];
  kind: CsvColumnKind;
}

const col = (name: string, kind: CsvColumnKind = 'text'): CsvColumn => ({ name, path: name.split('.'), kind });

/** The columns of a CSV export, in order: the record's members, nested objects flattened where they are flat. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  col('logId'),
  col('tenantId'),
  col('occurredAt'),
  col('recordedAt'),
  col('eventType'),
  col('category'),
  col('level'),
  col('outcome'),
  col('operation'),
  col('source'),
  col('eventId'),
  col('sequence', 'integer'),
  col('specVersion'),
  col('actor.type'),
  col('actor.id'),
  col('actor.name'),
  col('actor.email'),
  col('actor.ip'),
  col('actor.userAgent'),
  col('actor.roles', 'json'),
  col('resource.type'),
  col('resource.id'),
  col('resource.name'),
  col('resource.path'),
  col('changedFields', 'json'),
  col('changes', 'json'),
  col('metadata', 'json'),
  col('context.correlationId'),
  col('context.requestId'),
  col('context.sessionId'),
  col('requiresReview', 'boolean'),
  col('reviewStatus'),
  col('redactions', 'json'),
  col('hash'),
];

/** Leading characters that make a spreadsheet evaluate a cell. */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);
const NEEDS_NEUTRALISING = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** The cell text a spreadsheet shows as text, whatever the value starts with. */
export function neutraliseFormula(value: string): string {
  const first = value.charAt(0);
  if (!TRIGGERS.has(first) && first !== "'") return value;
  return NEEDS_NEUTRALISING.test(value) ? `'${value}` : value;
}

/** The inverse of {@link neutraliseFormula}. */
export function restoreFormula(cell: string): string {
  return cell.charAt(0) === "'" && NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** One field as RFC 4180 writes it; `undefined` is the absent value. */
export function csvField(text: string | undefined): string {
  if (text === undefined) return '';
  if (text === '') return '""';
  const safe = neutraliseFormula(text);
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(QUOTE, '""')}"` : safe;
}

function valueAt(record: ExportRecord, path: readonly string[]): unknown {
  let value: unknown = record;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function cellText(value: unknown, kind: CsvColumnKind): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (kind === 'json') return JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // A stored value of an unexpected type (never written by ingest): kept, as JSON text.
  return JSON.stringify(value);
}

/** The header line, CRLF-terminated. */
export function csvHeader(columns: readonly CsvColumn[] = CSV_COLUMNS): string {
  return `${columns.map((c) => csvField(c.name)).join(',')}\r\n`;
}

/** One record as a CSV line, CRLF-terminated. */
export function csvLine(record: ExportRecord, columns: readonly CsvColumn[] = CSV_COLUMNS): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    if (i > 0) line += ',';
    line += csvField(cellText(valueAt(record, column.path), column.kind));
  }
  return `${line}\r\n`;
}

/** A field as a CSV parser hands it back: its text and whether it was quoted. */
export interface ParsedField {
  value: string;
  quoted: boolean;
}

function parseCell(field: ParsedField, column: CsvColumn): unknown {
  if (field.value === '' && !field.quoted) return undefined;
  const text = restoreFormula(field.value);
  switch (column.kind) {
    case 'text':
      return text;
    case 'integer':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'json':
      return JSON.parse(text) as unknown;
  }
}

/**
 * Reads one data row back into a record (the inverse of {@link csvLine}); used by the round-trip
 * tests and by anyone re-importing an export. Nested objects with no value present stay absent.
 */
export function csvRecord(fields: readonly ParsedField[], columns: readonly CsvColumn[] = CSV_COLUMNS): ExportRecord {
  const out: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const field = fields[i];
    if (!field) return;
    const value = parseCell(field, column);
    if (value === undefined) return;
    let target = out;
    for (const key of column.path.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[column.path[column.path.length - 1]!] = value;
  });
  return out as ExportRecord;
}
