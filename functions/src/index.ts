/* eslint-disable @typescript-eslint/no-require-imports -- each module is required on first access (lazy-exports.ts) */
// Registers the Cloud Functions of the audit log. Each trigger lives in its own module; an
// instance loads only the module of the function it serves (lazy-exports.ts), so ingest never
// loads DuckDB, pdfmake or echarts. The type-only imports keep every name checked by the compiler.
import type * as Access from './access/functions';
import type * as Alerts from './alerts/functions';
import type * as AuthBlocking from './auth/functions';
import type * as Capture from './capture/functions';
import type * as ExportFunctions from './export/functions';
import type * as ReportFunctions from './reports/functions';
import type * as Http from './http/functions';
import type * as PubSub from './ingest/functions';
import type * as Operations from './operations/functions';
import type * as Outbox from './outbox/functions';
import type * as Reactions from './reactions/functions';
import type * as Review from './review/functions';
import type * as Settings from './settings/functions';
import type * as Streams from './streams/functions';
import type * as Sinks from './sinks/functions';
import type * as Tiering from './tiering/functions';
import type * as Integrity from './integrity/functions';
import type * as EntryProof from './integrity/proof-functions';
import type * as Verify from './verify/functions';
import type * as Privacy from './privacy/functions';
import type * as Analytics from './analytics/functions';
import type * as BenchBaseline from './bench/baseline';
import { setGlobalOptions } from 'firebase-functions/v2/options';
import { AUDIT_PERSONAL_DATA_KEK, platform } from './config';
import { exportLazily } from './lazy-exports';

// Every function may ingest an event (its own system events, for any tenant) or reveal entries,
// and a tenant that seals personal data needs the KEK for both: it is bound to all functions. A
// function that names its own secrets names this one again (integrity/functions.ts).
setGlobalOptions({ secrets: [AUDIT_PERSONAL_DATA_KEK] });

/** This module's CommonJS exports: what function discovery and FUNCTION_TARGET read. */
const registered = exports as object;

// Ingest
exportLazily(registered, () => require('./ingest/functions') as typeof PubSub, ['ingestPubSub']);
exportLazily(registered, () => require('./outbox/functions') as typeof Outbox, ['ingestOutbox']);
exportLazily(registered, () => require('./capture/functions') as typeof Capture, ['capture']);
exportLazily(registered, () => require('./auth/functions') as typeof AuthBlocking, [
  'authBeforeUserCreated',
  'authBeforeUserSignedIn',
]);
exportLazily(registered, () => require('./http/functions') as typeof Http, ['api', 'createApiKey', 'revokeApiKey']);

// Reactions to stored entries
exportLazily(registered, () => require('./reactions/functions') as typeof Reactions, ['reactToEntry']);

// Cold tier
exportLazily(registered, () => require('./tiering/functions') as typeof Tiering, [
  'tieringDaily',
  'runTiering',
  'searchArchives',
  'restoreArchiveDay',
  'runArchivePurge',
  'purgeArchivesDaily',
]);

// Checkpoint chain (tamper evidence)
exportLazily(registered, () => require('./integrity/functions') as typeof Integrity, [
  'checkpointsScheduled',
  'runCheckpoints',
]);
exportLazily(registered, () => require('./verify/functions') as typeof Verify, [
  'integrityCheckDaily',
  'runIntegrityCheck',
]);

// Tamper evidence: an entry's inclusion proof, checked by the console
exportLazily(registered, () => require('./integrity/proof-functions') as typeof EntryProof, ['entryProof']);

// Personal data: erasure (two people) and the console's reveal of sealed fields
exportLazily(registered, () => require('./privacy/functions') as typeof Privacy, [
  'requestErasure',
  'approveErasure',
  'revealEntries',
  'personSearchTokens',
]);

// Reads of the log reported by the console (searches, entries opened)
exportLazily(registered, () => require('./access/functions') as typeof Access, ['recordAccess']);

// Analytics: daily rollups
exportLazily(registered, () => require('./analytics/functions') as typeof Analytics, ['rollupsDaily', 'runRollups']);

// Exports and reports
exportLazily(registered, () => require('./export/functions') as typeof ExportFunctions, [
  'startExport',
  'startSubjectAccessExport',
  'cancelExport',
  'createDownloadLink',
  'downloadExport',
  'exportWorker',
  'exportWorkerSlice',
  'runExportSweep',
  'sweepStaleExportsScheduled',
]);
exportLazily(registered, () => require('./reports/functions') as typeof ReportFunctions, [
  'generateReport',
  'reportWorker',
  'reportsMonthly',
]);

// Review workflow and alerts
exportLazily(registered, () => require('./review/functions') as typeof Review, [
  'assignReviewer',
  'decideReview',
  'confirmReview',
  'runReviewEscalation',
  'escalateOverdueReviewsScheduled',
]);
exportLazily(registered, () => require('./alerts/functions') as typeof Alerts, [
  'retryWebhookDeliveries',
  'runWebhookRetries',
  'rotateWebhookSecret',
  'markNotificationsRead',
]);

// Settings and operations
exportLazily(registered, () => require('./settings/functions') as typeof Settings, [
  'updateTenantSettings',
  'getTenantSettings',
]);
exportLazily(registered, () => require('./operations/functions') as typeof Operations, [
  'replayDeadLetter',
  'ingestHealth',
  'listOutbox',
]);
exportLazily(registered, () => require('./streams/functions') as typeof Streams, ['detectSequenceGapsScheduled']);

// Streams of each tenant's entries to external sinks (docs/streams.md)
exportLazily(registered, () => require('./sinks/functions') as typeof Sinks, [
  'createSink',
  'pauseSink',
  'resumeSink',
  'replaySink',
  'deleteSink',
  'runSinks',
  'deliverSinksScheduled',
]);

// Benchmark baseline trigger, registered only inside the Functions emulator so it is never
// deployed (function discovery does not see the caller's environment; lib/bench is also left out
// of the upload by firebase.json): see bench/pubsub-e2e.bench.mjs and bench/outbox.bench.mjs.
if (platform.isEmulator()) {
  exportLazily(registered, () => require('./bench/baseline') as typeof BenchBaseline, [
    'benchBaselineIngest',
    'benchBaselineOutbox',
  ]);
}
