import { FieldValue, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import type { Operation } from '../domain/envelope';
import type { ReportKind, ReportPeriod, Requester } from '../domain/export';
import { COLLECTIONS } from '../store/collections';

/** Who asked for a report: a person, or the monthly schedule. */
export type ReportRequester = Requester | { uid: 'system'; role: 'system'; tenantId: string };

export const REPORT_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/**
 * `audit_reports/{id}`: the report record the console lists. Written only by functions; the
 * report's own SHA-256 lives here (a PDF cannot contain its own hash).
 */
export interface ReportJob {
  id: string;
  tenantId: string;
  requestedBy: ReportRequester;
  kind: ReportKind;
  period: ReportPeriod;
  /** Only entries with one of these operations; absent means every operation. */
  operations?: Operation[];
  state: ReportState;
  objectPath: string;
  fileName: string;
}

export function reportRef(db: Firestore, id: string): DocumentReference {
  return db.collection(COLLECTIONS.reports).doc(id);
}

export function reportObjectPath(tenantId: string, reportId: string): string {
  return `reports/${tenantId}/${reportId}.pdf`;
}

/** The document `generateReport` (or the monthly schedule) creates. */
export function newReportDoc(input: {
  tenantId: string;
  requestedBy: ReportRequester;
  kind: ReportKind;
  period: ReportPeriod;
  operations?: Operation[];
  objectPath: string;
  fileName: string;
  scheduled: boolean;
}): Record<string, unknown> {
  return {
    ...input,
    state: 'queued',
    contentType: 'application/pdf',
    sha256: null,
    bytes: 0,
    pages: 0,
    entries: 0,
    figures: [],
    error: null,
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
  };
}
