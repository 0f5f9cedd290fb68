import { StoredDocumentError } from '@audit-log/model/stored-document';
import type { DocumentData, Firestore } from 'firebase-admin/firestore';
import { FieldValue } from 'firebase-admin/firestore';
import {
  DEFAULT_PROGRESS_POLICY,
  encoderFor,
  exportJoinedPath,
  exportPartPath,
  exportPopulations,
  jobError,
  pagesOfPopulations,
  progressDue,
  progressOf,
  sliceBudgetOf,
  subjectAccessEncoder,
  DEFAULT_SLICE_BUDGET,
  type ExportCursor,
  type PopulationPosition,
  type ProgressPolicy,
  type RecordEncoder,
  type SliceBudget,
} from '../domain/export';
import { reportRef } from '../reports/report-jobs';
import { exportRef, failedExportEvent, jobFromDoc, jobOutcomeEvent, sliceRef, type ExportJob } from './export-jobs';
import { countMatches } from './log-source';
import { tenantBlindIndex } from '../privacy/data-keys';
import * as logs from './logs';
import { deleteObjects, HashingObjectWriter, joinObjects, type Bucket } from './storage';
import { writeSubjectSummary } from './subject-summary';
import { archivedDaysInRange, recordPages, type RecordPage } from './tiered-source';

/** What the worker needs from the outside; tests and benchmarks pass their own. */
export interface ExportWorkerDeps {
  db: Firestore;
  bucket: Bucket;
  /** Where the archives are (the archive bucket); archived days in range are exported from it. */
  archiveBucket?: Bucket;
  now(): Date;
  /** Records an audit envelope (the common ingest entry point in production). */
  audit(envelope: Record<string, unknown>, deadLetterId: string): Promise<void>;
  budget?: SliceBudget;
  pageSize?: number;
  progress?: ProgressPolicy;
}

/**
 * Documents read per query page: one page is all the worker holds of the source at a time (~10 MB
 * at 1,000 entries). Each page is one query, and a query has a fixed cost besides its documents
 * (a round trip in production; a scan of the whole collection on the emulator, ~1 s at 100,000
 * entries), so pages of 1,000 halve that overhead against 500 for a few MB more.
 */
export const EXPORT_PAGE_SIZE = 1000;

type Claim =
  | { action: 'run'; job: ExportJob }
  | { action: 'cleanup'; job: ExportJob }
  | { action: 'skip' }
  | { action: 'malformed'; error: StoredDocumentError; tenantId: string };

/**
 * The job of a malformed document, or the update that fails it. Such a job can never run (every
 * retry meets the same document), so it is failed at once with the document's path and the fields
 * to mend, which the console shows, instead of crashing the trigger and staying queued forever.
 */
function readClaimedJob(
  id: string,
  data: DocumentData,
): { job: ExportJob } | { error: StoredDocumentError; update: DocumentData } {
  try {
    return { job: jobFromDoc(id, data) };
  } catch (err) {
    if (!(err instanceof StoredDocumentError)) throw err;
    const update = {
      state: 'failed',
      error: { code: err.code, message: err.message.slice(0, 1024) },
      finishedAt: FieldValue.serverTimestamp(),
      updatedAt: FieldValue.serverTimestamp(),
    };
    return { error: err, update };
  }
}

/**
 * Claims slice `slice` of a job once: slice 0 moves `queued` → `running`; a later slice runs only
 * when the job hands over to it. A redelivered trigger finds the slice claimed and does nothing.
 * A job canceled between slices has its earlier parts removed by the slice that finds it so.
 */
async function claimSlice(deps: ExportWorkerDeps, exportId: string, slice: number): Promise<Claim> {
  const ref = exportRef(deps.db, exportId);
  return deps.db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return { action: 'skip' } as const;
    const data = snap.data()!;
    const read = readClaimedJob(exportId, data);
    if ('error' in read) {
      // Failed once: a redelivered trigger finds the job failed already and leaves it alone.
      if (data.state === 'failed') return { action: 'skip' } as const;
      tx.update(ref, read.update);
      const tenantId = typeof data.tenantId === 'string' ? data.tenantId : '(unknown)';
      return { action: 'malformed', error: read.error, tenantId } as const;
    }
    const { job } = read;
    if (job.claimedSlice >= slice) return { action: 'skip' } as const;
    if (job.state === 'canceled' && slice > 0) {
      tx.update(ref, { claimedSlice: slice });
      return { action: 'cleanup', job } as const;
    }
    const runnable = slice === 0 ? job.state === 'queued' : job.state === 'running' && job.slice === slice;
    if (!runnable) return { action: 'skip' } as const;
    const update: DocumentData = { claimedSlice: slice, updatedAt: FieldValue.serverTimestamp() };
    if (slice === 0) Object.assign(update, { state: 'running', startedAt: FieldValue.serverTimestamp() });
    tx.update(ref, update);
    return { action: 'run', job: { ...job, state: 'running', claimedSlice: slice } } as const;
  });
}

