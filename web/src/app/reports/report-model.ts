/**
 * Compliance reports as the console sees them (`audit_reports/{id}`, written only by functions)
 * and the request `generateReport` takes. Pure, so it is unit-tested without Firebase.
 */

export const REPORT_KINDS = ['access', 'change', 'security', 'compliance'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const KIND_LABELS: Readonly<Record<ReportKind, string>> = {
  access: 'Access report: who accessed which resources',
  change: 'Change report: configuration and data changes',
  security: 'Security report: security events, CRITICAL items, anomalies',
  compliance: 'Compliance report: exports, review outcomes, retention',
};

/**
 * Kinds a listed report may have: the four generated ones, and the PDF summary of a subject
 * access export (made by the export worker, never by `generateReport`).
 */
export const LISTED_REPORT_KINDS = [...REPORT_KINDS, 'subject_access'] as const;
export type ListedReportKind = (typeof LISTED_REPORT_KINDS)[number];

/** Roles that may generate reports (contract: admin and compliance). */
export const REPORT_ROLES: readonly string[] = ['admin', 'compliance'];

export interface ReportView {
  id: string;
  kind: ListedReportKind;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  from: string;
  to: string;
  pages: number;
  entries: number;
  bytes: number;
  sha256: string | null;
  error: string | null;
  requestedBy: string;
  scheduled: boolean;
  createdAt: Date | null;
}

/** A calendar day `YYYY-MM-DD`, as a date input holds it. */
export type DayInput = string;

/** The previous calendar month (UTC), as the inclusive day inputs of the form. */
export function lastMonth(now: Date): { from: DayInput; to: DayInput } {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/**
 * The period of a request from inclusive day inputs: `[from 00:00 UTC, day after to 00:00 UTC)`.
 * Null when a day is missing or the range is empty.
 */
export function periodOf(from: DayInput, to: DayInput): { from: string; to: string } | null {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from) || !day.test(to)) return null;
  const start = Date.parse(`${from}T00:00:00.000Z`);
  const end = Date.parse(`${to}T00:00:00.000Z`) + 86_400_000;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start >= end) return null;
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

const STATES = ['queued', 'running', 'succeeded', 'failed'] as const;

/** Reads a report document; anything malformed shows as failed rather than breaking the list. */
export function toReport(id: string, data: Record<string, unknown>): ReportView {
  const period = data['period'] as { from?: unknown; to?: unknown } | undefined;
  const by = data['requestedBy'] as { email?: unknown; uid?: unknown } | undefined;
  const error = data['error'] as { message?: unknown } | null | undefined;
  const created = data['createdAt'] as { toDate?: () => Date } | undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    id,
    kind: (LISTED_REPORT_KINDS as readonly string[]).includes(data['kind'] as string)
      ? (data['kind'] as ListedReportKind)
      : 'access',
    state: (STATES as readonly string[]).includes(data['state'] as string)
      ? (data['state'] as ReportView['state'])
      : 'failed',
    from: typeof period?.from === 'string' ? period.from : '',
    to: typeof period?.to === 'string' ? period.to : '',
    pages: n(data['pages']),
    entries: n(data['entries']),
    bytes: n(data['bytes']),
    sha256: typeof data['sha256'] === 'string' ? data['sha256'] : null,
    error: typeof error?.message === 'string' ? error.message : null,
    requestedBy:
      by?.uid === 'system'
        ? 'monthly schedule'
        : typeof by?.email === 'string'
          ? by.email
          : typeof by?.uid === 'string'
            ? by.uid
            : '',
    scheduled: data['scheduled'] === true,
    createdAt: typeof created?.toDate === 'function' ? created.toDate() : null,
  };
}
