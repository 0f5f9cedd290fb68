import type { CallableOutput } from '@audit-log/model/callables';
import { FieldValue } from 'firebase-admin/firestore';
import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { onCall, onRequest, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { operatorTenant, parseCommand } from '../domain/commands';
import { runEscalationInputSchema } from '../domain/review';
import { firestore } from '../firebase';
import {
  assertExport,
  assertJobVisible,
  describeExportFilter,
  downloadFileName,
  encoderFor,
  exportObjectPath,
  exportRequester,
  isActive,
  parseJobId,
  parseStartExport,
  planExportQuery,
  type ExportCaller,
} from '../domain/export';
import { recordAudit } from './audit';
import { handleStartSubjectAccessExport } from './subject-access';
import { tenantBlindIndex } from '../privacy/data-keys';
import { handleDownload, issueDownloadLink, type DownloadDeps } from './downloads';
import { exportRef, exportsCollection, jobFromDoc, jobOutcomeEvent, newExportDoc } from './export-jobs';
import { sweepStaleExports } from './export-sweep';
import { runExportSlice, type ExportWorkerDeps } from './export-worker';
import { archiveBucket } from '../tiering/storage';
import { exportBucket } from './storage';

// The adapters of exports: callables, the download endpoint and the worker triggers. Each maps a
// Firebase event onto the plain modules beside it, which tests and benchmarks call directly.

function callerOf(request: CallableRequest): ExportCaller | undefined {
  return request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined;
}

function workerDeps(): ExportWorkerDeps & DownloadDeps {
  return {
    db: firestore(),
    bucket: exportBucket(),
    archiveBucket: archiveBucket(),
    now: () => new Date(),
    audit: recordAudit,
  };
}

/**
 * `startExport({format, bom?, filter})`: queues an export of the caller's tenant (admin, auditor,
 * compliance). The tenant comes from the claims only; the filter is planned now, so a combination
 * no index serves is refused at once instead of failing in the worker.
 */
export function handleStartExport(request: CallableRequest): Promise<CallableOutput<'startExport'>> {
  return runCallable('startExport', async () => {
    const requester = exportRequester(callerOf(request));
    const input = parseStartExport(request.data);
    const blindIndex = tenantBlindIndex(requester.tenantId);
    planExportQuery(requester.tenantId, input.filter, blindIndex);
    const encoder = encoderFor(input.format, input.bom);
    const ref = exportsCollection(firestore()).doc();
    await ref.create(
      newExportDoc({
        tenantId: requester.tenantId,
        requestedBy: requester,
        filter: input.filter,
        filterSummary: describeExportFilter(input.filter, blindIndex),
        format: input.format,
        bom: input.bom,
        objectPath: exportObjectPath(requester.tenantId, ref.id, encoder.extension),
        contentType: encoder.contentType,
        fileName: downloadFileName('audit-export', requester.tenantId, new Date().toISOString(), encoder.extension),
      }),
    );
    return { exportId: ref.id };
  });
}

/** `cancelExport({id})`: stops a queued or running export of the caller's tenant; audited. */
export function handleCancelExport(request: CallableRequest): Promise<CallableOutput<'cancelExport'>> {
  return runCallable('cancelExport', async () => {
    const requester = exportRequester(callerOf(request));
    const id = parseJobId(request.data);
    const db = firestore();
    const ref = exportRef(db, id);
    const job = await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      assertJobVisible(requester, snap.get('tenantId') as string | undefined);
      const current = jobFromDoc(id, snap.data());
      assertExport(isActive(current.state), 'failed_precondition', `the export is already ${current.state}`);
      tx.update(ref, {
        state: 'canceled',
        canceledBy: requester,
        finishedAt: FieldValue.serverTimestamp(),
        updatedAt: FieldValue.serverTimestamp(),
      });
      return current;
    });
    await recordAudit(
      jobOutcomeEvent(job, new Date(), 'canceled', { rows: job.rowsWritten, bytes: job.bytes, sha256: null }),
      `export-${id}-canceled`,
    );
    return { state: 'canceled' as const };
  });
}

/** `createDownloadLink({kind, id})`: a single-use link to a finished export or report. */
export function handleCreateDownloadLink(request: CallableRequest): Promise<CallableOutput<'createDownloadLink'>> {
  return runCallable('createDownloadLink', () => issueDownloadLink(workerDeps(), callerOf(request), request.data));
}

export const startExport = onCall({ region: REGION }, withFreshToken(handleStartExport));
export const startSubjectAccessExport = onCall({ region: REGION }, withFreshToken(handleStartSubjectAccessExport));
export const cancelExport = onCall({ region: REGION }, withFreshToken(handleCancelExport));
export const createDownloadLink = onCall({ region: REGION }, withFreshToken(handleCreateDownloadLink));

/** Streams a finished export or report (see downloads.ts); CORS open because auth is a bearer token, never a cookie. */
export const downloadExport = onRequest(
  { region: REGION, cors: true, timeoutSeconds: 3600, memory: '512MiB' },
  (req, res) => handleDownload(workerDeps(), req, res),
);

const workerOptions = {
  region: REGION,
  memory: '1GiB' as const,
  timeoutSeconds: 540,
  retry: false,
};

/** Slice 0 of an export starts when its job document is created. */
export const exportWorker = onDocumentCreated({ ...workerOptions, document: 'audit_exports/{exportId}' }, (event) =>
  runExportSlice(workerDeps(), event.params.exportId, 0),
);

/** Every later slice starts when the previous one creates its hand-over document. */
export const exportWorkerSlice = onDocumentCreated(
  { ...workerOptions, document: 'audit_exports/{exportId}/slices/{slice}' },
  (event) => runExportSlice(workerDeps(), event.params.exportId, Number(event.params.slice)),
);

// Registrations of the export sweep: every 15 minutes, and on demand for admins (the emulator
// never fires schedules). Both do the same, so running it extra is harmless.

/** `runExportSweep({tenantId?})`: a tenant admin sweeps their tenant, a platform admin one tenant or all. */
export function handleRunExportSweep(request: CallableRequest): Promise<CallableOutput<'runExportSweep'>> {
  return runCallable('runExportSweep', async () => {
    const caller = requestCaller(request);
    // Same input as the other operator runs: an optional tenant id.
    const input = parseCommand(runEscalationInputSchema, request.data);
    const tenantId = operatorTenant(caller, input.tenantId);
    return sweepStaleExports(firestore(), {
      ...(tenantId !== null ? { tenantId } : {}),
      now: new Date(),
      audit: recordAudit,
    });
  });
}
export const runExportSweep = onCall(COMMAND_OPTIONS, withFreshToken(handleRunExportSweep));

/** Every 15 minutes: an abandoned export shows as failed within 45 minutes of its last sign of life. */
export const sweepStaleExportsScheduled = onSchedule(
  { schedule: 'every 15 minutes', region: REGION, memory: '256MiB', timeoutSeconds: 300, retryCount: 1 },
  async () => {
    await sweepStaleExports(firestore(), { now: new Date(), audit: recordAudit });
  },
);
