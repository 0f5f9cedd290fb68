import type { Category, Level } from './catalog';
import type { ActorType, Operation, Outcome } from './enums';

/**
 * The stored audit entry of the contract (contract.md, "Stored entry"), written once here for the
 * functions (which build and hash it) and the console (which reads it). Zod-free, so the console
 * bundles it without the schema; the envelope schema's parts are checked against these shapes at
 * compile time (`envelope.ts`), so the two cannot drift.
 */

export interface EntryActor {
  type: ActorType;
  id?: string;
  name?: string;
  email?: string;
  ip?: string;
  userAgent?: string;
  roles?: string[];
}

export interface EntryResource {
  type: string;
  id: string;
  name?: string;
  path?: string;
}

export interface EntryChanges {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface EntryContext {
  correlationId?: string;
  requestId?: string;
  sessionId?: string;
}

/**
 * An entry as stored, generic in how its instant is held: the functions' domain keeps
 * `occurredAt` as the normalized ISO string it hashes, the console reads a `Date`. Review state is
 * not part of it: an entry is never updated, so review lives in `audit_reviews/{logId}`.
 */
export interface StoredEntry<Instant = string> {
  logId: string;
  specVersion: '1.0';
  eventId: string;
  eventType: string;
  tenantId: string;
  occurredAt: Instant;
  source: string;
  sequence?: number;
  actor: EntryActor;
  resource?: EntryResource;
  operation: Operation;
  outcome: Outcome;
  changes?: EntryChanges;
  metadata?: Record<string, unknown>;
  context?: EntryContext;
  category: Category;
  level: Level;
  requiresReview: boolean;
  changedFields: string[];
  redactions: string[];
  searchTokens: string[];
  hash: string;
}

/**
 * The fields the hash covers: everything the producer said (after redaction) and everything
 * the classifier decided. Left out on purpose: `logId` and `searchTokens` (derived again from
 * hashed fields), `reviewStatus` (changes during review), `recordedAt` (set by the store), `hash`.
 */
export const HASHED_FIELDS = [
  'specVersion',
  'eventId',
  'eventType',
  'tenantId',
  'occurredAt',
  'source',
  'sequence',
  'actor',
  'resource',
  'operation',
  'outcome',
  'changes',
  'metadata',
  'context',
  'category',
  'level',
  'requiresReview',
  'changedFields',
  'redactions',
] as const satisfies ReadonlyArray<keyof StoredEntry>;

/**
 * The object whose canonical JSON an entry's `hash` is the SHA-256 of: the hashed fields of a
 * stored entry with `occurredAt` as the ISO string (UTC, milliseconds) the functions hashed.
 * The console recomputes hashes from it; the functions build the same object faster.
 */
export function hashedForm(entry: StoredEntry<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) if (entry[field] !== undefined) out[field] = entry[field];
  return out;
}
