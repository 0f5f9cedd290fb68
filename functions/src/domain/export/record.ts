import type { ReviewStatus } from '@audit-log/model';
import type { AuditEntry } from '../entry';

/**
 * One exported row: the stored entry as the console shows it, with its review status, instants as ISO strings, without
 * `searchTokens` (an index of the store, derived again from the other fields). Keys are written
 * in this fixed order, so two exports of the same entries are byte-identical.
 */
export type ExportRecord = Omit<AuditEntry, 'searchTokens'> & {
  recordedAt: string;
  /** The entry's review status, joined from its review doc by the reader (never on the entry). */
  reviewStatus: ReviewStatus;
};

/** The members of an export record, in the order exports write them. */
export const RECORD_KEYS = [
  'logId',
  'tenantId',
  'occurredAt',
  'recordedAt',
  'eventType',
  'category',
  'level',
  'outcome',
  'operation',
  'source',
  'eventId',
  'sequence',
  'specVersion',
  'actor',
  'resource',
  'changedFields',
  'changes',
  'metadata',
  'context',
  'requiresReview',
  'reviewStatus',
  'redactions',
  'hash',
] as const satisfies ReadonlyArray<keyof ExportRecord>;

/**
 * The export record of a stored entry (already in domain shape: instants as ISO strings). Absent
 * optional members stay absent; `searchTokens` and any member the contract does not name are
 * left out, so nothing internal leaks into an export.
 */
export function toExportRecord(entry: Record<string, unknown>): ExportRecord {
  const out: Record<string, unknown> = {};
  for (const key of RECORD_KEYS) {
    const value = entry[key];
    if (value !== undefined) out[key] = value;
  }
  return out as ExportRecord;
}
