import { FieldPath, FieldValue, Timestamp, type CollectionReference, type Firestore } from 'firebase-admin/firestore';
import {
  admittedByRank,
  markAssertedActorDetails,
  outboxFamilyErrors,
  outboxQuotaKey,
  outboxUserOf,
  outboxWindowOf,
  DEFAULT_OUTBOX_POLICY,
} from '../domain/outbox-policy';
import type { FieldError, RejectionReason } from '../domain';
import * as logs from '../logs';
import { COLLECTIONS } from '../store/collections';
import { tenantSettingsReader } from '../tenants/tenant-settings';
import { isAlreadyExists } from '../store/write-errors';

/**
 * The outbox's own checks of a document that is not the system's, before ingest: the event
 * family, the per-user bound and the marking of asserted actor details (decisions in
 * `domain/outbox-policy.ts`; this module only reads settings and keeps the tickets).
 *
 * Tickets: `tenants/{t}/outbox_quota/{key}/tickets/{outboxId}`, one per processed event of one
 * user and window, each written once (create), so no document takes more than one write per
 * event and a burst spreads over as many documents as it has events. A TTL policy on `expireAt`
 * removes them a day after their window.
 */

/** Tickets outlive their window by a day. */
const TICKET_RETENTION_MS = 24 * 3_600_000;

export type GuardVerdict =
  | { status: 'pass'; value: unknown }
  | { status: 'refused'; reason: RejectionReason; message: string; errors: FieldError[] };

/**
 * The stored time of this event's ticket: written now, or found again on a redelivery. Read back
 * rather than taken from the write result, so every ticket is compared by the same stored value.
 */
async function ticketTime(tickets: CollectionReference, outboxId: string, endMs: number): Promise<Timestamp> {
  const ref = tickets.doc(outboxId);
  try {
    await ref.create({
      at: FieldValue.serverTimestamp(),
      expireAt: Timestamp.fromMillis(endMs + TICKET_RETENTION_MS),
    });
  } catch (err) {
    // A redelivery finds its own ticket.
    if (!isAlreadyExists(err)) throw err;
  }
  const at: unknown = (await ref.get()).get('at');
  if (!(at instanceof Timestamp)) throw new Error(`outbox ticket ${ref.path} has no time`);
  return at;
}

/**
 * Tickets of the window committed before this one: its rank, which never changes afterwards. One
 * count over (time, id) up to this ticket, so tickets of the same instant are ranked by id.
 */
async function rankOf(tickets: CollectionReference, outboxId: string, at: Timestamp): Promise<number> {
  const earlier = await tickets.orderBy('at').orderBy(FieldPath.documentId()).endBefore(at, outboxId).count().get();
  return earlier.data().count;
}

/**
 * Checks one outbox document that is not the system's. Throws only on transient failures (the
 * trigger is retried; a retry finds its ticket and decides the same way).
 *
 * @param writtenAt when the outbox document was created: it picks the window, so redeliveries
 *   count in the same one
 */
export async function guardOutboxDocument(
  db: Firestore,
  outboxId: string,
  value: unknown,
  writtenAt: Date,
): Promise<GuardVerdict> {
  const known = (value ?? {}) as { tenantId?: unknown; eventType?: unknown };
  // Without a tenant there are no settings and nothing to count; ingest rejects the document.
  if (typeof known.tenantId !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(known.tenantId)) {
    return { status: 'pass', value };
  }
  const tenantId = known.tenantId;
  const policy = await tenantSettingsReader(db)
    .outboxPolicy(tenantId)
    .catch((err: unknown) => {
      // The restricted families hold without settings; only a narrower allow-list and a different
      // bound are missed meanwhile, and the default bound applies.
      logs.transientFailure('outbox-policy', err);
      return DEFAULT_OUTBOX_POLICY;
    });

  const familyErrors = outboxFamilyErrors(known.eventType, policy);
  if (familyErrors.length > 0) {
    return {
      status: 'refused',
      reason: 'family_not_allowed',
      message: 'this event family cannot be written through the outbox',
      errors: familyErrors,
    };
  }

  const uid = outboxUserOf(value);
  if (uid !== null) {
    const window = outboxWindowOf(writtenAt.getTime(), policy);
    const key = outboxQuotaKey(tenantId, uid, policy.userRateLimit.windowSeconds, window.index);
    const tickets = db
      .collection(COLLECTIONS.tenants)
      .doc(tenantId)
      .collection('outbox_quota')
      .doc(key)
      .collection('tickets');
    const at = await ticketTime(tickets, outboxId, window.endMs);
    const rank = await rankOf(tickets, outboxId, at);
    if (!admittedByRank(rank, policy)) {
      const { events, windowSeconds } = policy.userRateLimit;
      return {
        status: 'refused',
        reason: 'rate_limited',
        message: `more than ${events} outbox events of this user within ${windowSeconds} s`,
        errors: [
          { path: 'actor.id', message: `exceeds the tenant's bound of ${events} events per ${windowSeconds} s` },
        ],
      };
    }
  }
  return { status: 'pass', value: markAssertedActorDetails(value) };
}
