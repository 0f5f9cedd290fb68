import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import type { AuditEntry } from '../domain';
import { initialReviewDoc } from '../domain/review';

/** An entry as Firestore holds it: instants as Timestamps, plus the store's own `recordedAt`. */
export type StoredAuditEntry = Omit<AuditEntry, 'occurredAt'> & { occurredAt: Timestamp; recordedAt: Timestamp };

export function toStored(entry: AuditEntry, recordedAt: Date): StoredAuditEntry {
  return {
    ...entry,
    occurredAt: Timestamp.fromDate(new Date(entry.occurredAt)),
    recordedAt: Timestamp.fromDate(recordedAt),
  };
}

/**
 * The review doc created with an entry that requires review (`audit_reviews/{logId}`), from the
 * entry as stored, so the copied instants are the entry's own Timestamps.
 */
export function toStoredReview(stored: StoredAuditEntry): Record<string, unknown> {
  return initialReviewDoc(stored);
}

/** Back to the domain shape, e.g. to recompute and verify an entry's hash. */
export function fromStored(data: DocumentData): AuditEntry & { recordedAt: string } {
  const { occurredAt, recordedAt, ...rest } = data as StoredAuditEntry;
  return { ...rest, occurredAt: occurredAt.toDate().toISOString(), recordedAt: recordedAt.toDate().toISOString() };
}
