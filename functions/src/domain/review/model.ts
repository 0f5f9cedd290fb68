import { z } from 'zod';
import { CATEGORIES, LEVELS, type Category, type Level } from '../catalog';
import { REVIEW_STATUSES, type ReviewStatus } from '../classify';

/** What a reviewer decides (the `decision` argument of `decideReview`). */
export const REVIEW_DECISIONS = ['approve', 'investigate', 'escalate'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * Every recorded review action; each one is also an audit entry of type `audit.review.<action>`.
 * `approved` on a two-person item records the first approval, `confirmed` the second.
 */
export const REVIEW_ACTIONS = ['assigned', 'approved', 'investigate', 'escalated', 'confirmed'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export { OPEN_REVIEW_STATUSES } from '@audit-log/model/enums';

/** More history than this on one entry means something is looping; further actions are refused. */
export const MAX_REVIEW_HISTORY = 100;

const isoInstant = z.iso.datetime({ offset: true });

export const personSchema = z.object({ uid: z.string().min(1), email: z.string().optional() });
export type Person = z.infer<typeof personSchema>;

export const reviewHistoryItemSchema = z.object({
  action: z.enum(REVIEW_ACTIONS),
  /** Who acted; null for the system (the deadline escalation). */
  by: personSchema.nullable(),
  note: z.string(),
  at: isoInstant,
  /** Review status after the action. */
  status: z.enum(REVIEW_STATUSES),
  /** Event id of the audit entry that records the action. */
  eventId: z.string(),
});
export type ReviewHistoryItem = z.infer<typeof reviewHistoryItemSchema>;

/**
 * The server-written `review` map of an audit entry (instants as ISO strings in the domain; the
 * store keeps Timestamps). It is outside the entry hash, like `reviewStatus`, so review never
 * breaks tamper evidence of what happened.
 */
export const reviewRecordSchema = z.object({
  /** Number of actions so far; the audit event id of the next action derives from it. */
  version: z.number().int().min(0).default(0),
  assignee: personSchema.optional(),
  assignedAt: isoInstant.optional(),
  assignedBy: personSchema.optional(),
  dueAt: isoInstant.optional(),
  decisions: z.array(reviewHistoryItemSchema).default([]),
  /** A first approval of a two-person item, waiting for a different reviewer to confirm. */
  awaitingConfirmation: z.object({ by: personSchema, note: z.string(), at: isoInstant }).optional(),
  investigationId: z.string().optional(),
  overdueEscalatedAt: isoInstant.optional(),
  closedAt: isoInstant.optional(),
});
export type ReviewRecord = z.infer<typeof reviewRecordSchema>;

export const EMPTY_REVIEW: ReviewRecord = { version: 0, decisions: [] };

/** The part of an audit entry that review reads. */
export interface ReviewSubject {
  logId: string;
  tenantId: string;
  eventType: string;
  level: Level;
  category: Category;
  requiresReview: boolean;
  reviewStatus: ReviewStatus;
  review: ReviewRecord;
  /**
   * Uids of the users who performed the reviewed action: the entry's user actor (for change
   * capture, the writer recorded there). None of them may review the entry.
   */
  actingUids: readonly string[];
}

/** The stored actor as review reads it: only a user actor's id matters here. */
const actingActorSchema = z
  .object({ type: z.unknown().optional(), id: z.unknown().optional() })
  .loose()
  .optional()
  .catch(undefined);

/**
 * The users who acted, from a stored entry's actor: a user actor's id. Change capture records
 * the writer of the document as the entry's user actor, so the same rule covers it.
 */
export function actingUidsOf(actor: { type?: unknown; id?: unknown } | undefined): string[] {
  return actor?.type === 'user' && typeof actor.id === 'string' && actor.id.length > 0 ? [actor.id] : [];
}

export const reviewSubjectSchema = z
  .object({
    tenantId: z.string(),
    eventType: z.string(),
    level: z.enum(LEVELS),
    category: z.enum(CATEGORIES),
    requiresReview: z.boolean(),
    reviewStatus: z.enum(REVIEW_STATUSES),
    review: reviewRecordSchema.default(EMPTY_REVIEW),
    actor: actingActorSchema,
  })
  .transform(({ actor, ...rest }) => ({ ...rest, actingUids: actingUidsOf(actor) }));

/**
 * The two-person rule applies to CRITICAL SECURITY entries: one reviewer's approval does not
 * close them; a second, different reviewer must confirm.
 */
export function requiresTwoPersons(subject: Pick<ReviewSubject, 'level' | 'category'>): boolean {
  return subject.level === 'CRITICAL' && subject.category === 'SECURITY';
}
