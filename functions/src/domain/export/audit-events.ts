import type { Requester } from './access';
import type { ExportFormat } from './encoders';
import type { ReportKind, ReportPeriod } from './report-kinds';

/**
 * The audit entries of the audit system's own exports and reports ("audit of the auditors"):
 * envelopes for the common ingest entry point. Each event id is derived from the job, so a
 * retried worker records its event once.
 */

/** `source` of export and report events. */
export const EXPORT_SOURCE = 'audit-export';

function actorOf(who: Requester | { uid: 'system' }): Record<string, unknown> {
  if (who.uid === 'system') return { type: 'system', id: 'scheduler' };
  const person = who as Requester;
  return { type: 'user', id: person.uid, roles: [person.role], ...(person.email ? { email: person.email } : {}) };
}

interface Common {
  tenantId: string;
  occurredAt: Date;
}

export interface ExportEventInput extends Common {
  exportId: string;
  requester: Requester;
  format: ExportFormat;
  filter: Record<string, unknown>;
  filterSummary: string;
  rows: number;
  bytes: number;
  sha256: string | null;
  outcome: 'completed' | 'failed' | 'canceled';
  error?: string;
}

/** `compliance.export.completed` (or `.failed`, `.canceled`): who exported what, how many rows, the file's hash. */
export function exportEvent(input: ExportEventInput): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `export-${input.exportId}-${input.outcome}`,
    eventType: `compliance.export.${input.outcome}`,
    tenantId: input.tenantId,
    occurredAt: input.occurredAt.toISOString(),
    source: EXPORT_SOURCE,
    actor: actorOf(input.requester),
    resource: { type: 'audit_export', id: input.exportId },
    operation: 'READ',
    outcome: input.outcome === 'failed' ? 'failure' : 'success',
    metadata: {
      exportId: input.exportId,
      format: input.format,
      filter: input.filterSummary,
      filterDetail: input.filter,
      rows: input.rows,
      bytes: input.bytes,
      ...(input.sha256 ? { sha256: input.sha256 } : {}),
      ...(input.error ? { error: input.error } : {}),
    },
  };
}

export interface ReportEventInput extends Common {
  reportId: string;
  requester: Requester | { uid: 'system' };
  kind: ReportKind;
  period: ReportPeriod;
  entries: number;
  pages: number;
  bytes: number;
  sha256: string | null;
  outcome: 'generated' | 'failed';
  error?: string;
}

/** `compliance.report.generated` (or `.failed`): which report, for which period, its file's hash. */
export function reportEvent(input: ReportEventInput): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `report-${input.reportId}-${input.outcome}`,
    eventType: `compliance.report.${input.outcome}`,
    tenantId: input.tenantId,
    occurredAt: input.occurredAt.toISOString(),
    source: EXPORT_SOURCE,
    actor: actorOf(input.requester),
    resource: { type: 'audit_report', id: input.reportId },
    operation: 'CREATE',
    outcome: input.outcome === 'failed' ? 'failure' : 'success',
    metadata: {
      reportId: input.reportId,
      kind: input.kind,
      periodFrom: input.period.from,
      periodTo: input.period.to,
      entries: input.entries,
      pages: input.pages,
      bytes: input.bytes,
      ...(input.sha256 ? { sha256: input.sha256 } : {}),
      ...(input.error ? { error: input.error } : {}),
    },
  };
}

export interface DownloadEventInput extends Common {
  kind: 'export' | 'report';
  jobId: string;
  requester: Requester;
  sha256: string;
}

/** `compliance.export.downloaded` / `compliance.report.downloaded`: who fetched which file. */
export function downloadEvent(input: DownloadEventInput, deliveryId: string): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `download-${deliveryId}`,
    eventType: `compliance.${input.kind}.downloaded`,
    tenantId: input.tenantId,
    occurredAt: input.occurredAt.toISOString(),
    source: EXPORT_SOURCE,
    actor: actorOf(input.requester),
    resource: { type: `audit_${input.kind}`, id: input.jobId },
    operation: 'READ',
    outcome: 'success',
    metadata: { sha256: input.sha256 },
  };
}
