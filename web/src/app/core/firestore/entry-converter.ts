import type { AuditLogEntry, ReviewStatus } from '../audit-model';

/** What a Timestamp-like value offers; avoids importing SDK classes into pure code. */
interface TimestampLike {
  toDate(): Date;
}

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (value && typeof (value as TimestampLike).toDate === 'function') return (value as TimestampLike).toDate();
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The review status of an entry from its review doc (`audit_reviews/{logId}`): `none` for an
 * entry that does not require review; a flagged entry whose doc is not there yet reads as pending.
 */
export function reviewStatusOf(
  data: Record<string, unknown>,
  review: Record<string, unknown> | undefined,
): ReviewStatus {
  const status = review?.['status'];
  if (typeof status === 'string') return status as ReviewStatus;
  return data['requiresReview'] === true ? 'pending' : 'none';
}

/**
 * Maps a stored `audit_logs` document and its review doc to the console's entry shape. Lenient on
 * purpose: an entry written by an older version must still render, so missing lists become empty
 * lists.
 */
export function toAuditLogEntry(
  id: string,
  data: Record<string, unknown>,
  review?: Record<string, unknown>,
): AuditLogEntry {
  const entry = { ...data } as unknown as AuditLogEntry;
  return {
    ...entry,
    reviewStatus: reviewStatusOf(data, review),
    logId: id,
    occurredAt: toDate(data['occurredAt']) ?? new Date(0),
    recordedAt: toDate(data['recordedAt']),
    actor: (data['actor'] as AuditLogEntry['actor'] | undefined) ?? { type: 'unknown' },
    changedFields: strings(data['changedFields']),
    redactions: strings(data['redactions']),
    searchTokens: strings(data['searchTokens']),
  };
}

/** The entry as plain JSON (instants as ISO strings), for "copy as JSON". */
export function entryToJson(entry: AuditLogEntry): string {
  return JSON.stringify(entry, (_key, value: unknown) => (value instanceof Date ? value.toISOString() : value), 2);
}
