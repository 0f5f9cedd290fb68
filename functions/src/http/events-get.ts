import type { Response } from 'express';
import { FieldPath, Timestamp, type Firestore, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { Request } from 'firebase-functions/v2/https';
import { fromFirestore } from '../commands/instants';
import { pageOf, planEventQuery, type CursorPosition, type EventQueryPlan } from '../domain/api';
import { COLLECTIONS } from '../store/collections';
import { authenticate } from './auth';
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
 * An entry as machine consumers get it: contract fields, and every instant as an ISO 8601 UTC
 * string, at any depth. Converting the whole document rather than the contract's two instants
 * matters because server-written maps hold Timestamps too (`review.dueAt`, `review.decisions[].at`
 * and others), and a Timestamp in JSON is an unusable `{_seconds, _nanoseconds}` object.
 */
export function toApiEntry(doc: QueryDocumentSnapshot): Record<string, unknown> {
  // Search tokens are an index of the console's keyword search, not part of the record.
  const { searchTokens: _tokens, ...entry } = fromFirestore(doc.data()) as Record<string, unknown>;
  return entry;
}

/** `GET /v1/events`: the key's tenant's entries, filtered, newest first, with an opaque cursor. */
export async function getEvents(db: Firestore, req: Request, res: Response): Promise<void> {
  const principal = await authenticate(db, req);
  const plan = planEventQuery(principal.tenantId, queryParams(req));
  const page = pageOf(plan, await runEventQuery(db, plan), positionOf);
  sendJson(res, 200, { entries: page.items.map(toApiEntry), next_cursor: page.nextCursor });
}
