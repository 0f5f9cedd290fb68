import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../canonical';
import { LIMITS } from '../envelope';
import type { FieldError, RejectionReason } from '../errors';
import { ApiError, assertApi, fieldErrorsOf } from './errors';

/**
 * Limits of `POST /v1/events`. A request is refused whole with `payload_too_large` (413, nothing
 * stored) when the body exceeds `maxBodyBytes`, a batch holds more than `maxEvents` events, or any
 * one event exceeds the contract's 256 KiB envelope limit. 500 events of 10 KiB fit the body limit.
 */
export const HTTP_INGEST_LIMITS = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxEvents: 500,
  maxEventBytes: LIMITS.envelopeBytes,
} as const;

/** The events of a request: one envelope, or the members of `{"events": [...]}`. */
export interface IngestBody {
  kind: 'single' | 'batch';
  events: unknown[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const batchSchema = z.strictObject(
  { events: z.array(z.unknown(), 'must be an array of event envelopes').min(1, 'must hold at least one event') },
  'must be an event envelope or {"events": [...]}',
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Serialized size of one event; null when it cannot be serialized (too deep: ingest rejects it). */
function serializedBytes(value: unknown): number | null {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch {
    return null;
  }
}

/** Where an event's fields are reported: `tenantId` for a lone envelope, `events[3].tenantId` in a batch. */
export function eventPath(kind: IngestBody['kind'], index: number, path = ''): string {
  if (kind === 'single') return path;
  return path ? `events[${index}].${path}` : `events[${index}]`;
}

/**
 * Parses the body of `POST /v1/events` into its events. Problems with the request as a whole
 * (too large, not UTF-8 JSON, neither shape) throw an {@link ApiError}; problems of single
 * events are left to the ingest pipeline, which rejects and dead-letters them one by one.
 */
export function parseIngestBody(bytes: Uint8Array): IngestBody {
  const { maxBodyBytes, maxEvents, maxEventBytes } = HTTP_INGEST_LIMITS;
  assertApi(bytes.byteLength <= maxBodyBytes, 'payload_too_large', `body is ${bytes.byteLength} bytes`, {
    errors: [{ path: '', message: `must be at most ${maxBodyBytes} bytes` }],
  });
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError('invalid_json', 'body is not valid UTF-8', {
      errors: [{ path: '', message: 'must be UTF-8 encoded JSON' }],
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ApiError('invalid_json', 'body is not valid JSON', {
      errors: [{ path: '', message: `must be valid JSON (${detail})` }],
    });
  }
  assertApi(isPlainObject(value), 'invalid_body', 'body must be a JSON object', {
    errors: [{ path: '', message: 'must be an event envelope or {"events": [...]}' }],
  });

  if (!('events' in value)) {
    assertApi(bytes.byteLength <= maxEventBytes, 'payload_too_large', 'the event exceeds the envelope limit', {
      errors: [{ path: '', message: `must be at most ${maxEventBytes} bytes serialized` }],
    });
    return { kind: 'single', events: [value] };
  }
  const parsed = batchSchema.safeParse(value);
  if (!parsed.success) {
    throw new ApiError('invalid_body', 'body is not a batch of events', { errors: fieldErrorsOf(parsed.error.issues) });
  }
  const { events } = parsed.data;
  assertApi(events.length <= maxEvents, 'payload_too_large', `a batch holds at most ${maxEvents} events`, {
    errors: [{ path: 'events', message: `must hold at most ${maxEvents} events (got ${events.length})` }],
  });
  const oversized: FieldError[] = [];
  events.forEach((event, index) => {
    const size = serializedBytes(event);
    if (size !== null && size > maxEventBytes) {
      oversized.push({ path: `events[${index}]`, message: `must be at most ${maxEventBytes} bytes serialized` });
    }
  });
  assertApi(oversized.length === 0, 'payload_too_large', 'an event exceeds the envelope limit', {
    errors: oversized,
  });
  return { kind: 'batch', events };
}

/**
 * A key may only write its own tenant's events. An event naming another tenant refuses the whole
 * request (403, nothing stored): it is a misconfigured or hostile producer, not a bad event.
 * Events without a string `tenantId` are left to validation (a field error, not a 403).
 */
export function assertOwnTenant(body: IngestBody, tenantId: string): void {
  const errors: FieldError[] = [];
  body.events.forEach((event, index) => {
    if (isPlainObject(event) && typeof event.tenantId === 'string' && event.tenantId !== tenantId) {
      errors.push({ path: eventPath(body.kind, index, 'tenantId'), message: "must be the API key's tenant" });
    }
  });
  assertApi(errors.length === 0, 'tenant_mismatch', "events may only name the API key's tenant", { errors });
}

/** The producer's `eventId` of a raw event, when it has a usable one. */
export function eventIdOf(event: unknown): string | undefined {
  return isPlainObject(event) && typeof event.eventId === 'string' ? event.eventId.slice(0, 128) : undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * What makes a request "the same request": the producer's `X-Request-Id` when it sends one,
 * else the SHA-256 of the body, so a retried request addresses the same dead letters.
 */
export function requestKeyFor(requestIdHeader: string | undefined, body: Uint8Array): string {
  if (requestIdHeader !== undefined && REQUEST_ID.test(requestIdHeader)) return `id:${requestIdHeader}`;
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** The dead-letter id of event `index` of a request: stable across retries of that request. */
export function deadLetterIdFor(tenantId: string, requestKey: string, index: number): string {
  return `http-${sha256Hex(`${tenantId}\n${requestKey}`).slice(0, 32)}-${index}`;
}

/** The outcome of one event, as `POST /v1/events` reports it. */
export type EventResult =
  | { index: number; eventId?: string; status: 'stored' | 'duplicate'; logId: string }
  | {
      index: number;
      eventId?: string;
      status: 'rejected';
      reason: RejectionReason;
      message: string;
      errors: readonly FieldError[];
      deadLetterId: string;
    };

export interface IngestSummary {
  accepted: number;
  rejected: number;
  results: EventResult[];
}

/**
 * The mixed-batch rule: a request in which at least one event was stored (or was already stored)
 * is accepted (202) and reports every event; invalid events are dead-lettered with their reason
 * and field errors. A request in which every event was rejected is `invalid_events` (400), with
 * the same per-event results and every field error addressed from the body's root.
 */
export function summarizeResults(kind: IngestBody['kind'], results: EventResult[]): IngestSummary {
  const sorted = [...results].sort((a, b) => a.index - b.index);
  const rejected = sorted.filter((r) => r.status === 'rejected');
  const summary = { accepted: sorted.length - rejected.length, rejected: rejected.length, results: sorted };
  if (summary.accepted > 0) return summary;
  const errors = rejected.flatMap((r) =>
    r.errors.length > 0
      ? r.errors.map((e) => ({ path: eventPath(kind, r.index, e.path), message: e.message }))
      : [{ path: eventPath(kind, r.index), message: r.message }],
  );
  throw new ApiError('invalid_events', kind === 'single' ? 'the event is invalid' : 'every event is invalid', {
    errors,
    extra: { ...summary },
  });
}
