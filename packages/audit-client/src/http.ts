import { randomUUID } from 'node:crypto';
import { validateEvent, type AuditEvent } from './builders';
import { HTTP_BATCH_LIMIT, type FieldError } from './contract';
import { AuditClientError, type ClientErrorCode } from './errors';
import { DEFAULT_RETRY, realRetryDeps, withRetry, type RetryDeps, type RetryPolicy } from './retry';
import type { AuditSink, SendResult } from './sink';

/** The `api` function in the local emulator (contract). */
export const EMULATOR_API_URL = 'http://127.0.0.1:5001/demo-auditlog/us-central1/api';

/** Keeps each request well under the API's body limit, whatever the event sizes. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface HttpSinkOptions {
  /** A tenant API key (`alk_<tenant>.<id>.<secret>`), shown once when an admin creates it. */
  apiKey: string;
  /** Base URL of the `api` function; default the emulator's. */
  baseUrl?: string;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  retryDeps?: RetryDeps;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** One status per failure the caller cannot fix by retrying. */
const PERMANENT: Readonly<Record<number, ClientErrorCode>> = {
  400: 'http_invalid',
  401: 'http_unauthorized',
  403: 'http_forbidden',
  413: 'http_too_large',
};

/** A response that may succeed if the same request is sent again. */
class RetryableResponse extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  code?: string;
  message?: string;
  errors?: FieldError[];
}

/** The error object of an API answer, whether nested under `error` or at the top level. */
function errorBodyOf(body: unknown): ErrorBody {
  if (body === null || typeof body !== 'object') return {};
  const record = body as Record<string, unknown>;
  const inner = record.error !== null && typeof record.error === 'object' ? record.error : record;
  return inner;
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Splits events into requests of at most 500 events and a few MiB each. */
export function chunkEvents(events: readonly AuditEvent[], maxBytes = MAX_REQUEST_BYTES): AuditEvent[][] {
  const chunks: AuditEvent[][] = [];
  let current: AuditEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event), 'utf8') + 1;
    if (current.length > 0 && (current.length >= HTTP_BATCH_LIMIT || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Posts events to `POST /v1/events` with a tenant API key. Requests carry an `X-Request-Id` that
 * stays the same across retries, and 429/5xx/network failures are retried (honouring
 * `Retry-After`); events are idempotent, so a retry after a lost answer stores nothing twice.
 */
export class HttpSink implements AuditSink {
  private readonly url: string;
  private readonly retry: RetryPolicy;
  private readonly retryDeps: RetryDeps;
  private readonly fetch: typeof fetch;
  private closed = false;

  constructor(private readonly options: HttpSinkOptions) {
    this.url = `${(options.baseUrl ?? EMULATOR_API_URL).replace(/\/+$/, '')}/v1/events`;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.retryDeps = options.retryDeps ?? realRetryDeps;
    this.fetch = options.fetch ?? fetch;
  }

  async send(events: readonly AuditEvent[]): Promise<SendResult[]> {
    if (this.closed) throw new AuditClientError('closed', 'the HTTP sink is closed');
    const valid = events.map((event) => validateEvent(event));
    const results: SendResult[] = [];
    for (const chunk of chunkEvents(valid)) results.push(...(await this.post(chunk)));
    return results;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async post(events: AuditEvent[]): Promise<SendResult[]> {
    const body = JSON.stringify({ events });
    const requestId = randomUUID();
    try {
      return await withRetry(
        () => this.attempt(body, requestId, events),
        (err) => {
          if (err instanceof RetryableResponse) {
            return err.retryAfterMs === undefined ? { retry: true } : { retry: true, afterMs: err.retryAfterMs };
          }
          // fetch rejects with a TypeError on network failures and an abort on timeouts.
          return { retry: !(err instanceof AuditClientError) };
        },
        this.retry,
        this.retryDeps,
      );
    } catch (err) {
      if (err instanceof AuditClientError) throw err;
      if (err instanceof RetryableResponse) {
        const code = err.status === 429 ? 'http_rate_limited' : 'http_failed';
        throw new AuditClientError(code, err.message, { status: err.status });
      }
      const detail = err instanceof Error ? err.message : String(err);
      throw new AuditClientError('http_failed', `POST ${this.url} failed: ${detail}`, { cause: err });
    }
  }

  private async attempt(body: string, requestId: string, events: AuditEvent[]): Promise<SendResult[]> {
    const response = await this.fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.options.apiKey}`,
        'x-request-id': requestId,
      },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status === 429 || response.status >= 500) {
      const error = errorBodyOf(parsed);
      throw new RetryableResponse(
        response.status,
        retryAfterMs(response.headers.get('retry-after')),
        `POST /v1/events answered ${response.status}${error.message ? `: ${error.message}` : ''}`,
      );
    }
    const permanent = PERMANENT[response.status];
    if (permanent || !response.ok) {
      const error = errorBodyOf(parsed);
      throw new AuditClientError(
        permanent ?? 'http_failed',
        `POST /v1/events answered ${response.status}${error.code ? ` ${error.code}` : ''}: ${error.message ?? text.slice(0, 200)}`,
        { status: response.status, errors: Array.isArray(error.errors) ? error.errors : [] },
      );
    }
    return resultsOf(parsed, events, response.status);
  }
}

interface ApiEventResult {
  index?: number;
  eventId?: string;
  status?: string;
  logId?: string;
  reason?: string;
  errors?: FieldError[];
}

/** Maps the API's per-event results onto the events sent, by index. */
function resultsOf(body: unknown, events: AuditEvent[], status: number): SendResult[] {
  const raw = (body as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(raw) || raw.length !== events.length) {
    throw new AuditClientError('http_failed', `POST /v1/events answered ${status} without one result per event`, {
      status,
    });
  }
  return (raw as ApiEventResult[]).map((result, i) => {
    const event = events[result.index ?? i] ?? events[i]!;
    const state = result.status === 'stored' || result.status === 'duplicate' ? result.status : 'rejected';
    const out: SendResult = { eventId: event.eventId, status: state };
    if (result.logId !== undefined) out.id = result.logId;
    if (state === 'rejected') {
      if (result.reason !== undefined) out.reason = result.reason;
      out.errors = Array.isArray(result.errors) ? result.errors : [];
    }
    return out;
  });
}
