import { FieldValue } from 'firebase-admin/firestore';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { downloadFileName, SubjectSummaryBuilder, subjectRecordOfLine } from '../domain/export';
import { reportObjectPath } from '../reports/report-jobs';
import { renderPdf } from '../reports/report-pdf';
import { subjectSummaryDocument } from '../reports/subject-summary-pdf';
import type { ExportJob } from './export-jobs';
import { saveObject, type Bucket } from './storage';

/** What writing the summary of a subject access export produced. */
export interface WrittenSummary {
  /** The summary's `audit_reports` id: the export's own id. */
  reportId: string;
  objectPath: string;
  sha256: string;
  pages: number;
  /** The finished report record, listed and downloaded like any report. */
  reportDoc: Record<string, unknown>;
}

/**
 * Reads a finished subject access file back line by line (one row per line, so memory stays flat
 * however long the subject's history), builds its summary, renders the PDF and stores it beside
 * the reports. The summary names the file's SHA-256, so the PDF vouches for the JSON it
 * summarises (pdfmake itself loads on the first PDF rendered).
 */
export async function writeSubjectSummary(
  deps: { bucket: Bucket; now(): Date },
  job: ExportJob,
  objectPath: string,
  file: { sha256: string; bytes: number },
): Promise<WrittenSummary> {
  const subject = job.subject!;
  const builder = new SubjectSummaryBuilder();
  const lines = createInterface({
    input: deps.bucket.file(objectPath).createReadStream({ validation: false }),
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    const record = subjectRecordOfLine(line);
    if (record) builder.add(record);
  }
  const summary = builder.result({
    exportId: job.id,
    tenantId: job.tenantId,
    subject: subject.id,
    subjectRef: subject.ref,
    reason: subject.reason,
    requestedAt: job.createdAt,
    file: { fileName: job.fileName, ...file },
  });
  const generatedAt = deps.now();
  const requestedBy = job.requestedBy;
  const { pdf, pages } = await renderPdf(
    subjectSummaryDocument(summary, {
      generatedAt,
      generatedBy: `${requestedBy.email ?? requestedBy.uid} (${requestedBy.role})`,
    }),
  );
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const reportPath = reportObjectPath(job.tenantId, job.id);
  await saveObject(deps.bucket.file(reportPath), pdf, 'application/pdf', {
    reportId: job.id,
    tenantId: job.tenantId,
    sha256,
  });
  return {
    reportId: job.id,
    objectPath: reportPath,
    sha256,
    pages,
    reportDoc: {
      tenantId: job.tenantId,
      requestedBy,
      kind: 'subject_access',
      period: { from: summary.firstOccurredAt ?? job.createdAt, to: job.createdAt },
      exportId: job.id,
      objectPath: reportPath,
      fileName: downloadFileName('subject-access', job.tenantId, job.createdAt, 'pdf'),
      scheduled: false,
      state: 'succeeded',
      contentType: 'application/pdf',
      sha256,
      bytes: pdf.length,
      pages,
      entries: summary.entries,
      figures: [
        { label: 'Entries', value: String(summary.entries) },
        { label: 'As actor', value: String(summary.asActor) },
        { label: 'Acted upon', value: String(summary.asResource) },
        { label: 'From the archive', value: String(summary.archived) },
      ],
      error: null,
      generatedAt,
      createdAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
      finishedAt: FieldValue.serverTimestamp(),
    },
  };
}
