import type { AccessFilters, AccessKind, AccessView } from './access';
import type { Category, Level } from './catalog';
import type { ClassificationRules } from './classification';
import type { Outcome, ReviewStatus } from './enums';
import type { FieldError } from './errors';
import type {
  CheckpointRunReport,
  EntryProof,
  EntryProofRequest,
  IntegrityCheckReport,
  RunIntegrityCheckRequest,
} from './callables-integrity';
import type {
  ColdSearchRequest,
  ColdSearchResult,
  PurgeReport,
  RestoreArchiveDayRequest,
  RestoreResult,
  TieringReport,
} from './callables-archive';
import type {
  CreatedSink,
  CreateSinkRequest,
  ReplaySinkRequest,
  RunSinksRequest,
  SinkChanged,
  SinkIdRequest,
  SinkRunReport,
} from './callables-sinks';
import type {
  ApproveErasureRequest,
  ErasureExecuted,
  ErasureRequested,
  PersonSearchTokens,
  PersonSearchTokensRequest,
  RequestErasureRequest,
  StartSubjectAccessExportRequest,
  SubjectAccessExportStarted,
  RevealedEntries,
  RevealEntriesRequest,
} from './callables-privacy';
import type {
  CancelExportRequest,
  CreateDownloadLinkRequest,
  DownloadLink,
  ExportSweepReport,
  GenerateReportRequest,
  StartExportRequest,
} from './callables-export';

/**
 * Every callable Cloud Function of the audit log: its name, what it takes and what it answers.
 * Types only, so the console compiles it in without any runtime cost. The functions type their
 * handlers from {@link Callables} (a handler answering another shape does not compile) and the
 * console calls through one typed caller (a wrong name or request does not compile). Requests are
 * what a caller may send; the server still validates every one with its schema, and a type check
 * in the functions keeps each request type equal to its schema's input.
 */

// ---- Shared ---------------------------------------------------------------------------------

/** The request of an operator run: a tenant admin runs it for their tenant, a platform admin may name one. */
export interface OperatorRunRequest {
  tenantId?: string;
}

/** A request with no fields. */
export type EmptyRequest = Record<string, never>;

/** A UTC calendar day, `YYYY-MM-DD`. */
export type IsoDate = string;

/** An ISO 8601 instant with a zone. */
export type IsoInstant = string;

// ---- API keys -------------------------------------------------------------------------------

/** What an API key may do. */
export type ApiKeyScope = 'ingest' | 'read' | 'backfill';

export interface CreateApiKeyRequest {
  name: string;
  /** `ingest` and `read` when left out. */
  scopes?: ApiKeyScope[];
}

/** The new key: the plaintext `key` appears here and nowhere else, ever. */
export interface CreatedApiKey {
  keyId: string;
  key: string;
  name: string;
  displayPrefix: string;
  scopes: ApiKeyScope[];
  createdAt: IsoInstant;
}

export interface RevokeApiKeyRequest {
  keyId: string;
}

export interface RevokedApiKey {
  keyId: string;
  status: 'revoked';
  revokedAt: IsoInstant;
}

// ---- Review ---------------------------------------------------------------------------------

export type ReviewDecision = 'approve' | 'investigate' | 'escalate';

/** What a review action did, as the review state machine names it. */
export type ReviewActionName = 'assigned' | 'approved' | 'investigate' | 'escalated' | 'confirmed';

export interface AssignReviewerRequest {
  logId: string;
  reviewerUid: string;
  note?: string;
}

export interface DecideReviewRequest {
  logId: string;
  decision: ReviewDecision;
  /** Why: required with every decision. */
  note: string;
}

export interface ConfirmReviewRequest {
  logId: string;
  note: string;
}

/** What a review callable answers. */
export interface ReviewActionResult {
  logId: string;
  action: ReviewActionName;
  reviewStatus: ReviewStatus;
  /** An approval under the two-person rule waits for a second reviewer. */
  awaitingConfirmation: boolean;
  auditEventId: string;
  /** Log id of the audit entry that records the action. */
  auditLogId: string;
  investigationId?: string;
}

