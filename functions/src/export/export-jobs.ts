import { parseStoredDocument, StoredDocumentError } from '@audit-log/model/stored-document';
import { exportJobDocSchema, type ExportJobDoc } from '@audit-log/model/stored-export';
import { FieldValue, type DocumentData, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import {
  ExportError,
  exportEvent,
  parseExportFilter,
  recordedExportFilter,
  type ExportFilter,
  type ExportFormat,
  type Requester,
} from '../domain/export';
import { COLLECTIONS } from '../store/collections';
import { tenantBlindIndex } from '../privacy/data-keys';

/**
 * `audit_exports/{id}` as the worker, the sweep and `cancelExport` use it: the stored document
 * (schema in `@audit-log/model/stored-export`, shared with the console) with its id, the filter
 * parsed for planning and `createdAt` as an ISO instant. Written only here (the Admin SDK);
 * firestore.rules let export-capable roles of the tenant read it and nobody write it.
 */
export type ExportJob = Omit<ExportJobDoc, 'filter' | 'createdAt' | 'updatedAt' | 'finishedAt'> & {
  id: string;
  filter: ExportFilter;
  createdAt: string;
};

export function exportsCollection(db: Firestore) {
  return db.collection(COLLECTIONS.exports);
}

export function exportRef(db: Firestore, id: string): DocumentReference {
  return exportsCollection(db).doc(id);
}

/** The slice hand-over documents: creating `slices/{n}` starts slice n. */
export function sliceRef(db: Firestore, exportId: string, slice: number): DocumentReference {
  return exportRef(db, exportId).collection('slices').doc(String(slice));
}

/**
 * Reads a job document (shape written by `newExportDoc`).
 * @throws StoredDocumentError naming the document and each malformed field.
 */
export function jobFromDoc(id: string, data: DocumentData | undefined): ExportJob {
  const path = `${COLLECTIONS.exports}/${id}`;
  const {
    filter,
    createdAt,
    updatedAt: _updated,
    finishedAt: _finished,
    ...doc
  } = parseStoredDocument(exportJobDocSchema, path, data);
  return { ...doc, id, filter: storedFilter(path, filter), createdAt: createdAt.toDate().toISOString() };
}

/** The stored filter, parsed for planning; a filter that breaks a rule is a malformed document. */
function storedFilter(path: string, filter: Record<string, unknown>): ExportFilter {
  try {
    return parseExportFilter(filter);
  } catch (err) {
    if (err instanceof ExportError) throw new StoredDocumentError(path, err.errors);
    throw err;
  }
}

/** The document `startExport` creates. */
export function newExportDoc(input: {
  tenantId: string;
  requestedBy: Requester;
  filter: ExportFilter;
  filterSummary: string;
  format: ExportFormat;
  bom: boolean;
  objectPath: string;
  contentType: string;
  fileName: string;
}): Record<string, unknown> {
  return {
    ...input,
    // Firestore refuses undefined; optional filter members are simply left out.
    filter: JSON.parse(JSON.stringify(input.filter)) as unknown,
    state: 'queued',
    rowsWritten: 0,
    rowsTotal: null,
    bytes: 0,
    progress: 0,
    sha256: null,
    error: null,
    slice: 0,
    claimedSlice: -1,
    parts: 0,
    cursor: null,
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
  };
}

/** The `compliance.export.failed` event of a job that ended without a file (worker error or sweep). */
export function failedExportEvent(job: ExportJob, occurredAt: Date, errorCode: string): Record<string, unknown> {
  return exportEvent({
    tenantId: job.tenantId,
    occurredAt,
    exportId: job.id,
    requester: job.requestedBy,
    format: job.format,
    filter: recordedExportFilter(job.filter, tenantBlindIndex(job.tenantId)),
    filterSummary: job.filterSummary,
    rows: 0,
    bytes: 0,
    sha256: null,
    outcome: 'failed',
    error: errorCode,
  });
}
