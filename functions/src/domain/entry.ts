import { canonicalJson, sha256Hex } from './canonical';
import type { StoredEntry } from '@audit-log/model';
import { HASHED_FIELDS } from '@audit-log/model/entry';

/**
 * A stored audit entry as the domain sees it (the model's `StoredEntry`). `occurredAt` is the
 * normalized UTC ISO string (millisecond precision, as a Firestore Timestamp keeps it); the store
 * adapter turns it into a Timestamp and adds `recordedAt`.
 */
export type AuditEntry = StoredEntry<string>;

export { HASHED_FIELDS } from '@audit-log/model/entry';

export type HashedEntry = Pick<AuditEntry, (typeof HASHED_FIELDS)[number]>;

const HASHED_FIELDS_SORTED = [...HASHED_FIELDS].sort();

/**
 * Copies the hashed fields of an entry into a new object, in canonical key order. Generated once
 * from the field list above (names of this module, never input) as one object literal: V8 then
 * builds the copy with every field in place, and the serializer walks it faster than an object
 * grown field by field in a loop. An absent field is copied as undefined, which canonical JSON
 * leaves out, exactly as if it were not there.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const hashedPart = new Function(
  'entry',
  `return { ${HASHED_FIELDS_SORTED.map((field) => `${field}: entry.${field}`).join(', ')} };`,
) as (entry: HashedEntry) => Record<string, unknown>;

/** The canonical text that an entry's `hash` is the SHA-256 of. */
export function canonicalEntry(entry: HashedEntry): string {
  // In canonical key order, so the serializer can take its fast path when the parts are too.
  return canonicalJson(hashedPart(entry));
}

/** SHA-256 (hex) of the canonical entry; recomputing it from a stored entry proves it unchanged. */
export function entryHash(entry: HashedEntry): string {
  return sha256Hex(canonicalEntry(entry));
}

/** Normalizes an ISO 8601 time with any zone to UTC with milliseconds. */
export function normalizeInstant(iso: string): string {
  return new Date(iso).toISOString();
}

/**
 * Whether two entries record the same event as its producer described it. Transport enrichment
 * (IP, user agent, correlation ids) and classification (tenant overrides may change between
 * deliveries) are left out, so the same event through two paths, or redelivered later, is
 * recognised as a duplicate; a different event reusing an event id is not.
 */
export function sameEvent(a: HashedEntry, b: HashedEntry): boolean {
  const identity = (e: HashedEntry) =>
    canonicalJson({
      eventType: e.eventType,
      occurredAt: e.occurredAt,
      sequence: e.sequence,
      actor: { type: e.actor.type, id: e.actor.id },
      resource: e.resource,
      operation: e.operation,
      outcome: e.outcome,
      changes: e.changes,
      metadata: withoutAssertedMark(e.metadata),
    });
  return identity(a) === identity(b);
}

/**
 * Metadata without `asserted`: the outbox marks the actor details a client stated, so the same
 * event sent through the outbox and another path differs only in that mark and is still the
 * same event.
 */
function withoutAssertedMark(metadata: HashedEntry['metadata']): HashedEntry['metadata'] {
  if (!metadata || !('asserted' in metadata)) return metadata;
  const { asserted: _mark, ...rest } = metadata;
  return Object.keys(rest).length > 0 ? rest : undefined;
}