export interface EscalationReport {
  scanned: number;
  escalated: number;
  /** Found overdue, but decided or escalated by someone else first. */
  skipped: number;
  escalatedLogIds: string[];
}

// ---- Tenant settings ------------------------------------------------------------------------

export type AlertChannel = 'in_app' | 'email' | 'webhook';
export type AlertRecipientRole = 'admin' | 'reviewer' | 'auditor' | 'compliance';

/** Overrides classification for an event type, or a prefix ending in `*`. */
export interface ClassificationOverride {
  match: string;
  category?: Category;
  level?: Level;
  requiresReview?: boolean;
}

/** The tenant's `classification` section: its overrides and the rules of the level table. */
export type ClassificationSettings = { overrides: ClassificationOverride[] } & ClassificationRules;

export interface AlertRule {
  id: string;
  name: string;
  enabled: boolean;
  categories: Category[];
  levels: Level[];
  eventTypes: string[];
  outcomes: Outcome[];
  channels: AlertChannel[];
  recipientRoles: AlertRecipientRole[];
}

/** An alert rule as sent: the lists and `enabled` have defaults. */
export type AlertRuleInput = Pick<AlertRule, 'id' | 'name'> & Partial<Omit<AlertRule, 'id' | 'name'>>;

/** Every section of a tenant's settings, with the defaults filled in. */
export interface TenantSettings {
  name?: string;
  retentionDays: number;
  /** Overrides by event type, and the data behind the level table (`./classification`). */
  classification: ClassificationSettings;
  redaction: { extraKeys: string[]; maskEmails: boolean };
  review: { deadlineHours: Record<Level, number> };
  alerts: { rules: AlertRule[] };
  webhook: { enabled: boolean; url?: string };
  anomaly: { enabled: boolean; deniedThreshold: number; windowSeconds: number };
  gapDetection: { graceSeconds: number };
  ingest: { pubsubSources: string[]; maxBackdateDays: number; backfillSources: string[] };
  /** Personal data encrypted per data subject (docs/privacy.md); off by default. */
  privacy: { encryptPersonalData: boolean; personalKeys: string[] };
}

export type SettingsSection = keyof TenantSettings;

/**
 * The sections to change. Each section sent replaces that section as a whole (fields left out
 * inside it take their defaults); sections not sent stay as they are.
 */
export interface TenantSettingsUpdate {
  name?: string;
  retentionDays?: number;
  classification?: { overrides?: ClassificationOverride[] } & {
    [K in keyof ClassificationRules]?: Partial<ClassificationRules[K]>;
  };
  redaction?: { extraKeys?: string[]; maskEmails?: boolean };
  review?: { deadlineHours?: Partial<Record<Level, number>> };
  alerts?: { rules?: AlertRuleInput[] };
  webhook?: { enabled?: boolean; url?: string };
  anomaly?: Partial<TenantSettings['anomaly']>;
  gapDetection?: Partial<TenantSettings['gapDetection']>;
  ingest?: Partial<TenantSettings['ingest']>;
  privacy?: Partial<TenantSettings['privacy']>;
}

export interface UpdateTenantSettingsRequest {
  settings: TenantSettingsUpdate;
}

export interface GetTenantSettingsRequest {
  /** Platform admins only; everyone else reads their own tenant. */
  tenantId?: string;
}

export interface TenantSettingsAnswer {
  tenantId: string;
  settings: TenantSettings;
  /** Problems of a malformed stored document (then defaults are shown and used). */
  problems: string[];
  version: number;
  /** Whether a webhook signing secret exists (the secret itself is never shown again). */
  webhookSigningKey: boolean;
}

export interface UpdatedTenantSettings extends TenantSettingsAnswer {
  changed: SettingsSection[];
  /** Log id of the `config.tenant_settings.updated` entry, when something changed. */
  auditLogId?: string;
  /** A signing secret created because the webhook was enabled for the first time: shown once. */
  webhookSecret?: string;
}

// ---- Operations and alerts ------------------------------------------------------------------

export interface ReplayDeadLetterRequest {
  deadLetterId: string;
}

