import { PubSub, type Topic } from '@google-cloud/pubsub';
import { validateEvent, type AuditEvent } from './builders';
import { AUDIT_EVENTS_TOPIC } from './contract';
import { AuditClientError } from './errors';
import { DEFAULT_RETRY, realRetryDeps, withRetry, type RetryDeps, type RetryPolicy } from './retry';
import type { AuditSink, SendResult } from './sink';

/** Client-side batching: a batch leaves when any limit is reached. */
export interface PubSubBatching {
  maxMessages: number;
  maxMilliseconds: number;
  maxBytes: number;
}

/**
 * Defaults: audit events are small (1-10 KiB) and producers care about latency less than about
 * not holding a request open, so 10 ms lets a burst share one request without a visible delay.
 */
export const DEFAULT_BATCHING: PubSubBatching = { maxMessages: 100, maxMilliseconds: 10, maxBytes: 1024 * 1024 };

export interface PubSubSinkOptions {
  /** An existing client; default `new PubSub({ projectId })` (honours `PUBSUB_EMULATOR_HOST`). */
  pubsub?: PubSub;
  projectId?: string;
  /** Default `audit-events`. */
  topic?: string;
  batching?: Partial<PubSubBatching>;
  /** Retries of a publish that failed after the client library's own retries. */
  retry?: Partial<RetryPolicy>;
  retryDeps?: RetryDeps;
}

/** gRPC codes worth another attempt: the request may not have reached or finished on the server. */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  13, // INTERNAL
  14, // UNAVAILABLE
]);

/** True when a publish failure may succeed on retry (permanent ones: NOT_FOUND, PERMISSION_DENIED, ...). */
export function isTransientPublishError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code);
}

/**
 * Publishes to the `audit-events` topic. The client library batches messages; a publish that
 * still fails is retried with backoff and jitter, and is safe to retry because the server stores
 * each `(tenantId, source, eventId)` once.
 */
export class PubSubSink implements AuditSink {
  private readonly pubsub: PubSub;
  private readonly ownsClient: boolean;
  private readonly topic: Topic;
  private readonly retry: RetryPolicy;
  private readonly retryDeps: RetryDeps;
  private closed = false;

  constructor(options: PubSubSinkOptions = {}) {
    this.ownsClient = options.pubsub === undefined;
    this.pubsub = options.pubsub ?? new PubSub(options.projectId ? { projectId: options.projectId } : {});
    this.topic = this.pubsub.topic(options.topic ?? AUDIT_EVENTS_TOPIC, {
      batching: { ...DEFAULT_BATCHING, ...options.batching },
    });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.retryDeps = options.retryDeps ?? realRetryDeps;
  }

  /** Publishes one event; resolves with its message id once Pub/Sub has it. */
  async publish(event: AuditEvent): Promise<SendResult> {
    if (this.closed) throw new AuditClientError('closed', 'the Pub/Sub sink is closed');
    // Hand-built events get the same check as built ones: nothing invalid leaves the producer.
    const valid = validateEvent(event);
    const data = Buffer.from(JSON.stringify(valid), 'utf8');
    const attributes: Record<string, string> = {
      tenantId: valid.tenantId,
      source: valid.source,
      eventType: valid.eventType,
    };
    if (valid.context?.correlationId) attributes.correlationId = valid.context.correlationId;
    if (valid.context?.requestId) attributes.requestId = valid.context.requestId;
    try {
      const id = await withRetry(
        () => this.topic.publishMessage({ data, attributes }),
        (err) => ({ retry: isTransientPublishError(err) }),
        this.retry,
        this.retryDeps,
      );
      return { eventId: valid.eventId, status: 'published', id };
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new AuditClientError('publish_failed', `publishing event ${valid.eventId} failed: ${detail}`, {
        cause: err,
      });
    }
  }

  /** Publishes many events; they share batches. Rejects if any one fails (the others may be published). */
  async send(events: readonly AuditEvent[]): Promise<SendResult[]> {
    return Promise.all(events.map((event) => this.publish(event)));
  }

  /** Sends what is buffered now, without closing. */
  async flush(): Promise<void> {
    await this.topic.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.topic.flush();
    if (this.ownsClient) await this.pubsub.close();
  }
}
