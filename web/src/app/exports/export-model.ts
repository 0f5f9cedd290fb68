import type { CallableInput } from '@audit-log/model/callables';
import { readStoredDocument } from '@audit-log/model/stored-document';
import {
  EXPORT_STATES,
  exportJobDocSchema,
  type ExportFormat,
  type ExportJobDoc,
  type ExportState,
} from '@audit-log/model/stored-export';
import { resolveRange, type LogFilter } from '../logs/filters/log-filter';

/**
 * Export jobs as the console sees them (`audit_exports/{id}`, written only by functions), and the
 * request `startExport` takes. Pure, so it is unit-tested without Firebase.
 */

export type { ExportFormat, ExportState } from '@audit-log/model/stored-export';

/** The formats in the order the dialog offers them: the spreadsheet one first. */
export const EXPORT_FORMATS = ['csv', 'ndjson', 'json'] as const satisfies readonly ExportFormat[];

export const FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = {
  csv: 'CSV (spreadsheets)',
  ndjson: 'NDJSON (one JSON object per line)',
  json: 'JSON array',
};

/** The filter part of a `startExport` request: the console's filter with the range resolved. */
export type ExportFilterRequest = NonNullable<CallableInput<'startExport'>['filter']>;

/**
 * The export filter of a console filter at `now`. "Last 7 days" becomes absolute bounds now, so
 * the export holds what the user saw, however long it takes; the tenant is never sent (the server
 * takes it from the caller's claims).
 */
export function exportFilterOf(filter: LogFilter, now: Date): ExportFilterRequest {
  const { from, to } = resolveRange(filter.range, now);
  const out: ExportFilterRequest = {};
  if (from) out.from = from.toISOString();
  // An open end is fixed at `now`: entries arriving during the export are not part of it.
  out.to = (to ?? now).toISOString();
  if (filter.categories.length > 0) out.categories = [...filter.categories];
  if (filter.levels.length > 0) out.levels = [...filter.levels];
  if (filter.outcomes.length > 0) out.outcomes = [...filter.outcomes];
  if (filter.operations.length > 0) out.operations = [...filter.operations];
  if (filter.reviewStatuses.length > 0) out.reviewStatuses = [...filter.reviewStatuses];
  const singles = ['eventType', 'actorId', 'resourceType', 'resourceId', 'correlationId', 'keyword'] as const;
  for (const key of singles) {
    const value = filter[key];
    if (value !== null) out[key] = value;
  }
  // The address: the export worker resolves the person's tokens on the server.
  if (filter.actorEmail) out.actorEmail = filter.actorEmail;
  return out;
}

export interface ExportJobView {
  id: string;
  state: ExportState;
  format: ExportFormat;
  bom: boolean;
  filterSummary: string;
  rowsWritten: number;
  rowsTotal: number | null;
  bytes: number;
  /** 0..1 */
  progress: number;
  sha256: string | null;
  error: string | null;
  requestedBy: string;
  createdAt: Date | null;
  /** A subject access export's data subject; null for an export of a filter. */
  subject: string | null;
  /** A finished subject access export's PDF summary (an `audit_reports` id). */
  summaryReportId: string | null;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function date(value: unknown): Date | null {
  const v = value as { toDate?: () => Date } | null | undefined;
  return typeof v?.toDate === 'function' ? v.toDate() : null;
}

/**
 * Reads a job document through the schema the functions use (`@audit-log/model/stored-export`).
 * A malformed one still shows, as failed with the document's path and the fields to mend, rather
 * than breaking the list; what can be read of it is shown as it is.
 */
export function toExportJob(id: string, data: Record<string, unknown>): ExportJobView {
  const read = readStoredDocument(exportJobDocSchema, `audit_exports/${id}`, data);
  return read.ok ? viewOf(id, read.value) : { ...leniently(id, data), state: 'failed', error: read.error.message };
}

function viewOf(id: string, doc: ExportJobDoc): ExportJobView {
  return {
    id,
    state: doc.state,
    format: doc.format,
    bom: doc.bom,
    filterSummary: doc.filterSummary,
    rowsWritten: doc.rowsWritten,
    rowsTotal: doc.rowsTotal,
    bytes: doc.bytes,
    progress: doc.progress,
    sha256: doc.sha256,
    error: doc.error?.message ?? null,
    requestedBy: doc.requestedBy.email ?? doc.requestedBy.uid,
    createdAt: doc.createdAt.toDate(),
    subject: doc.subject?.id ?? null,
    summaryReportId: doc.summaryReportId ?? null,
  };
}

/** What can be shown of a malformed job document, field by field. */
function leniently(id: string, data: Record<string, unknown>): ExportJobView {
  const state = (EXPORT_STATES as readonly unknown[]).includes(data['state'])
    ? (data['state'] as ExportState)
    : 'failed';
  const format = (EXPORT_FORMATS as readonly unknown[]).includes(data['format'])
    ? (data['format'] as ExportFormat)
    : 'ndjson';
  const by = data['requestedBy'] as { email?: unknown; uid?: unknown } | undefined;
  return {
    id,
    state,
    format,
    bom: data['bom'] === true,
    filterSummary: typeof data['filterSummary'] === 'string' ? data['filterSummary'] : '',
    rowsWritten: num(data['rowsWritten']),
    rowsTotal: typeof data['rowsTotal'] === 'number' ? data['rowsTotal'] : null,
    bytes: num(data['bytes']),
    progress: Math.min(1, Math.max(0, num(data['progress']))),
    sha256: typeof data['sha256'] === 'string' ? data['sha256'] : null,
    error: null,
    requestedBy: typeof by?.email === 'string' ? by.email : typeof by?.uid === 'string' ? by.uid : '',
    createdAt: date(data['createdAt']),
    subject: null,
    summaryReportId: null,
  };
}

const STATE_LABELS: Readonly<Record<ExportState, string>> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
};

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The dialog's progress line as a sentence reads: `Running · 400 of 1,000 rows · 1.2 KB`. Only
 * the state is capitalized (in words, not by a style that would capitalize `Of` and `Rows` too).
 */
export function progressLine(job: Pick<ExportJobView, 'state' | 'rowsWritten' | 'rowsTotal' | 'bytes'>): string {
  const rows =
    job.rowsTotal === null
      ? `${count(job.rowsWritten)} ${job.rowsWritten === 1 ? 'row' : 'rows'}`
      : `${count(job.rowsWritten)} of ${count(job.rowsTotal)} ${job.rowsTotal === 1 ? 'row' : 'rows'}`;
  return `${STATE_LABELS[job.state]} · ${rows} · ${formatBytes(job.bytes)}`;
}

/** Still changing: the console keeps watching and offers Cancel. */
export function isActive(state: ExportState): boolean {
  return state === 'queued' || state === 'running';
}

/** Bytes in KB/MB/GB, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Roles that may export (contract: admin, auditor, compliance). */
export const EXPORT_ROLES: readonly string[] = ['admin', 'auditor', 'compliance'];

/** Roles that answer data subject requests with a subject access export (the report roles). */
export const SUBJECT_ACCESS_ROLES: readonly string[] = ['admin', 'compliance'];
