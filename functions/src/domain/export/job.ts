import { z } from 'zod';
import { EXPORT_FORMATS, type ExportFormat } from './encoders';
import { ExportError, assertExport } from './errors';
import { parseExportFilter, type ExportFilter } from './filter';
import { fieldErrorsOf } from '@audit-log/model';

/**
 * The life of an export job (`audit_exports/{id}`):
 *
 *   queued ─▶ running ─▶ succeeded
 *     │          │ └────▶ failed
 *     └──────────┴──────▶ canceled   (cancelExport; the worker stops at its next page)
 *
 * A run that reaches its time budget records a cursor and hands over to the next slice (a new
 * function run), so an export has no size cap: each slice writes one part, the last one joins
 * them. `queued`/`running` are the only states that change.
 */
export { EXPORT_STATES, type ExportState } from '@audit-log/model/stored-export';

/** States that still change, so the console keeps watching and `cancelExport` is allowed. */
export function isActive(state: string | undefined): boolean {
  return state === 'queued' || state === 'running';
}

export const startExportRequestSchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS, `must be one of ${EXPORT_FORMATS.join(', ')}`),
  bom: z.boolean('must be true or false').default(false),
  filter: z.unknown().optional(),
});

export interface StartExportRequest {
  format: ExportFormat;
  bom: boolean;
  filter: ExportFilter;
}

/** Parses a `startExport` request; `invalid_argument` with field-level errors otherwise. */
export function parseStartExport(input: unknown): StartExportRequest {
  const parsed = startExportRequestSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ExportError('invalid_argument', 'the export request breaks a rule', fieldErrorsOf(parsed.error.issues));
  }
  const { format, bom } = parsed.data;
  return { format, bom: format === 'csv' && bom, filter: parseExportFilter(parsed.data.filter) };
}

export const jobIdRequestSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a job id'),
});

/** Parses `{id}` of `cancelExport`; `invalid_argument` otherwise. */
export function parseJobId(input: unknown): string {
  const parsed = jobIdRequestSchema.safeParse(input ?? {});
  assertExport(parsed.success, 'invalid_argument', 'name the job by id', [{ path: 'id', message: 'must be a job id' }]);
  return parsed.data.id;
}

/** The object of a finished export (or of its first part while it is written). */
export function exportObjectPath(tenantId: string, exportId: string, extension: string): string {
  return `exports/${tenantId}/${exportId}.${extension}`;
}

/** The object of a later part; joined into the export object by the last slice, then removed. */
export function exportPartPath(tenantId: string, exportId: string, extension: string, part: number): string {
  return `exports/${tenantId}/${exportId}.part-${String(part).padStart(5, '0')}.${extension}`;
}

/** The object of an export written in several slices: the parts joined into one. */
export function exportJoinedPath(tenantId: string, exportId: string, extension: string): string {
  return `exports/${tenantId}/${exportId}.joined.${extension}`;
}

/** The file name a download offers: tenant, format and the job's creation time, no user data. */
export function downloadFileName(prefix: string, tenantId: string, createdAtIso: string, extension: string): string {
  const stamp = createdAtIso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${prefix}-${tenantId}-${stamp}.${extension}`;
}

/** Fraction done, in [0, 1]; unknown totals report 0 until the end. */
export function progressOf(rows: number, total: number | null): number {
  if (total === null || total <= 0) return 0;
  return Math.min(1, Math.round((rows / total) * 1000) / 1000);
}

/** When the worker writes progress: every `rows` rows or `ms` milliseconds, whichever comes first. */
export interface ProgressPolicy {
  rows: number;
  ms: number;
}

export const DEFAULT_PROGRESS_POLICY: ProgressPolicy = { rows: 5000, ms: 2000 };

export function progressDue(policy: ProgressPolicy, rowsSince: number, msSince: number): boolean {
  return rowsSince >= policy.rows || msSince >= policy.ms;
}

/**
 * How much one function run may do before handing over to the next slice. Time leaves room for
 * the hand-over inside a 540 s event-function timeout; rows let operators (and tests) force
 * small slices through the job document's `sliceRows`. A slice's object goes up in one upload
 * request, so the time also stays under the 300 s after which the Storage emulator's HTTP server
 * answers 408 (measured with bench/export-memory.bench.mjs); more, shorter slices cost little.
 */
export interface SliceBudget {
  maxMs: number;
  maxRows: number;
}

export const DEFAULT_SLICE_BUDGET: SliceBudget = { maxMs: 240_000, maxRows: Number.MAX_SAFE_INTEGER };

/** The budget of a job: the default, narrowed by a positive `sliceRows` on the document (at least 1000). */
export function sliceBudgetOf(sliceRows: unknown, base: SliceBudget = DEFAULT_SLICE_BUDGET): SliceBudget {
  if (typeof sliceRows !== 'number' || !Number.isInteger(sliceRows) || sliceRows <= 0) return base;
  return { ...base, maxRows: Math.max(1000, sliceRows) };
}

/** A position in newest-first order (as a Firestore Timestamp holds it) and the log id that breaks ties. */
export type { ExportCursor } from '@audit-log/model/stored-export';

/** The stable error a failed job records: code and message, never a stack. */
export function jobError(err: unknown): { code: string; message: string } {
  if (err instanceof ExportError) return { code: err.code, message: err.message.slice(0, 1024) };
  return { code: 'internal', message: 'the job failed; see the function logs' };
}

/** How long a download link stays valid: long enough to click, too short to pass around. */
export const DOWNLOAD_LINK_TTL_MS = 5 * 60_000;

export const JOB_KINDS = ['export', 'report'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const downloadRequestSchema = z.strictObject({
  kind: z.enum(JOB_KINDS, 'must be export or report').default('export'),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a job id'),
});

/** Parses `{kind, id}` of `createDownloadLink` and of a direct download; `invalid_argument` otherwise. */
export function parseDownloadRequest(input: unknown): { kind: JobKind; id: string } {
  const parsed = downloadRequestSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ExportError('invalid_argument', 'name the file to download', fieldErrorsOf(parsed.error.issues));
  }
  return parsed.data;
}
