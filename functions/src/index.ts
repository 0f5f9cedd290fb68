// Registers the Cloud Functions of the audit log. Each trigger lives in its own module and
// only maps a Firebase event to the ingest service.
export { ingestPubSub } from './ingest/pubsub';
export { ingestOutbox } from './outbox/outbox';
export { capture } from './capture/capture';
export { authBeforeUserCreated } from './auth/blocking';
export { authBeforeUserSignedIn } from './auth/blocking';
export { reactToEntry } from './reactions/react-to-entry';
export { api, createApiKey, revokeApiKey } from './http';
export { tieringDaily } from './tiering/functions';
export { runTiering } from './tiering/functions';
export { searchArchives } from './tiering/functions';
export { restoreArchiveDay } from './tiering/functions';
export { runArchivePurge } from './tiering/functions';
export { purgeArchivesDaily } from './tiering/functions';
export { startExport, cancelExport, createDownloadLink, downloadExport } from './export/export-functions';
export { exportWorker, exportWorkerSlice } from './export/export-functions';
export { runExportSweep, sweepStaleExportsScheduled } from './export/sweep-functions';
export { generateReport, reportWorker, reportsMonthly } from './export/report-functions';
export { assignReviewer, decideReview, confirmReview, runReviewEscalation } from './review/functions';
export { escalateOverdueReviewsScheduled } from './review/functions';
export { retryWebhookDeliveries, runWebhookRetries } from './alerts/functions';
export { rotateWebhookSecret, markNotificationsRead } from './alerts/functions';
export { updateTenantSettings, getTenantSettings } from './settings/commands';
export { replayDeadLetter, ingestHealth, listOutbox } from './operations/functions';
export { detectSequenceGapsScheduled } from './streams/functions';

// Benchmark baseline trigger, loaded only inside the Functions emulator so it is never deployed
// (function discovery does not see the caller's environment): see bench/pubsub-e2e.bench.mjs.
export const benchBaselineIngest: unknown =
  process.env.FUNCTIONS_EMULATOR === 'true'
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-member-access
      require('./bench/baseline').benchBaselineIngest
    : undefined;
