import type { Category, Level } from '@audit-log/model/catalog';
import type { Outcome, ReviewStatus } from '@audit-log/model/enums';

/**
 * The stored audit entry as the console reads it (contract.md, "Stored entry"). The value lists
 * come from the shared model package, from its zod-free modules so the schema stays out of the
 * bundle; the console never writes entries, so a plain interface is enough for the entry itself.
 */
export { CATEGORIES, LEVELS, type Category, type Level } from '@audit-log/model/catalog';
export {
  OPEN_REVIEW_STATUSES,
  OUTCOMES,
  REVIEW_STATUSES,
  type Outcome,
  type ReviewStatus,
} from '@audit-log/model/enums';

export interface AuditActor {
  type: string;
  id?: string;
  name?: string;
  email?: string;
  ip?: string;
  userAgent?: string;
  roles?: string[];
}

export interface AuditResource {
  type: string;
  id: string;
  name?: string;
  path?: string;
}

export interface AuditChanges {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** One entry, with the Firestore Timestamps turned into Dates and the document id as `logId`. */
export interface AuditLogEntry {
  logId: string;
  specVersion: string;
  eventId: string;
  eventType: string;
  tenantId: string;
  occurredAt: Date;
  recordedAt: Date | null;
  source: string;
  sequence?: number;
  actor: AuditActor;
  resource?: AuditResource;
  operation: string;
  outcome: Outcome;
  changes?: AuditChanges;
  metadata?: Record<string, unknown>;
  context?: { correlationId?: string; requestId?: string; sessionId?: string };
  category: Category;
  level: Level;
  requiresReview: boolean;
  reviewStatus: ReviewStatus;
  changedFields: string[];
  redactions: string[];
  searchTokens: string[];
  hash: string;
}

/** A readable label for an enum value: `DATA_MODIFICATION` → `Data modification`. */
export function humanize(value: string): string {
  const spaced = value.replace(/_/g, ' ').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
