import { describe, expect, it } from 'vitest';
import {
  parseStoredDocument,
  readStoredDocument,
  StoredDocumentError,
  type StoredSnapshot,
  type TimestampLike,
} from './stored-document';
import { exportJobConverter, exportJobDocSchema } from './stored-export';

/** A Timestamp of neither SDK: the schema checks the shape, so this is what both look like. */
export function timestamp(ms: number): TimestampLike {
  return { toMillis: () => ms, toDate: () => new Date(ms) };
}

function snapshot(path: string, data: Record<string, unknown> | undefined): StoredSnapshot {
  return { ref: { path }, data: () => data };
}

const PATH = 'audit_exports/job-1';

function job(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenantId: 'acme',
    requestedBy: { tenantId: 'acme', uid: 'u-1', role: 'admin', email: 'a@example.com' },
    filter: { categories: ['SECURITY'] },
    filterSummary: 'SECURITY',
    format: 'csv',
    bom: false,
    state: 'running',
    rowsWritten: 10,
    rowsTotal: 20,
    bytes: 300,
    progress: 0.5,
    sha256: null,
    error: null,
    objectPath: 'exports/acme/job-1.csv',
    contentType: 'text/csv',
    fileName: 'audit-export.csv',
    slice: 1,
    claimedSlice: 1,
    parts: 1,
    cursor: { seconds: 1_700_000_000, nanos: 5, logId: 'abc' },
    createdAt: timestamp(1_700_000_000_000),
    updatedAt: timestamp(1_700_000_001_000),
    ...over,
  };
}

/** The one field error a document with `over` applied raises. */
function errorOf(over: Record<string, unknown>): { path: string; message: string } {
  const read = readStoredDocument(exportJobDocSchema, PATH, job(over));
  if (read.ok) throw new Error(`accepted ${JSON.stringify(Object.keys(over))}`);
  expect(read.error.errors).toHaveLength(1);
  return read.error.errors[0]!;
}

describe('export job document', () => {
  it('reads a stored job through the converter, Timestamps kept as Timestamps', () => {
    const read = exportJobConverter.fromFirestore(snapshot(PATH, job()));
    expect(read).toMatchObject({ tenantId: 'acme', format: 'csv', state: 'running', cursor: { logId: 'abc' } });
    expect(read.createdAt.toMillis()).toBe(1_700_000_000_000);
    expect(exportJobConverter.toFirestore(read)).toEqual(read);
  });

  it('fills in the fields an older job lacks with their defaults', () => {
    const old = job();
    for (const field of ['filter', 'filterSummary', 'bom', 'rowsWritten', 'slice', 'claimedSlice', 'parts', 'cursor']) {
      delete old[field];
    }
    const read = parseStoredDocument(exportJobDocSchema, PATH, old);
    expect(read).toMatchObject({ filter: {}, filterSummary: '', bom: false, rowsWritten: 0, claimedSlice: -1 });
    expect(read.cursor).toBeNull();
  });

  it('drops fields it does not know (bookkeeping such as stats)', () => {
    expect(parseStoredDocument(exportJobDocSchema, PATH, job({ stats: { peakRssBytes: 1 } }))).not.toHaveProperty(
      'stats',
    );
  });

  it.each([
    [{ tenantId: undefined }, 'tenantId', 'must be a string, is missing'],
    [{ tenantId: '' }, 'tenantId', 'must be at least 1'],
    [{ requestedBy: { tenantId: 'acme', role: 'admin' } }, 'requestedBy.uid', 'must be a string, is missing'],
    [{ requestedBy: 'u-1' }, 'requestedBy', 'must be an object, is a string'],
    [{ filter: ['x'] }, 'filter', 'must be an object, is an array'],
    [{ format: 'xml' }, 'format', 'must be one of "ndjson", "json", "csv", is "xml"'],
    [{ state: 'done' }, 'state', 'must be one of "queued", "running", "succeeded", "failed", "canceled", is "done"'],
    [{ bom: 'yes' }, 'bom', 'must be a boolean, is a string'],
    [{ rowsWritten: -1 }, 'rowsWritten', 'must be at least 0'],
    [{ rowsTotal: 1.5 }, 'rowsTotal', 'must be an integer, is a number'],
    [{ bytes: '300' }, 'bytes', 'must be a number, is a string'],
    [{ progress: 2 }, 'progress', 'must be at most 1'],
    [{ sha256: 7 }, 'sha256', 'must be a string, is a number'],
    [{ error: { code: 'x' } }, 'error.message', 'must be a string, is missing'],
    [{ objectPath: undefined }, 'objectPath', 'must be a string, is missing'],
    [{ contentType: null }, 'contentType', 'must be a string, is null'],
    [{ fileName: 1 }, 'fileName', 'must be a string, is a number'],
    [{ slice: -2 }, 'slice', 'must be at least 0'],
    [{ claimedSlice: -2 }, 'claimedSlice', 'must be at least -1'],
    [{ parts: 'one' }, 'parts', 'must be a number, is a string'],
    [{ cursor: { seconds: 1, nanos: 0 } }, 'cursor.logId', 'must be a string, is missing'],
    [{ sliceRows: 0 }, 'sliceRows', 'must be at least 1'],
    [{ createdAt: '2024-01-01T00:00:00Z' }, 'createdAt', 'must be a Firestore Timestamp, is a string'],
    [{ updatedAt: 5 }, 'updatedAt', 'must be a Firestore Timestamp, is a number'],
  ])('names the malformed field of %j', (over, path, message) => {
    expect(errorOf(over)).toEqual({ path, message });
  });

  it('names the document and every wrong field when the converter reads it', () => {
    const bad = snapshot(PATH, job({ format: 'xml', createdAt: null }));
    expect(() => exportJobConverter.fromFirestore(bad)).toThrow(StoredDocumentError);
    expect(() => exportJobConverter.fromFirestore(bad)).toThrow(
      'malformed document audit_exports/job-1: format: must be one of "ndjson", "json", "csv", is "xml"; ' +
        'createdAt: must be a Firestore Timestamp, is null',
    );
  });

  it('reports a missing document as malformed, not as a crash', () => {
    const read = readStoredDocument(exportJobDocSchema, PATH, undefined);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatchObject({ code: 'malformed_document', path: PATH });
  });
});
