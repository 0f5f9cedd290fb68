import type { EntryActor, EntryChanges, EntryResource, StoredEntry } from '@audit-log/model/entry';
import type { ReviewStatus } from '@audit-log/model/enums';

/**
 * The stored audit entry as the console reads it (contract.md, "Stored entry"). The value lists
 * come from the shared model package, from its zod-free modules so the schema stays out of the
 * bundle; the stored entry's shape is the model's too (`@audit-log/model/entry`, zod-free).
 */
export { CATEGORIES, LEVELS, type Category, type Level } from '@audit-log/model/catalog';
export {
  OPEN_REVIEW_STATUSES,
  OPERATIONS,
  OUTCOMES,
  REVIEW_STATUSES,
  type Operation,
  type Outcome,
  type ReviewStatus,
} from '@audit-log/model/enums';

/**
 * An actor as the console shows it: the stored shape, with any `type` a malformed document might
 * carry (the console reads what is there and shows it, it does not validate).
 */
export type AuditActor = Omit<EntryActor, 'type'> & { type: string };
export type AuditResource = EntryResource;
export type AuditChanges = EntryChanges;

/**
 * One entry, with the Firestore Timestamps turned into Dates and the document id as `logId`, and
 * its review status: read from its review doc (`audit_reviews/{logId}`), since entries never
 * change; `none` for an entry that does not require review.
 */
export interface AuditLogEntry extends Omit<StoredEntry<Date>, 'actor' | 'specVersion' | 'operation'> {
  specVersion: string;
  operation: string;
  actor: AuditActor;
  recordedAt: Date | null;
  reviewStatus: ReviewStatus;
  /** Read from the cold tier (a Parquet archive) by a search whose range reaches archived days. */
  archived?: boolean;
}

/** A readable label for an enum value: `DATA_MODIFICATION` → `Data modification`. */
export function humanize(value: string): string {
  const spaced = value.replace(/_/g, ' ').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
