import type { AuditLogEntry } from '../audit-model';

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
 * Maps a stored `audit_logs` document to the console's entry shape. Lenient on purpose: an entry
 * written by an older version must still render, so missing lists become empty lists.
 */
export function toAuditLogEntry(id: string, data: Record<string, unknown>): AuditLogEntry {
  const entry = { ...data } as unknown as AuditLogEntry;
  return {
    ...entry,
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
