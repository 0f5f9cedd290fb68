import type { IsoInstant } from './callables';

/**
 * Streams of a tenant's entries to external sinks (docs/streams.md): the stored stream as the
 * console reads it from `audit_sinks`, and the requests and answers of the stream callables, part
 * of the callable map in `callables.ts`.
 */

/**
 * How a stream delivers: signed HTTPS batches (`webhook`), one Pub/Sub message per entry
 * (`pubsub`), or one NDJSON object per batch in a Storage bucket (`storage`).
 */
export type SinkKind = 'webhook' | 'pubsub' | 'storage';

/** Whether the stream is delivering. */
export type SinkStatus = 'active' | 'paused';

/** The health of a stream, kept up to date by every delivery run. */
export interface SinkHealth {
  /** Entries the sink acknowledged (a redelivered entry counts again). */
  deliveredCount: number;
  deliveredBatches: number;
  lastDeliveredAt: IsoInstant | null;
  /** How far the stream trailed the newest readable entry at the end of its last run (0: caught up). */
  lagMs: number;
  caughtUp: boolean;
  lastRunAt: IsoInstant | null;
  /** The last failed attempt; `null` once a batch is acknowledged again. */
  lastError: { message: string; at: IsoInstant; retryable: boolean } | null;
  consecutiveFailures: number;
  /** While backing off: when the schedule tries again. */
  nextAttemptAt: IsoInstant | null;
}

/** A stream as the console shows it; the signing key is stored elsewhere and never shown again. */
export interface SinkView {
  sinkId: string;
  tenantId: string;
  name: string;
  kind: SinkKind;
  /** Where the stream delivers, for display: the URL, the full topic name, or `gs://bucket/prefix/`. */
  destination: string;
  /** The webhook's URL (`webhook` only). */
  url?: string;
  /** The full topic name, `projects/<p>/topics/<t>` (`pubsub` only). */
  topic?: string;
  /** The bucket (`storage` only). */
  bucket?: string;
  /** The object name prefix every batch is written under, the tenant's part included (`storage` only). */
  prefix?: string;
  status: SinkStatus;
  batchSize: number;
  /** The `recordedAt` of the last entry delivered (or where a replay starts), and its log id. */
  cursor: { recordedAt: IsoInstant; logId: string | null };
  health: SinkHealth;
}

/** What every kind of stream takes. */
interface CreateSinkCommon {
  name: string;
  /** Entries per batch, 1..500; 200 when left out. */
  batchSize?: number;
  /** Send entries recorded at or after this instant; now when left out. */
  startAt?: IsoInstant;
}

/** A signed HTTPS webhook stream (the kind when none is named). */
export interface CreateWebhookSinkRequest extends CreateSinkCommon {
  kind?: 'webhook';
  /** HTTPS to a public host. */
  url: string;
}

/** A Pub/Sub stream: one message per entry. */
export interface CreatePubSubSinkRequest extends CreateSinkCommon {
  kind: 'pubsub';
  /**
   * `projects/<project>/topics/<topic>`, or a bare topic name in the audit log's project, where it
   * must be `sinks.<tenantId>` or start with `sinks.<tenantId>.` (docs/streams.md).
   */
  topic: string;
}

/** A Storage stream: one NDJSON object per batch. */
export interface CreateStorageSinkRequest extends CreateSinkCommon {
  kind: 'storage';
  /** One of the project's stream buckets (docs/streams.md). */
  bucket: string;
  /** Optional folder under the tenant's own `streams/tenant=<tenantId>/` prefix. */
  prefix?: string;
}

export type CreateSinkRequest = CreateWebhookSinkRequest | CreatePubSubSinkRequest | CreateStorageSinkRequest;

export interface CreatedSink {
  sinkId: string;
  /**
   * The HMAC-SHA256 signing key of the stream's batches (webhook requests, Pub/Sub messages and
   * Storage objects all carry a signature made with it): shown this once.
   */
  secret: string;
  auditLogId: string;
}

export interface SinkIdRequest {
  sinkId: string;
}

export interface ReplaySinkRequest {
  sinkId: string;
  /** Every entry recorded at or after this instant is sent again, in order. */
  from: IsoInstant;
}

/** What a stream command changed. */
export interface SinkChanged {
  sinkId: string;
  status: SinkStatus | 'deleted';
  auditLogId: string;
}

export interface RunSinksRequest {
  /** One stream of the caller's tenant; all of them when left out. */
  sinkId?: string;
}

/** What one delivery run did for one stream. */
export interface SinkRunOutcome {
  sinkId: string;
  tenantId: string;
  /** `skipped` when paused, backing off or delivered by another run at the same time. */
  status: 'caught_up' | 'behind' | 'failing' | 'skipped';
  skippedBecause?: 'paused' | 'leased' | 'backing_off' | 'missing';
  delivered: number;
  batches: number;
  failures: number;
  lagMs: number;
}

export interface SinkRunReport {
  sinks: SinkRunOutcome[];
  delivered: number;
  durationMs: number;
}
