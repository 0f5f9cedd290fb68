import * as z from 'zod/mini';
import { storedConverter, timestampSchema } from './stored-document';

/**
 * `audit_exports/{id}`: an export job as stored (written only by the export functions; the
 * console watches it). One schema for the worker, the sweep, `cancelExport` and the console.
 */

/** Formats an export is written in. */
export const EXPORT_FORMATS = ['ndjson', 'json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The life of an export job: `queued` → `running` → `succeeded` | `failed`, or `canceled` from
 * either of the first two. `queued`/`running` are the only states that still change.
 */
export const EXPORT_STATES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

const count = z.number().check(z.int(), z.minimum(0));

/** Who asked for an export or report: the caller's tenant, uid and role when it was queued. */
export const requesterSchema = z.object({
  tenantId: z.string().check(z.minLength(1)),
  uid: z.string().check(z.minLength(1)),
  role: z.string(),
  email: z.optional(z.string()),
});
export type Requester = z.infer<typeof requesterSchema>;

/** Where the next slice resumes: the last row's `occurredAt` (as Timestamp parts) and log id. */
export const exportCursorSchema = z.object({
  seconds: z.number().check(z.int()),
  nanos: z.number().check(z.int(), z.minimum(0)),
  logId: z.string(),
});
export type ExportCursor = z.infer<typeof exportCursorSchema>;

/** The stable error a failed job records: code and message, never a stack. */
export const jobErrorSchema = z.object({ code: z.string(), message: z.string() });
export type JobError = z.infer<typeof jobErrorSchema>;

/**
 * The data subject of a subject access export (`gdpr_export`): the identifier its entries carry
 * and its reference (the HMAC the erasure records name it by), so the two can be matched.
 */
export const exportSubjectSchema = z.object({
  id: z.string().check(z.minLength(1)),
  ref: z.string().check(z.minLength(1)),
  /** Why it was asked for, as the request recorded it. */
  reason: z.string(),
});
export type ExportSubject = z.infer<typeof exportSubjectSchema>;

/**
 * The job document. `filter` is the export filter as the caller gave it (after validation); the
 * functions parse it again with their filter schema when they run it, the console shows
 * `filterSummary`. Fields a newer job carries that an older one lacks have defaults.
 */
export const exportJobDocSchema = z.object({
  tenantId: z.string().check(z.minLength(1)),
  requestedBy: requesterSchema,
  filter: z._default(z.record(z.string(), z.unknown()), () => ({})),
  filterSummary: z._default(z.string(), ''),
  format: z.enum(EXPORT_FORMATS),
  bom: z._default(z.boolean(), false),
  state: z.enum(EXPORT_STATES),
  rowsWritten: z._default(count, 0),
  rowsTotal: z._default(z.nullable(count), null),
  bytes: z._default(count, 0),
  progress: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0),
  sha256: z._default(z.nullable(z.string()), null),
  error: z._default(z.nullable(jobErrorSchema), null),
  objectPath: z.string().check(z.minLength(1)),
  contentType: z.string(),
  fileName: z.string(),
  /** The slice that runs (or ran last) and the one a worker claimed. */
  slice: z._default(count, 0),
  claimedSlice: z._default(z.number().check(z.int(), z.minimum(-1)), -1),
  parts: z._default(count, 0),
  cursor: z._default(z.nullable(exportCursorSchema), null),
  /**
   * A subject access export reads more than one population (the subject as actor, then as a
   * user acted upon): the one the cursor is in. Plain exports have one, index 0.
   */
  population: z._default(count, 0),
  /** Set on a subject access export only. */
  subject: z.optional(exportSubjectSchema),
  /** A finished subject access export's PDF summary: its `audit_reports` id. */
  summaryReportId: z.optional(z.string()),
  /** Operator knob: rows per slice (at least 1000); absent = time budget only. */
  sliceRows: z.optional(z.number().check(z.int(), z.minimum(1))),
  createdAt: timestampSchema,
  updatedAt: z.optional(timestampSchema),
  finishedAt: z.optional(timestampSchema),
});
export type ExportJobDoc = z.infer<typeof exportJobDocSchema>;

/** Converter of `audit_exports` for `withConverter` of either SDK. */
export const exportJobConverter = storedConverter(exportJobDocSchema);
