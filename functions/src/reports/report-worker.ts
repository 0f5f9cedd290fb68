import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { createHash } from 'node:crypto';
import { readTenantSettings } from '../domain';
import {
  countedBy,
  jobError,
  populationWhere,
  REPORT_DEFINITIONS,
  ReportAccumulator,
  reportEvent,
  type ReportContext,
  type ReportEntry,
  type Requester,
} from '../domain/export';
import { COLLECTIONS } from '../store/collections';
import { recordPages } from '../export/tiered-source';
import * as logs from '../export/logs';
import { reportDocument, renderPdf } from './report-pdf';
import { reportRef, type ReportJob, type ReportRequester } from './report-jobs';
import { saveObject, type Bucket } from '../export/storage';

export interface ReportWorkerDeps {
  db: Firestore;
  bucket: Bucket;
  /** Where the archives are; archived days of the period are read from it. */
  archiveBucket?: Bucket;
  now(): Date;
  audit(envelope: Record<string, unknown>, deadLetterId: string): Promise<void>;
  pageSize?: number;
}

/** The entry fields a report reads: a projection keeps the pages small. */
const REPORT_FIELDS = [
  'logId',
  'occurredAt',
  'eventType',
  'category',
  'level',
  'outcome',
  'operation',
  'actor',
  'resource',
  'requiresReview',
  'changedFields',
  'metadata',
];

/** Archive states whose day still holds the rows in the cold tier. */
const ARCHIVED_STATES = new Set(['deleting', 'archived', 'restoring', 'restored']);

/** What the report says beyond the entries: tenant name, warm retention, archived days. */
async function reportContext(db: Firestore, tenantId: string): Promise<ReportContext> {
  const [tenant, archives] = await Promise.all([
    db.collection(COLLECTIONS.tenants).doc(tenantId).get(),
    db.collection(COLLECTIONS.archives).where('tenantId', '==', tenantId).select('date', 'state').get(),
  ]);
  const { settings } = readTenantSettings(tenant.data());
  const days = [
    ...new Set(
      archives.docs.filter((d) => ARCHIVED_STATES.has(d.get('state') as string)).map((d) => d.get('date') as string),
    ),
  ].sort();
  return {
    tenantId,
    ...(settings.name ? { tenantName: settings.name } : {}),
    retentionDays: settings.retentionDays,
    archive: { days: days.length, oldestDate: days[0] ?? null, newestDate: days[days.length - 1] ?? null },
  };
}

function requesterLabel(r: ReportRequester): string {
  if (r.uid === 'system') return 'monthly schedule';
  return 'email' in r && r.email ? `${r.email} (${r.role})` : `${r.uid} (${r.role})`;
}

function auditRequester(r: ReportRequester): Requester | { uid: 'system' } {
  return r.uid === 'system' ? { uid: 'system' } : r;
}

/** Claims a queued report once; a redelivered trigger finds it running and does nothing. */
async function claim(db: Firestore, reportId: string): Promise<ReportJob | null> {
  const ref = reportRef(db, reportId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const data = snap.data();
    if (!data || data.state !== 'queued') return null;
    tx.update(ref, {
      state: 'running',
      startedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    return {
      id: reportId,
      tenantId: data.tenantId as string,
      requestedBy: data.requestedBy as ReportRequester,
      kind: data.kind as ReportJob['kind'],
      period: data.period as ReportJob['period'],
      ...(Array.isArray(data.operations) ? { operations: data.operations as ReportJob['operations'] } : {}),
      state: 'running',
      objectPath: data.objectPath as string,
      fileName: data.fileName as string,
    };
  });
}

/**
 * Generates one report: reads its populations page by page into the accumulator (memory bounded
 * by the model's limits, not the period), renders the PDF, stores it with its SHA-256 and records
 * `compliance.report.generated`.
 */
export async function runReport(deps: ReportWorkerDeps, reportId: string): Promise<void> {
  const job = await claim(deps.db, reportId);
  if (!job) return;
  const started = Date.now();
  const ref = reportRef(deps.db, reportId);
  try {
    const definition = REPORT_DEFINITIONS[job.kind];
    const accumulator = new ReportAccumulator(job.kind, job.period);
    for (const [index, population] of definition.populations.entries()) {
      const plan = {
        where: [
          { field: 'tenantId', op: '==' as const, value: job.tenantId },
          ...populationWhere(population, job.operations),
        ],
        from: job.period.from,
        to: job.period.to,
      };
      const tiers = { db: deps.db, archiveBucket: deps.archiveBucket ?? deps.bucket };
      for await (const page of recordPages(tiers, job.tenantId, plan, deps.pageSize ?? 1000, null, REPORT_FIELDS)) {
        for (const record of page.records) {
          const entry = record as unknown as ReportEntry;
          if (countedBy(definition.populations, index, entry)) accumulator.add(entry);
        }
      }
    }
    const generatedAt = deps.now();
    const result = accumulator.result(await reportContext(deps.db, job.tenantId));
    // The cover says when a report covers only some operations, so it is never read as the whole.
    const model = job.operations
      ? { ...result, scope: `${result.scope} Only ${job.operations.join(', ')} operations.` }
      : result;
    const doc = await reportDocument(model, {
      reportId,
      tenantId: job.tenantId,
      generatedAt,
      generatedBy: requesterLabel(job.requestedBy),
    });
    const { pdf, pages } = await renderPdf(doc);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    await saveObject(deps.bucket.file(job.objectPath), pdf, 'application/pdf', {
      reportId,
      tenantId: job.tenantId,
      sha256,
    });
    const durationMs = Date.now() - started;
    await ref.update({
      state: 'succeeded',
      sha256,
      bytes: pdf.length,
      pages,
      entries: model.totals.entries,
      figures: model.figures,
      generatedAt,
      durationMs,
      finishedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    await deps.audit(
      reportEvent({
        tenantId: job.tenantId,
        occurredAt: deps.now(),
        reportId,
        requester: auditRequester(job.requestedBy),
        kind: job.kind,
        period: job.period,
        entries: model.totals.entries,
        pages,
        bytes: pdf.length,
        sha256,
        outcome: 'generated',
      }),
      `report-${reportId}-generated`,
    );
    logs.reportFinished(reportId, job.tenantId, pages, durationMs);
  } catch (err) {
    logs.jobFailed('report', reportId, job.tenantId, err);
    await ref.update({
      state: 'failed',
      error: jobError(err),
      finishedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    });
    await deps
      .audit(
        reportEvent({
          tenantId: job.tenantId,
          occurredAt: deps.now(),
          reportId,
          requester: auditRequester(job.requestedBy),
          kind: job.kind,
          period: job.period,
          entries: 0,
          pages: 0,
          bytes: 0,
          sha256: null,
          outcome: 'failed',
          error: jobError(err).code,
        }),
        `report-${reportId}-failed`,
      )
      .catch((auditErr: unknown) => logs.jobFailed('report', reportId, job.tenantId, auditErr));
  }
}
