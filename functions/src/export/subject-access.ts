import type { CallableOutput } from '@audit-log/model/callables';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { stageAuditEvent } from '../commands/audit';
import { runCallable } from '../commands/callable';
import {
  downloadFileName,
  exportObjectPath,
  gdprExportEvent,
  parseExportFilter,
  parseStartSubjectAccessExport,
  reportRequester,
  subjectAccessEncoder,
} from '../domain/export';
import { firestore } from '../firebase';
import { dataKeyStore } from '../privacy/data-keys';
import { exportsCollection, newExportDoc } from './export-jobs';

/**
 * `startSubjectAccessExport({subject, reason})`: a compliance officer or admin asks for everything
 * the log holds about one data subject (`gdpr_export`). The job is an ordinary export job (same
 * worker, slices, cancellation, sweep and downloads) whose populations are the subject's; its
 * request and the job commit together with the `compliance.gdpr_export.requested` entry, so no
 * subject access export exists unrecorded. The tenant always comes from the claims.
 */
export function handleStartSubjectAccessExport(
  request: CallableRequest,
): Promise<CallableOutput<'startSubjectAccessExport'>> {
  return runCallable('startSubjectAccessExport', async () => {
    const requester = reportRequester(request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined);
    const { subject, reason } = parseStartSubjectAccessExport(request.data);
    const keys = dataKeyStore();
    // The reference the erasure records use: the two kinds of request for one person line up.
    if (!keys) throw new Error('AUDIT_PERSONAL_DATA_KEK has no value');
    const subjectRef = keys.subjectRef(requester.tenantId, subject);
    const db = firestore();
    const ref = exportsCollection(db).doc();
    const createdAt = new Date();
    const encoder = subjectAccessEncoder({
      exportId: ref.id,
      tenantId: requester.tenantId,
      subject,
      requestedAt: createdAt.toISOString(),
    });
    const logId = await db.runTransaction((tx) => {
      tx.create(
        ref,
        newExportDoc({
          tenantId: requester.tenantId,
          requestedBy: requester,
          filter: parseExportFilter({ actorId: subject }),
          filterSummary: `data subject ${subject} (as actor or as user acted upon)`,
          format: 'json',
          bom: false,
          objectPath: exportObjectPath(requester.tenantId, ref.id, encoder.extension),
          contentType: encoder.contentType,
          fileName: downloadFileName('subject-access', requester.tenantId, createdAt.toISOString(), 'json'),
          subject: { id: subject, ref: subjectRef, reason },
        }),
      );
      const staged = stageAuditEvent(
        tx,
        db,
        gdprExportEvent({
          step: 'requested',
          tenantId: requester.tenantId,
          occurredAt: createdAt,
          exportId: ref.id,
          requester,
          subjectRef,
          reason,
        }),
      );
      return Promise.resolve(staged);
    });
    return { exportId: ref.id, logId };
  });
}