export type ReplayAnswer =
  | { deadLetterId: string; outcome: 'stored' | 'duplicate'; logId: string; auditLogId: string }
  | { deadLetterId: string; outcome: 'rejected'; reason: string; message: string; errors: readonly FieldError[] };

export interface IngestHealthRequest {
  tenantId?: string;
  /** 1..1440, 60 when left out. */
  windowMinutes?: number;
}

export interface IngestHealth {
  tenantId: string;
  since: IsoInstant;
  windowMinutes: number;
  stored: number;
  deadLettered: number;
  outboxPending: number;
  outboxFailed: number;
  /** Entries stored per minute over the window. */
  eventsPerMinute: number;
  /** Share of everything received in the window that was dead-lettered, 0..1. */
  deadLetterRate: number;
  status: 'ok' | 'degraded' | 'idle';
}

export interface ListOutboxRequest {
  tenantId?: string;
  /** `failed` when left out. */
  status?: 'pending' | 'failed';
  /** 1..200, 50 when left out. */
  limit?: number;
}

/** An outbox document without its `changes` and `metadata`; the fields are the producer's, unchecked. */
export interface OutboxItem {
  id: string;
  status: 'pending' | 'failed';
  eventId?: unknown;
  eventType?: unknown;
  source?: unknown;
  occurredAt?: unknown;
  failure?: unknown;
  failedAt?: unknown;
}

export interface WebhookRetryReport {
  attempted: number;
  /** Deliveries by the status they reached. */
  statuses: Record<string, number>;
}

export interface RotatedWebhookSecret {
  /** The new signing secret: shown this once. */
  secret: string;
  version: number;
  auditLogId: string;
}

/** Some notifications by id, or all of the caller's unread ones. */
export type MarkNotificationsReadRequest = { ids: string[]; all?: false } | { ids?: undefined; all: true };

// ---- Reads of the log ------------------------------------------------------------------------

/**
 * `recordAccess`: the console reports a read it made straight from Firestore, so that the read is
 * recorded as an entry of the tenant (`audit.log.searched`, `audit.entry.viewed`).
 */
export interface RecordAccessRequest {
  /** The tenant read: the caller's own, or (platform admin) the one in view. */
  tenantId: string;
  kind: AccessKind;
  view: AccessView;
  /** `search`: the filter as the page holds it (not the results); empty fields left out. */
  filters?: AccessFilters;
  /** `search`: rows of the first page, as shown. */
  returned?: number;
  /** `entry_view`: the log id of the entry opened. */
  logId?: string;
  /** Unique per read, so a retried report is recorded once; the server picks one when left out. */
  requestId?: string;
  /**
   * A read that also reaches the archive: the query's id and the `searchArchives` request its
   * pages send (without cursor). The report and those pages then share one entry, whichever
   * arrives first, so the whole query costs one write.
   */
  archive?: { queryId: string; request: ColdSearchRequest };
}

export interface RecordedAccess {
  /** Log id of the entry that records the read. */
  auditLogId: string;
  /** True when this read was already recorded (a retried report). */
  duplicate: boolean;
}

export type * from './callables-integrity';
export type * from './callables-archive';
export type * from './callables-sinks';
export type * from './callables-privacy';
export type * from './callables-export';

/** `runRollups`: the days `from`..`to` (default: the tenant's warm window up to today). */
export interface RunRollupsRequest extends OperatorRunRequest {
  from?: IsoDate;
  to?: IsoDate;
}

/** What a rollup run did (docs/analytics.md). */
export interface RollupRunReport {
  tenants: number;
  /** Days checked; `computed` were read and written, the rest were fresh or belong to tiering. */
  daysChecked: number;
  computed: Array<{ tenantId: string; date: IsoDate; entries: number; final: boolean }>;
  /** Days tiering has taken over; those without a rollup were archived before analytics existed. */
  archivedWithoutRollup: Array<{ tenantId: string; date: IsoDate }>;
  /**
   * Stored rollups that did not match their schema: each was reported with its fields and the
   * day computed afresh from its entries (or left to tiering, as a day without a rollup).
   */
  malformed: Array<{ tenantId: string; date: IsoDate; error: string }>;
  /** Firestore documents read (a count aggregation: one per 1,000 entries) and written. */
  reads: number;
  writes: number;
  durationMs: number;
  stoppedAtDeadline: boolean;
}

