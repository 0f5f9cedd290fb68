import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { StoredDocumentError } from '@audit-log/model/stored-document';
import { exportRef, exportsCollection, failedExportEvent, jobFromDoc, type ExportJob } from './export-jobs';
import * as logs from './logs';

/**
 * The sweep of export jobs whose worker died. A worker stamps `updatedAt` at every slice claim,
 * progress step and hand-over, and a slice ends within its function timeout (540 s); a crash
 * (out of memory, instance lost) leaves the job `running` with nobody to finish it, and the
 * console would show it running forever. The sweep marks such jobs failed (`worker_lost`) and
 * records `compliance.export.failed`, as a failing worker does. A plain module with an admin
 * entry point (`runExportSweep`) beside the schedule, because the emulator never fires schedules.
 */

/** Silence after which a running job counts as abandoned: several slice timeouts, never a live slice. */
export const EXPORT_STALE_MS = 30 * 60_000;

export interface SweepOptions {
  /** Only this tenant's jobs; all tenants when absent. */
  tenantId?: string;
  now: Date;
  staleMs?: number;
  audit: (envelope: Record<string, unknown>, deadLetterId: string) => Promise<void>;
}

export interface SweepReport {
  swept: number;
  exportIds: string[];
}

const STALE_ERROR = {
  code: 'worker_lost',
  message: 'the export stopped without finishing (its worker was lost); start it again',
} as const;

/** Marks the stale running jobs failed; a job that moved meanwhile is left alone. */
export async function sweepStaleExports(db: Firestore, options: SweepOptions): Promise<SweepReport> {
  const cutoff = options.now.getTime() - (options.staleMs ?? EXPORT_STALE_MS);
  let query = exportsCollection(db).where('state', '==', 'running');
  if (options.tenantId !== undefined) query = query.where('tenantId', '==', options.tenantId);
  const running = await query.get();
  const exportIds: string[] = [];
  for (const doc of running.docs) {
    const ref = exportRef(db, doc.id);
    // In a transaction, so a worker that reports progress at this moment keeps its job.
    const swept = await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const updatedAt = snap.get('updatedAt') as unknown;
      const lastMs = updatedAt instanceof Timestamp ? updatedAt.toMillis() : 0;
      if (snap.get('state') !== 'running' || lastMs >= cutoff) return false;
      tx.update(ref, {
        state: 'failed',
        error: STALE_ERROR,
        finishedAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      return true;
    });
    if (!swept) continue;
    exportIds.push(doc.id);
    const read = readSweptJob(doc.id, doc.data());
    if (read instanceof StoredDocumentError) {
      // Failed all the same, but without the fields its audit entry needs: logged with the
      // fields to mend, and the sweep goes on with the other jobs.
      logs.jobFailed('export', doc.id, String(doc.get('tenantId')), read);
      continue;
    }
    logs.jobFailed('export', read.id, read.tenantId, new Error(STALE_ERROR.message));
    await options.audit(failedExportEvent(read, options.now, STALE_ERROR.code), `export-${read.id}-failed`);
  }
  return { swept: exportIds.length, exportIds };
}

function readSweptJob(id: string, data: Record<string, unknown>): ExportJob | StoredDocumentError {
  try {
    return jobFromDoc(id, data);
  } catch (err) {
    if (err instanceof StoredDocumentError) return err;
    throw err;
  }
}
