import { parseStoredDocument, StoredDocumentError } from '@audit-log/model/stored-document';
import { exportJobDocSchema, type ExportJobDoc } from '@audit-log/model/stored-export';
import { FieldValue, type DocumentData, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import type { ExportSubject } from '@audit-log/model/stored-export';
import {
  ExportError,
  exportEvent,
  gdprExportEvent,
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
  /** A subject access export's data subject (`startSubjectAccessExport`). */
  subject?: ExportSubject;
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
    population: 0,
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
  };
}

/** What a job's outcome entry says about its file. */
export interface JobOutcome {
  rows: number;
  bytes: number;
  sha256: string | null;
  error?: string;
  /** The PDF summary of a subject access export. */
  summary?: { reportId: string; sha256: string; pages: number };
}

/**
 * The entry of a job's end: `compliance.export.<outcome>`, or `compliance.gdpr_export.<outcome>`
 * for a subject access export (which names its subject by reference, never the filter's id).
 */
export function jobOutcomeEvent(
  job: ExportJob,
  occurredAt: Date,
  outcome: 'completed' | 'failed' | 'canceled',
  result: JobOutcome,
): Record<string, unknown> {
  if (job.subject !== undefined) {
    return gdprExportEvent({
      step: outcome,
      tenantId: job.tenantId,
      occurredAt,
      exportId: job.id,
      requester: job.requestedBy,
      subjectRef: job.subject.ref,
      reason: job.subject.reason,
      ...result,
    });
  }
  return exportEvent({
    tenantId: job.tenantId,
    occurredAt,
    exportId: job.id,
    requester: job.requestedBy,
    format: job.format,
    filter: recordedExportFilter(job.filter, tenantBlindIndex(job.tenantId)),
    filterSummary: job.filterSummary,
    outcome,
    ...result,
  });
}

/** The failure entry of a job that ended without a file (worker error or sweep). */
export function failedExportEvent(job: ExportJob, occurredAt: Date, errorCode: string): Record<string, unknown> {
  return jobOutcomeEvent(job, occurredAt, 'failed', { rows: 0, bytes: 0, sha256: null, error: errorCode });
}
