import * as z from 'zod/mini';
import { CATEGORIES, LEVELS } from './catalog';
import { ACTOR_TYPES, OUTCOMES, REVIEW_STATUSES } from './enums';
import { storedConverter, timestampSchema } from './stored-document';

/**
 * `audit_reviews/{logId}` as stored: the review state of one entry that requires review
 * (contract.md, "Stored entry"). The entry itself is never updated, so everything review changes
 * lives here, beside a copy of the entry fields the queue filters, sorts and shows. Server-written
 * only; instants are Timestamps. `review.ts` takes its types from here.
 */

/** A reviewer (or the first approver of a two-person item). */
export const reviewPersonSchema = z.object({ uid: z.string().check(z.minLength(1)), email: z.optional(z.string()) });
export type ReviewPersonRecord = z.infer<typeof reviewPersonSchema>;

/** One recorded review action; each is also an audit entry of type `audit.review.<action>`. */
export const reviewDecisionSchema = z.object({
  action: z.string(),
  /** Who acted; null for the system (the deadline escalation). */
  by: z.nullable(reviewPersonSchema),
  note: z.string(),
  at: timestampSchema,
  /** Review status after the action. */
  status: z.enum(REVIEW_STATUSES),
  /** Event id of the audit entry that records the action. */
  eventId: z.string(),
});
export type ReviewDecisionRecord = z.infer<typeof reviewDecisionSchema>;

const actorSchema = z.object({
  type: z.enum(ACTOR_TYPES),
  id: z.optional(z.string()),
  name: z.optional(z.string()),
  email: z.optional(z.string()),
  ip: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  roles: z.optional(z.array(z.string())),
});

const resourceSchema = z.object({
  type: z.string(),
  id: z.string(),
  name: z.optional(z.string()),
  path: z.optional(z.string()),
});

export const reviewDocSchema = z.object({
  // The copied entry fields (REVIEW_ENTRY_FIELDS of review.ts).
  logId: z.string().check(z.minLength(1)),
  tenantId: z.string().check(z.minLength(1)),
  eventType: z.string(),
  level: z.enum(LEVELS),
  category: z.enum(CATEGORIES),
  outcome: z.enum(OUTCOMES),
  occurredAt: timestampSchema,
  recordedAt: timestampSchema,
  actor: actorSchema,
  resource: z.optional(resourceSchema),
  // The review state proper (REVIEW_RECORD_FIELDS of review.ts).
  status: z.enum(REVIEW_STATUSES),
  /** Number of review actions so far; the audit event id of the next action derives from it. */
  version: z.number().check(z.int(), z.minimum(0)),
  assignee: z.optional(reviewPersonSchema),
  assignedAt: z.optional(timestampSchema),
  assignedBy: z.optional(reviewPersonSchema),
  dueAt: z.optional(timestampSchema),
  decisions: z.array(reviewDecisionSchema),
  /** A first approval of a two-person item, waiting for a different reviewer to confirm. */
  awaitingConfirmation: z.optional(z.object({ by: reviewPersonSchema, note: z.string(), at: timestampSchema })),
  investigationId: z.optional(z.string()),
  overdueEscalatedAt: z.optional(timestampSchema),
  closedAt: z.optional(timestampSchema),
});
export type StoredReviewState = z.infer<typeof reviewDocSchema>;

/** Converter of `audit_reviews` for `withConverter` of either SDK. */
export const reviewConverter = storedConverter(reviewDocSchema);