// ---- The map --------------------------------------------------------------------------------

/** Name → request → response of every callable Cloud Function. */
export interface Callables {
  createApiKey: { request: CreateApiKeyRequest; response: CreatedApiKey };
  revokeApiKey: { request: RevokeApiKeyRequest; response: RevokedApiKey };

  assignReviewer: { request: AssignReviewerRequest; response: ReviewActionResult };
  decideReview: { request: DecideReviewRequest; response: ReviewActionResult };
  confirmReview: { request: ConfirmReviewRequest; response: ReviewActionResult };
  runReviewEscalation: { request: OperatorRunRequest; response: EscalationReport };

  startExport: { request: StartExportRequest; response: { exportId: string } };
  cancelExport: { request: CancelExportRequest; response: { state: 'canceled' } };
  createDownloadLink: { request: CreateDownloadLinkRequest; response: DownloadLink };
  generateReport: { request: GenerateReportRequest; response: { reportId: string } };
  runExportSweep: { request: OperatorRunRequest; response: ExportSweepReport };

  runTiering: { request: OperatorRunRequest; response: TieringReport };
  searchArchives: { request: ColdSearchRequest; response: ColdSearchResult };
  restoreArchiveDay: { request: RestoreArchiveDayRequest; response: RestoreResult };
  runArchivePurge: { request: OperatorRunRequest; response: PurgeReport };

  runCheckpoints: { request: OperatorRunRequest; response: CheckpointRunReport };
  runRollups: { request: RunRollupsRequest; response: RollupRunReport };
  runIntegrityCheck: { request: RunIntegrityCheckRequest; response: IntegrityCheckReport };

  updateTenantSettings: { request: UpdateTenantSettingsRequest; response: UpdatedTenantSettings };
  getTenantSettings: { request: GetTenantSettingsRequest; response: TenantSettingsAnswer };

  replayDeadLetter: { request: ReplayDeadLetterRequest; response: ReplayAnswer };
  ingestHealth: { request: IngestHealthRequest; response: IngestHealth };
  listOutbox: { request: ListOutboxRequest; response: { items: OutboxItem[] } };

  runWebhookRetries: { request: EmptyRequest; response: WebhookRetryReport };
  rotateWebhookSecret: { request: EmptyRequest; response: RotatedWebhookSecret };
  markNotificationsRead: { request: MarkNotificationsReadRequest; response: { updated: number } };

  entryProof: { request: EntryProofRequest; response: EntryProof };

  recordAccess: { request: RecordAccessRequest; response: RecordedAccess };

  createSink: { request: CreateSinkRequest; response: CreatedSink };
  pauseSink: { request: SinkIdRequest; response: SinkChanged };
  resumeSink: { request: SinkIdRequest; response: SinkChanged };
  replaySink: { request: ReplaySinkRequest; response: SinkChanged };
  deleteSink: { request: SinkIdRequest; response: SinkChanged };
  runSinks: { request: RunSinksRequest; response: SinkRunReport };
  requestErasure: { request: RequestErasureRequest; response: ErasureRequested };
  approveErasure: { request: ApproveErasureRequest; response: ErasureExecuted };
  revealEntries: { request: RevealEntriesRequest; response: RevealedEntries };
  startSubjectAccessExport: { request: StartSubjectAccessExportRequest; response: SubjectAccessExportStarted };
  personSearchTokens: { request: PersonSearchTokensRequest; response: PersonSearchTokens };
}

/** The name of a callable. */
export type CallableName = keyof Callables;

/** What callable `N` takes. */
export type CallableInput<N extends CallableName> = Callables[N]['request'];

/** What callable `N` answers. */
export type CallableOutput<N extends CallableName> = Callables[N]['response'];

/** The arguments after the name: the request may be left out when it has no required field. */
export type CallableArgs<N extends CallableName> =
  Record<never, never> extends CallableInput<N> ? [request?: CallableInput<N>] : [request: CallableInput<N>];
