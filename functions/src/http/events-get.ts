import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { FieldPath, Timestamp, type Firestore, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { Request } from 'firebase-functions/v2/https';
import { reviewRecordOf, reviewStatusOf } from '@audit-log/model';
import { fromFirestore } from '../commands/instants';
import {
  ApiError,
  eventsReadEvent,
  pageOf,
  planEventQuery,
  requireScope,
  type CursorPosition,
  type EventQueryPlan,
} from '../domain/api';
import { ingestSystemEvent } from '../ingest/ingest';
import { dataKeyStore, revealEntries } from '../privacy/data-keys';
import { COLLECTIONS } from '../store/collections';
import { reviewDocsOf } from '../store/reviews';
import { authenticate } from './auth';
import { requestFailed } from './logs';
import type { RateLimiter } from './rate-store';
import { queryParams, sendJson } from './router';

/**
 * Runs a plan: always `tenantId ==` the key's tenant first (rules are not filters, and the Admin
 * SDK bypasses them anyway), then the planned equality filters and range, newest first with the
 * document id as tie-breaker so entries that occurred in the same instant page stably.
 */
export async function runEventQuery(db: Firestore, plan: EventQueryPlan): Promise<QueryDocumentSnapshot[]> {
  let query = db.collection(COLLECTIONS.logs).where('tenantId', '==', plan.tenantId);
  for (const filter of plan.filters) query = query.where(filter.field, filter.op, filter.value);
  if (plan.from !== undefined) query = query.where('occurredAt', '>=', Timestamp.fromDate(new Date(plan.from)));
  if (plan.to !== undefined) query = query.where('occurredAt', '<', Timestamp.fromDate(new Date(plan.to)));
  query = query.orderBy('occurredAt', 'desc').orderBy(FieldPath.documentId(), 'desc');
  if (plan.after) query = query.startAfter(new Timestamp(plan.after.seconds, plan.after.nanos), plan.after.logId);
  const snap = await query.limit(plan.pageSize + 1).get();
  return snap.docs;
}

function positionOf(doc: QueryDocumentSnapshot): CursorPosition {
  const occurredAt = doc.get('occurredAt') as Timestamp;
  return { seconds: occurredAt.seconds, nanos: occurredAt.nanoseconds, logId: doc.id };
}

/**
 * An entry as machine consumers get it: contract fields with its review state (`reviewStatus`,
 * and the `review` map when it has a review doc), and every instant as an ISO 8601 UTC string,
 * at any depth. Converting the whole document rather than the contract's two instants matters
 * because the review record holds Timestamps too (`review.dueAt`, `review.decisions[].at` and
 * others), and a Timestamp in JSON is an unusable `{_seconds, _nanoseconds}` object.
 */
export function toApiEntry(doc: QueryDocumentSnapshot, review?: Record<string, unknown>): Record<string, unknown> {
  const withReview = {
    ...doc.data(),
    // A flagged entry whose review doc is not there yet reads as pending, as review does.
    reviewStatus: review ? reviewStatusOf(review) : doc.get('requiresReview') === true ? 'pending' : 'none',
    ...(review ? { review: reviewRecordOf(review) } : {}),
  };
  // Search tokens are an index of the console's keyword search, not part of the record.
  const { searchTokens: _tokens, ...entry } = fromFirestore(withReview) as Record<string, unknown>;
  return entry;
}

/**
 * `GET /v1/events`: the key's tenant's entries, filtered, newest first, with an opaque cursor.
 * Needs the key's `read` scope and spends one request of the tenant's read budget (apart from
 * ingest). Every answered read is recorded as one DATA_ACCESS entry (filters and count, not the
 * rows) before the rows leave: a read that cannot be recorded is not answered (503, retry).
 */
export async function getEvents(db: Firestore, limiter: RateLimiter, req: Request, res: Response): Promise<void> {
  const principal = await authenticate(db, req);
  requireScope(principal, 'read');
  const params = queryParams(req);
  // A `read` key reads its tenant's personal data in clear, so it may search by the blind index.
  const keys = dataKeyStore();
  const blindIndex = keys ? (email: string) => keys.blindIndex(principal.tenantId, email) : undefined;
  const plan = planEventQuery(principal.tenantId, params, blindIndex);
  const rate = await limiter.consume(principal.tenantId, 1);
  if (!rate.allowed) {
    throw new ApiError(
      'rate_limited',
      `tenant ${principal.tenantId} exceeds its read rate of ${rate.limit.eventsPerSecond} requests/s (burst ${rate.limit.burst})`,
      { retryAfterSeconds: rate.retryAfterSeconds },
    );
  }
  const page = pageOf(plan, await runEventQuery(db, plan), positionOf);
  const reviews = await reviewDocsOf(db, page.items);
  const readId = randomBytes(12).toString('hex');
  const event = eventsReadEvent({
    principal,
    params,
    returned: page.items.length,
    more: page.nextCursor !== null,
    readId,
    occurredAt: new Date().toISOString(),
    blindIndex,
  });
  try {
    const outcome = await ingestSystemEvent(event, `http-events-read-${principal.tenantId}-${readId}`, 'http');
    if (outcome.status === 'rejected') throw new Error(`read audit rejected: ${outcome.reason} ${outcome.message}`);
  } catch (err) {
    requestFailed('GET', req.path, err);
    throw new ApiError('unavailable', 'the read could not be recorded; retry the request', { retryAfterSeconds: 1 });
  }
  // Sealed personal values are opened for the key's tenant (a `read` key may read them), or
  // shown as erased where their subject's key was destroyed.
  const entries = await revealEntries(
    principal.tenantId,
    page.items.map((d) => toApiEntry(d, reviews.get(d.id))),
  );
  const headers = { 'RateLimit-Limit': String(rate.limit.burst), 'RateLimit-Remaining': String(rate.remaining) };
  sendJson(res, 200, { entries, next_cursor: page.nextCursor }, headers);
}
