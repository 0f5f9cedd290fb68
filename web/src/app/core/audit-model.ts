/**
 * The stored audit entry as the console reads it (contract.md, "Stored entry"). The value lists
 * mirror the contract; the console never writes entries, so a plain interface is enough here.
 */
export const CATEGORIES = [
  'AUTHENTICATION',
  'AUTHORIZATION',
  'DATA_ACCESS',
  'DATA_MODIFICATION',
  'SECURITY',
  'SYSTEM_CONFIGURATION',
  'COMPLIANCE',
  'BUSINESS_OPERATION',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Levels in increasing severity. */
export const LEVELS = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Level = (typeof LEVELS)[number];

export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REVIEW_STATUSES = ['none', 'pending', 'approved', 'investigating', 'escalated'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Review states that still need a decision. */
export const OPEN_REVIEW_STATUSES: readonly ReviewStatus[] = ['pending', 'investigating', 'escalated'];

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