/** How a job's rows are written: its format, or the subject access file. */
function encoderOf(job: ExportJob): RecordEncoder {
  if (job.subject === undefined) return encoderFor(job.format, job.bom);
  return subjectAccessEncoder({
    exportId: job.id,
    tenantId: job.tenantId,
    subject: job.subject.id,
    requestedAt: job.createdAt,
  });
}

/** Every object a job may have written so far: the export object and the parts of later slices. */
function writtenObjects(job: ExportJob, extension: string, upToSlice: number): string[] {
  const paths = [job.objectPath];
  for (let part = 1; part <= upToSlice; part++) paths.push(exportPartPath(job.tenantId, job.id, extension, part));
  return paths;
}

/** What to remove when a job fails or is canceled: its parts and a joined object, if any. */
function leftovers(job: ExportJob, extension: string, upToSlice: number): string[] {
  return [...writtenObjects(job, extension, upToSlice), exportJoinedPath(job.tenantId, job.id, extension)];
}

/** Peak memory of this process while a slice runs, sampled at progress points. */
class MemoryPeak {
  readonly startRss = process.memoryUsage.rss();
  readonly startHeap = process.memoryUsage().heapUsed;
  peakRss = this.startRss;
  peakHeap = this.startHeap;
  sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
  }
  toDoc(): Record<string, number> {
    return {
      startRssBytes: this.startRss,
      peakRssBytes: this.peakRss,
      startHeapBytes: this.startHeap,
      peakHeapBytes: this.peakHeap,
    };
  }
}

/**
 * Runs one slice of an export: pages through the matching entries (newest first) from the job's
 * cursor, encodes and streams them into this slice's object while hashing, reports progress every
 * few thousand rows, and checks for cancellation between pages. When the slice's budget runs out
 * it records the cursor and queues the next slice (a new function run); the last slice joins the
 * parts, records the SHA-256 and size, and writes the `compliance.export.completed` audit entry.
 */
