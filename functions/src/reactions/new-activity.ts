import { Timestamp } from 'firebase-admin/firestore';
import * as logger from 'firebase-functions/logger';
import type { FirestoreEvent, QueryDocumentSnapshot } from 'firebase-functions/v2/firestore';
import { createdEntryOrigin, eventInstant } from '../domain/entry-origin';
import type { ReactionName } from '../domain/reactions';

/** The event of an `onDocumentCreated` trigger on `audit_logs/{logId}`. */
export type EntryCreatedEvent = FirestoreEvent<QueryDocumentSnapshot | undefined, { logId: string }>;

/**
 * Whether the entry the create trigger fired for records new activity, asked per reaction.
 * Restoring an archived day writes its entries back unchanged, and Firestore fires the create
 * trigger for them as if they had just happened: without this gate, months-old denials would
 * raise a new CRITICAL anomaly, old CRITICAL entries would alert the admins again, and review
 * clocks would start again. The
 * decision is the domain's (`createdEntryOrigin`: `recordedAt` against the event's commit time,
 * which redeliveries keep); an entry that is not news is logged as a structured line naming the
 * reaction and left alone. Call it after the reaction's own cheap relevance test, so only entries
 * the reaction would otherwise have acted on are logged.
 */
export function isNewActivity(event: EntryCreatedEvent, reaction: ReactionName, now: Date = new Date()): boolean {
  const snapshot = event.data;
  if (!snapshot) return false;
  const recordedAt: unknown = snapshot.get('recordedAt');
  const createdAt = eventInstant(event.time, now);
  const origin = createdEntryOrigin(recordedAt instanceof Timestamp ? recordedAt.toDate() : null, createdAt);
  if (origin.kind === 'new') return true;
  const tenantId: unknown = snapshot.get('tenantId');
  // Debug level: restoring a full day skips up to a million entries in the alert reaction.
  logger.debug('audit entry is not new activity; reaction skipped it', {
    'event.type': 'audit.trigger_skipped',
    'event.reason': origin.reason,
    'trigger.name': 'reactToEntry',
    'reaction.name': reaction,
    'tenant.id': typeof tenantId === 'string' ? tenantId : undefined,
    'audit.log_id': snapshot.id,
    'audit.recorded_at': recordedAt instanceof Timestamp ? recordedAt.toDate().toISOString() : undefined,
    'audit.created_at': createdAt.toISOString(),
    'audit.age_ms': origin.ageMs,
  });
  return false;
}
