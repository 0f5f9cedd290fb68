/**
 * The contract's value lists that carry no schema. This module imports nothing (zod included), so
 * the console can bundle it without the envelope schema; categories and levels are in `catalog.ts`.
 */

/** What an event did to its resource (`operation`). */
export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'READ', 'EXECUTE'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** How the action ended (`outcome`; `success` when the producer leaves it out). */
export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Who acted (`actor.type`). */
export const ACTOR_TYPES = ['user', 'service_account', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Where an entry stands in the review queue (`reviewStatus`, always written). */
export const REVIEW_STATUSES = ['none', 'pending', 'approved', 'investigating', 'escalated'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Review statuses that keep an entry in the queue: it still needs a decision. */
export const OPEN_REVIEW_STATUSES = [
  'pending',
  'investigating',
  'escalated',
] as const satisfies readonly ReviewStatus[];

/**
 * The states of one archive file (an `audit_archives` document) in the tiering job's state
 * machine; the transitions between them are the server's (`functions/src/domain/archive/record.ts`).
 */
export const ARCHIVE_STATES = [
  'writing',
  'uploaded',
  'verified',
  'failed',
  'deleting',
  'archived',
  'restoring',
  'restored',
  'purging',
  'purged',
] as const;
export type ArchiveState = (typeof ARCHIVE_STATES)[number];
