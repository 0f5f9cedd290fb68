import type { Response } from 'express';
import type { Firestore } from 'firebase-admin/firestore';
import type { Request } from 'firebase-functions/v2/https';
import type { TransportContext } from '../domain';
import {
  ApiError,
  HTTP_INGEST_LIMITS,
  assertOwnTenant,
  deadLetterIdFor,
  eventIdOf,
  parseIngestBody,
  requestKeyFor,
  requireScope,
  summarizeResults,
  type EventResult,
} from '../domain/api';
import { ingestMany } from '../ingest/ingest';
import { authenticate } from './auth';
import { eventsIngested, requestFailed } from './logs';
import type { RateLimiter, RateOutcome } from './rate-store';
import { header, readBody, sendJson } from './router';

/** The ingest limiters: the tenant's budget and each key's share of it. */
export interface IngestLimiters {
  tenant: RateLimiter;
  key: RateLimiter;
}

function refuseRate(rate: RateOutcome, who: string): void {
  if (rate.allowed) return;
  throw new ApiError(
    'rate_limited',
    `${who} exceeds its rate of ${rate.limit.eventsPerSecond} events/s (burst ${rate.limit.burst})`,
    { retryAfterSeconds: rate.retryAfterSeconds },
  );
}

/**
 * `POST /v1/events`. Order of checks, each refusing the whole request before anything is stored:
 * key and its `ingest` scope (401/403), body size and shape (413/400), tenant of every event
 * (403), the key's own rate, then the tenant's (429). The key's share is taken first so that a
 * key over its share never spends the budget of the tenant's other producers. Then
 * every event goes through the shared ingest (`ingestMany()`: the same rules as `ingest()`, the
 * valid entries stored in batched RPCs), so an event delivered by HTTP and by Pub/Sub or the
 * outbox is stored once; see `summarizeResults` for the mixed-batch rule.
 */
export async function postEvents(db: Firestore, limiters: IngestLimiters, req: Request, res: Response): Promise<void> {
  const principal = await authenticate(db, req);
  requireScope(principal, 'ingest');
  const bytes = await readBody(req, HTTP_INGEST_LIMITS.maxBodyBytes);
  const body = parseIngestBody(bytes);
  assertOwnTenant(body, principal.tenantId);

  const keyRate = await limiters.key.consume(principal.tenantId, body.events.length, principal.keyId);
  refuseRate(keyRate, `API key ${principal.keyId}`);
  const rate = await limiters.tenant.consume(principal.tenantId, body.events.length);
  refuseRate(rate, `tenant ${principal.tenantId}`);
  const rateHeaders = {
    'RateLimit-Limit': String(rate.limit.burst),
    'RateLimit-Remaining': String(Math.min(rate.remaining, keyRate.remaining)),
  };

  const requestId = header(req, 'x-request-id');
  const requestKey = requestKeyFor(requestId, bytes);
  const transport: TransportContext = {
    via: 'http',
    backfill: principal.scopes.includes('backfill'),
    correlationId: header(req, 'x-correlation-id'),
    requestId,
  };
  let results: EventResult[];
  try {
    const deliveries = body.events.map((event, index) => ({
      raw: { value: event },
      deadLetterId: deadLetterIdFor(principal.tenantId, requestKey, index),
    }));
    const outcomes = await ingestMany(deliveries, transport);
    results = outcomes.map((outcome, index) => {
      const eventId = eventIdOf(body.events[index]);
      const base = eventId === undefined ? { index } : { index, eventId };
      if (outcome.status === 'rejected') {
        const { reason, message, errors, deadLetterId } = outcome;
        return { ...base, status: 'rejected' as const, reason, message, errors, deadLetterId };
      }
      return { ...base, status: outcome.status, logId: outcome.logId };
    });
  } catch (err) {
    // Only transient failures reach here; events stored so far come back as `duplicate` on retry.
    requestFailed('POST', req.path, err);
    throw new ApiError('unavailable', 'storing the events failed; retry the whole request', {
      retryAfterSeconds: 1,
    });
  }
  const summary = summarizeResults(body.kind, results);
  eventsIngested(principal.tenantId, principal.keyId, summary.accepted, summary.rejected);
  sendJson(res, 202, summary, rateHeaders);
}
