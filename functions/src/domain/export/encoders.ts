import type { ExportFormat } from '@audit-log/model/stored-export';
import { csvHeader, csvLine } from './csv';
import type { ExportRecord } from './record';

// The formats' value list lives with the job document's schema in the model.
export { EXPORT_FORMATS, type ExportFormat } from '@audit-log/model/stored-export';

/**
 * A streaming encoder: text before the first record, one piece of text per record and text after
 * the last. Nothing is kept between calls except what the caller passes in, so memory does not
 * grow with the number of rows, and an export written in several slices (one per function run)
 * encodes exactly as one written at once.
 */
export interface RecordEncoder {
  readonly format: ExportFormat;
  readonly contentType: string;
  readonly extension: string;
  /** Text before the first record (the CSV header, the opening bracket). */
  start(): string;
  /** One record; `index` is its 0-based position in the whole export. */
  record(record: ExportRecord, index: number): string;
  /** Text after the last record, given how many were written. */
  end(rows: number): string;
}

/** UTF-8 byte order mark, as a string (encoded as EF BB BF). */
export const BOM = '\uFEFF';

/** Newline-delimited JSON: one record per line, `\n` terminated. */
export const ndjsonEncoder: RecordEncoder = {
  format: 'ndjson',
  contentType: 'application/x-ndjson; charset=utf-8',
  extension: 'ndjson',
  start: () => '',
  record: (record) => `${JSON.stringify(record)}\n`,
  end: () => '',
};

/** One JSON array, one record per line, so even a huge file can be read line by line. */
export const jsonArrayEncoder: RecordEncoder = {
  format: 'json',
  contentType: 'application/json; charset=utf-8',
  extension: 'json',
  start: () => '[',
  record: (record, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(record)}`,
  end: (rows) => (rows === 0 ? ']\n' : '\n]\n'),
};

/** RFC 4180 CSV (see csv.ts), optionally with a byte order mark for spreadsheets. */
export function csvEncoder(bom: boolean): RecordEncoder {
  return {
    format: 'csv',
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    start: () => `${bom ? BOM : ''}${csvHeader()}`,
    record: (record) => csvLine(record),
    end: () => '',
  };
}

/** The encoder of a format; `bom` applies to CSV only. */
export function encoderFor(format: ExportFormat, bom = false): RecordEncoder {
  switch (format) {
    case 'ndjson':
      return ndjsonEncoder;
    case 'json':
      return jsonArrayEncoder;
    case 'csv':
      return csvEncoder(bom);
  }
}
