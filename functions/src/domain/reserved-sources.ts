import type { FieldError } from './errors';

/**
 * Sources under which the audit system records its own events (settings, review decisions, API
 * keys, anomalies, archives, exports, reports, integrity, ingest gaps, auth blocking functions,
 * change capture, reads of the log itself). A log id derives from `(tenantId, source, eventId)` and the system's event ids
 * are predictable, so if a producer could write one of these sources it could squat the id of a
 * future system event (the real one would then be refused as a conflicting duplicate) or forge
 * one outright. Every source beginning with `audit-` is reserved too, so new system modules are
 * covered without a list edit, and the comparison ignores case so `Audit-Review` is no disguise.
 */
export const SYSTEM_SOURCES = [
  'audit-access',
  'audit-api',
  'audit-export',
  'audit-ingest',
  'audit-integrity',
  'audit-operations',
  'audit-review',
  'audit-settings',
  'audit-sinks',
  'audit-tiering',
  'anomaly-detector',
  'firebase-auth',
  'firestore-capture',
] as const;

const RESERVED_PREFIX = 'audit-';
const RESERVED_SET: ReadonlySet<string> = new Set(SYSTEM_SOURCES);

/** Event types the system alone records (`audit.review.approved`, `audit.ingest.gap_detected`, …). */
const RESERVED_EVENT_TYPE_PREFIX = 'audit.';

/** True when `source` belongs to the audit system and no producer may write it. */
export function isReservedSource(source: string): boolean {
  const folded = source.toLowerCase();
  return folded.startsWith(RESERVED_PREFIX) || RESERVED_SET.has(folded);
}

/** True when `eventType` is one the audit system alone records. */
export function isReservedEventType(eventType: string): boolean {
  return eventType.toLowerCase().startsWith(RESERVED_EVENT_TYPE_PREFIX);
}

/**
 * The field errors of an event that claims the system's identity without coming from the system
 * (an empty list when it does not). Only the system's own code paths are trusted; everything a
 * producer sends through Pub/Sub, HTTP or the outbox is checked.
 */
export function reservedNameErrors(event: { source: string; eventType: string }): FieldError[] {
  const errors: FieldError[] = [];
  if (isReservedSource(event.source)) {
    errors.push({
      path: 'source',
      message: `"${event.source}" is reserved for the audit system's own events (as is every source beginning with "${RESERVED_PREFIX}")`,
    });
  }
  if (isReservedEventType(event.eventType)) {
    errors.push({
      path: 'eventType',
      message: `event types beginning with "${RESERVED_EVENT_TYPE_PREFIX}" are recorded by the audit system only`,
    });
  }
  return errors;
}
