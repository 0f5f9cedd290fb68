import { onSchedule } from 'firebase-functions/v2/scheduler';
import { REGION } from '../config';
import { firestore } from '../firebase';
import { ingestSystemEvent } from '../ingest/ingest';
import { logIdFor } from '../domain';
import { INGEST_SYSTEM_SOURCE } from '../domain/streams';
import { tenantSettingsInvalid } from '../logs';
import { runGapDetection, type EmitGapReport, type GapDetectionOptions, type GapDetectionReport } from './gap-detector';
import * as logs from './logs';
import { StreamStore } from './stream-store';

/** Gap reports go through the one ingest entry point like every other event: validated, classified, hashed. */
export const emitGapReport: EmitGapReport = async (envelope) => {
  const { tenantId, eventId } = envelope as { tenantId: string; eventId: string };
  const deadLetterId = `gaps-${logIdFor(tenantId, INGEST_SYSTEM_SOURCE, eventId)}`;
  const outcome = await ingestSystemEvent(envelope, deadLetterId);
  if (outcome.status === 'rejected') {
    logs.gapReportRejected(tenantId, eventId, outcome.reason);
    return 'rejected';
  }
  return outcome.status;
};

/** The admin entry point: runs detection now (tests and operators call it directly). */
export function detectSequenceGaps(options: GapDetectionOptions = {}): Promise<GapDetectionReport> {
  return runGapDetection(
    {
      store: new StreamStore(firestore()),
      emit: emitGapReport,
      onSettingsProblem: (tenantId, problems) => tenantSettingsInvalid(tenantId, problems),
      onTenantError: (tenantId, error) => logs.gapDetectionFailed(tenantId, error),
    },
    options,
  );
}

/** Every 5 minutes: with the default 10-minute grace, a lost event is reported within 15 minutes. */
export const detectSequenceGapsScheduled = onSchedule(
  { region: REGION, schedule: 'every 5 minutes', timeoutSeconds: 540, memory: '512MiB', retryCount: 0 },
  async () => {
    const report = await detectSequenceGaps();
    logs.gapDetectionRan(report);
  },
);
