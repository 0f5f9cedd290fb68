import {
  FieldValue,
  Timestamp,
  type DocumentData,
  type DocumentReference,
  type Firestore,
} from 'firebase-admin/firestore';
import {
  exportEvent,
  parseExportFilter,
  type ExportCursor,
  type ExportFilter,
  type ExportFormat,
  type ExportState,
  type Requester,
} from '../domain/export';
import { COLLECTIONS } from '../store/collections';

/**
 * `audit_exports/{id}`: the job document the console watches. Written only here (the Admin SDK);
 * firestore.rules let export-capable roles of the tenant read it and nobody write it.
 */
export interface ExportJob {
  id: string;
  tenantId: string;
  requestedBy: Requester;
  filter: ExportFilter;
  filterSummary: string;
  format: ExportFormat;
  bom: boolean;
  state: ExportState;
  rowsWritten: number;
  rowsTotal: number | null;
  bytes: number;
  progress: number;
  sha256: string | null;
  error: { code: string; message: string } | null;
  objectPath: string;
  contentType: string;
  fileName: string;
  /** The slice that runs (or ran last) and the one a worker claimed; see export-worker.ts. */
  slice: number;
  claimedSlice: number;
  parts: number;
  cursor: ExportCursor | null;
  /** Operator knob: rows per slice (at least 1000); absent = time budget only. */
  sliceRows?: number;
  createdAt: string;
}

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

function iso(value: unknown): string {
  return value instanceof Timestamp ? value.toDate().toISOString() : new Date(0).toISOString();
}

/** Reads a job document (shape written by `newExportDoc`). */
export function jobFromDoc(id: string, data: DocumentData): ExportJob {
  return {
    id,
    tenantId: data.tenantId as string,
    requestedBy: data.requestedBy as Requester,
    filter: parseExportFilter(data.filter),
    filterSummary: (data.filterSummary as string | undefined) ?? '',
    format: data.format as ExportFormat,
    bom: data.bom === true,
    state: data.state as ExportState,
    rowsWritten: (data.rowsWritten as number | undefined) ?? 0,
    rowsTotal: (data.rowsTotal as number | null | undefined) ?? null,
    bytes: (data.bytes as number | undefined) ?? 0,
    progress: (data.progress as number | undefined) ?? 0,
    sha256: (data.sha256 as string | null | undefined) ?? null,
    error: (data.error as ExportJob['error'] | undefined) ?? null,
    objectPath: data.objectPath as string,
    contentType: data.contentType as string,
    fileName: data.fileName as string,
    slice: (data.slice as number | undefined) ?? 0,
    claimedSlice: (data.claimedSlice as number | undefined) ?? -1,
    parts: (data.parts as number | undefined) ?? 0,
    cursor: (data.cursor as ExportCursor | null | undefined) ?? null,
    ...(typeof data.sliceRows === 'number' ? { sliceRows: data.sliceRows } : {}),
    createdAt: iso(data.createdAt),
  };
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
    filter: JSON.parse(JSON.stringify(job.filter)) as Record<string, unknown>,
    filterSummary: job.filterSummary,
    rows: 0,
    bytes: 0,
    sha256: null,
    outcome: 'failed',
    error: errorCode,
  });
}
