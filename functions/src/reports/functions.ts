import type { CallableOutput } from '@audit-log/model/callables';
import type { Firestore } from 'firebase-admin/firestore';
import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { firestore } from '../firebase';
import { downloadFileName, parseGenerateReport, previousMonth, REPORT_KINDS, reportRequester } from '../domain/export';
import { COLLECTIONS } from '../store/collections';
import { recordAudit } from '../export/audit';
import { newReportDoc, reportObjectPath } from './report-jobs';
import { runReport, type ReportWorkerDeps } from './report-worker';
import { exportBucket } from '../export/storage';
import { archiveBucket } from '../tiering/storage';
import { isAlreadyExists } from '../store/write-errors';

function deps(): ReportWorkerDeps {
  return {
    db: firestore(),
    bucket: exportBucket(),
    archiveBucket: archiveBucket(),
    now: () => new Date(),
    audit: recordAudit,
  };
}

/** `generateReport({kind, from, to})`: queues a PDF report of the caller's tenant (admin, compliance). */
export function handleGenerateReport(request: CallableRequest): Promise<CallableOutput<'generateReport'>> {
  return runCallable('generateReport', async () => {
    const requester = reportRequester(request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined);
    const { kind, period, operations } = parseGenerateReport(request.data);
    const ref = firestore().collection(COLLECTIONS.reports).doc();
    await ref.create(
      newReportDoc({
        tenantId: requester.tenantId,
        requestedBy: requester,
        kind,
        period,
        ...(operations ? { operations } : {}),
        objectPath: reportObjectPath(requester.tenantId, ref.id),
        fileName: downloadFileName(`${kind}-report`, requester.tenantId, period.from, 'pdf'),
        scheduled: false,
      }),
    );
    return { reportId: ref.id };
  });
}

/**
 * Queues last month's reports for every tenant that asks for them (`monthlyReports` in its tenant
 * document: a list of report kinds). Ids are derived from tenant, kind and month, so a second run
 * in the same month queues nothing new. Plain module: the schedule and operators both call it.
 */
export async function scheduleMonthlyReports(db: Firestore, now: Date): Promise<string[]> {
  const month = previousMonth(now);
  const tenants = await db.collection(COLLECTIONS.tenants).select('monthlyReports').get();
  const queued: string[] = [];
  for (const tenant of tenants.docs) {
    const wanted = tenant.get('monthlyReports') as unknown;
    if (!Array.isArray(wanted)) continue;
    const kinds = REPORT_KINDS.filter((k) => wanted.includes(k));
    for (const kind of kinds) {
      const id = `monthly-${kind}-${month.label}-${tenant.id}`;
      try {
        await db
          .collection(COLLECTIONS.reports)
          .doc(id)
          .create(
            newReportDoc({
              tenantId: tenant.id,
              requestedBy: { uid: 'system', role: 'system', tenantId: tenant.id },
              kind,
              period: { from: month.from, to: month.to },
              objectPath: reportObjectPath(tenant.id, id),
              fileName: downloadFileName(`${kind}-report`, tenant.id, month.from, 'pdf'),
              scheduled: true,
            }),
          );
        queued.push(id);
      } catch (err) {
        // This month's report was queued by an earlier run.
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }
  return queued;
}

export const generateReport = onCall({ region: REGION }, withFreshToken(handleGenerateReport));

/** A report is generated when its record is created (by the callable or the schedule). */
export const reportWorker = onDocumentCreated(
  {
    region: REGION,
    memory: '1GiB',
    timeoutSeconds: 540,
    retry: false,
    document: 'audit_reports/{reportId}',
  },
  (event) => runReport(deps(), event.params.reportId),
);

/** On the 1st of every month at 03:00 UTC: last month's reports for tenants that asked for them. */
export const reportsMonthly = onSchedule(
  { schedule: '0 3 1 * *', timeZone: 'UTC', region: REGION, retryCount: 0 },
  async () => {
    await scheduleMonthlyReports(firestore(), new Date());
  },
);