export async function runExportSlice(deps: ExportWorkerDeps, exportId: string, slice: number): Promise<void> {
  const claim = await claimSlice(deps, exportId, slice);
  if (claim.action === 'skip') return;
  if (claim.action === 'malformed') {
    logs.jobFailed('export', exportId, claim.tenantId, claim.error);
    return;
  }
  const { job } = claim;
  const encoder = encoderOf(job);
  if (claim.action === 'cleanup') {
    await deleteObjects(deps.bucket, leftovers(job, encoder.extension, slice));
    return;
  }
  const ref = exportRef(deps.db, exportId);
  const started = Date.now();
  const budget = sliceBudgetOf(job.sliceRows, deps.budget ?? DEFAULT_SLICE_BUDGET);
  const policy = deps.progress ?? DEFAULT_PROGRESS_POLICY;
  const pageSize = deps.pageSize ?? EXPORT_PAGE_SIZE;
  const memory = new MemoryPeak();
  const objectPath = slice === 0 ? job.objectPath : exportPartPath(job.tenantId, job.id, encoder.extension, slice);
  let writer: HashingObjectWriter | undefined;
  try {
    const populations = exportPopulations(job.tenantId, job, tenantBlindIndex(job.tenantId));
    let rowsTotal = job.rowsTotal;
    if (slice === 0) {
      // Archived rows are not counted ahead (that would read every archive twice), nor rows of
      // populations that overlap: the total is then known when the export finishes.
      const [only] = populations;
      const withArchive = await archivedDaysInRange(deps.db, job.tenantId, only?.plan.from, only?.plan.to);
      rowsTotal = withArchive || populations.length !== 1 || !only ? null : await countMatches(deps.db, only.plan);
      await ref.update({ rowsTotal, updatedAt: FieldValue.serverTimestamp() });
    }
    writer = new HashingObjectWriter(deps.bucket.file(objectPath), encoder.contentType, {
      exportId,
      tenantId: job.tenantId,
    });
    if (slice === 0) await writer.write(encoder.start());

    let rows = job.rowsWritten;
    let position: PopulationPosition<ExportCursor> = { population: job.population, cursor: job.cursor };
    let rowsAtReport = rows;
    let reportedAt = Date.now();
    let handOver = false;
    const tiers = { db: deps.db, archiveBucket: deps.archiveBucket ?? deps.bucket };
    const pages = pagesOfPopulations(populations.length, position, (population, after) =>
      recordPages(tiers, job.tenantId, populations[population]!.plan, pageSize, after),
    );
    for await (const { population, page } of pages) {
      const state = (await ref.get()).get('state') as string | undefined;
      if (state !== 'running') {
        writer.abort();
        await deleteObjects(deps.bucket, leftovers(job, encoder.extension, slice));
        logs.exportFinished(exportId, job.tenantId, state ?? 'deleted', rows, Date.now() - started);
        return;
      }
      const { writtenBefore, present } = populations[population]!;
      for (const [i, record] of page.records.entries()) {
        if (writtenBefore(record)) continue;
        await writer.write(encoder.record(present(record, tierOf(page, i)), rows));
        rows++;
      }
      position = { population, cursor: page.last };
      if (progressDue(policy, rows - rowsAtReport, Date.now() - reportedAt)) {
        memory.sample();
        await ref.update({
          rowsWritten: rows,
          bytes: job.bytes + writer.bytes,
          progress: progressOf(rows, rowsTotal),
          stats: memory.toDoc(),
          updatedAt: FieldValue.serverTimestamp(),
        });
        rowsAtReport = rows;
        reportedAt = Date.now();
      }
      const sliceRows = rows - job.rowsWritten;
      if (page.full && (sliceRows >= budget.maxRows || Date.now() - started >= budget.maxMs)) {
        handOver = true;
        break;
      }
    }

    if (handOver) {
      const part = await writer.close();
      memory.sample();
      const batch = deps.db.batch();
      batch.update(ref, {
        slice: slice + 1,
        parts: slice + 1,
        cursor: position.cursor,
        population: position.population,
        rowsWritten: rows,
        bytes: job.bytes + part.bytes,
        progress: progressOf(rows, rowsTotal),
        stats: memory.toDoc(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      batch.create(sliceRef(deps.db, exportId, slice + 1), { createdAt: FieldValue.serverTimestamp() });
      await batch.commit();
      logs.exportSliceHandedOver(exportId, job.tenantId, slice, rows);
      return;
    }

    await writer.write(encoder.end(rows));
    const last = await writer.close();
    let digest = { sha256: last.sha256, bytes: job.bytes + last.bytes };
    let finalPath = job.objectPath;
    if (slice > 0) {
      // Several parts: join them into one new object, hashed as it is joined, and drop the parts.
      const sources = writtenObjects(job, encoder.extension, slice);
      finalPath = exportJoinedPath(job.tenantId, job.id, encoder.extension);
      digest = await joinObjects(deps.bucket, sources, finalPath, encoder.contentType, {
        exportId,
        tenantId: job.tenantId,
      });
      await deleteObjects(deps.bucket, sources);
    }
    // A subject access export's PDF summary is read from the finished file, so the two agree.
    const summary = job.subject ? await writeSubjectSummary(deps, job, finalPath, digest) : undefined;
    memory.sample();
    const finished = await deps.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.get('state') !== 'running') return false;
      tx.update(ref, {
        state: 'succeeded',
        objectPath: finalPath,
        rowsWritten: rows,
        rowsTotal: rows,
        bytes: digest.bytes,
        sha256: digest.sha256,
        progress: 1,
        parts: slice + 1,
        cursor: null,
        stats: { ...memory.toDoc(), durationMs: Date.now() - Date.parse(job.createdAt) },
        ...(summary ? { summaryReportId: summary.reportId } : {}),
        finishedAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      // Listed with the reports, downloaded like one; the report worker leaves a finished one alone.
      if (summary) tx.set(reportRef(deps.db, summary.reportId), summary.reportDoc);
      return true;
    });
    if (!finished) {
      await deleteObjects(deps.bucket, [finalPath, ...(summary ? [summary.objectPath] : [])]);
      return;
    }
    await deps.audit(
      jobOutcomeEvent(job, deps.now(), 'completed', {
        rows,
        bytes: digest.bytes,
        sha256: digest.sha256,
        ...(summary ? { summary: { reportId: summary.reportId, sha256: summary.sha256, pages: summary.pages } } : {}),
      }),
      `export-${exportId}-completed`,
    );
    logs.exportFinished(exportId, job.tenantId, 'succeeded', rows, Date.now() - started);
  } catch (err) {
    writer?.abort();
    logs.jobFailed('export', exportId, job.tenantId, err);
    await failJob(deps, job, encoder.extension, slice, err);
  }
}

/** The tier row `index` of a page was read from. */
function tierOf(page: RecordPage, index: number): 'warm' | 'archive' {
  return page.tiers[index] === 'cold' ? 'archive' : 'warm';
}

/** Marks a job failed, removes what it wrote and records `compliance.export.failed`. */
async function failJob(
  deps: ExportWorkerDeps,
  job: ExportJob,
  extension: string,
  slice: number,
  err: unknown,
): Promise<void> {
  const error = jobError(err);
  await exportRef(deps.db, job.id).update({
    state: 'failed',
    error,
    finishedAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
  });
  await deleteObjects(deps.bucket, leftovers(job, extension, slice)).catch(() => undefined);
  await deps
    .audit(failedExportEvent(job, deps.now(), error.code), `export-${job.id}-failed`)
    .catch((auditErr: unknown) => logs.jobFailed('export', job.id, job.tenantId, auditErr));
}
