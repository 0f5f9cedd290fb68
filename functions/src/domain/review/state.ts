import type { ReviewStatus } from '../classify';
import { assertCommand, type Role } from '../commands';
import { isOverdue } from './deadline';
import {
  MAX_REVIEW_HISTORY,
  requiresTwoPersons,
  type Person,
  type ReviewAction,
  type ReviewDecision,
  type ReviewRecord,
  type ReviewSubject,
} from './model';

/** A signed-in reviewer (or admin) acting on the queue. */
export interface Reviewer extends Person {
  role: Role;
}

/** The outcome of one review action: the new review fields and what must happen with them. */
export interface ReviewTransition {
  action: ReviewAction;
  /** Who acted; null for the system. */
  actor: Person | null;
  note: string;
  /** ISO instant of the action. */
  at: string;
  before: { reviewStatus: ReviewStatus; review: ReviewRecord };
  reviewStatus: ReviewStatus;
  review: ReviewRecord;
  /** Event id of the audit entry recording this action; fixed by the review's version. */
  eventId: string;
  /** Open (or reopen) the entry's investigation record. */
  openInvestigation: boolean;
  /** Close the entry's investigation record, if it has one. */
  closeInvestigation: boolean;
  /** Tell the tenant's admins (escalation). */
  notifyAdmins: boolean;
}

/** The audit event id of a review action: one per entry and version, so retries store it once. */
export function reviewEventId(logId: string, version: number): string {
  return `review-${logId}-${version}`;
}

function assertOpen(subject: ReviewSubject): void {
  assertCommand(
    subject.requiresReview && subject.reviewStatus !== 'none',
    'not_reviewable',
    'this entry was not flagged for review',
  );
  assertCommand(subject.reviewStatus !== 'approved', 'review_closed', 'the review of this entry is closed (approved)');
}

/**
 * Nobody reviews their own actions: the user who acted is never the assignee, a decider or
 * either approver of a two-person item of that entry, whatever their role.
 */
function assertNotOwnEntry(subject: ReviewSubject, who: Person, role: 'assignee' | 'reviewer'): void {
  assertCommand(
    !subject.actingUids.includes(who.uid),
    'self_review',
    role === 'assignee'
      ? 'this user performed the reviewed action and cannot be its reviewer'
      : 'you performed the reviewed action yourself; another reviewer must review it',
  );
}

function personOf(reviewer: Person): Person {
  return { uid: reviewer.uid, ...(reviewer.email !== undefined ? { email: reviewer.email } : {}) };
}

interface Step {
  action: ReviewAction;
  actor: Person | null;
  note: string;
  at: string;
  reviewStatus: ReviewStatus;
  /** Changes to the review record besides version and history. */
  patch: (review: ReviewRecord) => ReviewRecord;
  openInvestigation?: boolean;
  closeInvestigation?: boolean;
  notifyAdmins?: boolean;
}

function step(subject: ReviewSubject, s: Step): ReviewTransition {
  const { review } = subject;
  assertCommand(
    review.decisions.length < MAX_REVIEW_HISTORY,
    'review_history_full',
    `this entry already has ${MAX_REVIEW_HISTORY} review actions`,
  );
  const version = review.version + 1;
  const eventId = reviewEventId(subject.logId, version);
  const patched = s.patch(review);
  const next: ReviewRecord = {
    ...patched,
    version,
    decisions: [
      ...review.decisions,
      { action: s.action, by: s.actor, note: s.note, at: s.at, status: s.reviewStatus, eventId },
    ],
  };
  return {
    action: s.action,
    actor: s.actor,
    note: s.note,
    at: s.at,
    before: { reviewStatus: subject.reviewStatus, review },
    reviewStatus: s.reviewStatus,
    review: next,
    eventId,
    openInvestigation: s.openInvestigation ?? false,
    closeInvestigation: s.closeInvestigation ?? false,
    notifyAdmins: s.notifyAdmins ?? false,
  };
}

function withoutAwaiting(review: ReviewRecord): ReviewRecord {
  const { awaitingConfirmation: _dropped, ...rest } = review;
  return rest;
}

/** An admin assigns (or reassigns) the reviewer of an open entry. */
export function assignReview(
  subject: ReviewSubject,
  input: { assignee: Person; admin: Person; note: string; at: string },
): ReviewTransition {
  assertOpen(subject);
  assertNotOwnEntry(subject, input.assignee, 'assignee');
  assertCommand(
    subject.review.assignee?.uid !== input.assignee.uid,
    'invalid_transition',
    'the entry is already assigned to this reviewer',
  );
  return step(subject, {
    action: 'assigned',
    actor: personOf(input.admin),
    note: input.note,
    at: input.at,
    reviewStatus: subject.reviewStatus,
    patch: (review) => ({
      ...review,
      assignee: personOf(input.assignee),
      assignedAt: input.at,
      assignedBy: personOf(input.admin),
    }),
  });
}

/**
 * A reviewer decides: approve closes the review (or, on a two-person item, records the first
 * approval and waits for confirmation); investigate opens an investigation; escalate tells the
 * admins. Investigate and escalate withdraw a waiting first approval: the second reviewer
 * disagreed. An assigned entry is decided by its assignee or an admin.
 */
export function decideReview(
  subject: ReviewSubject,
  input: { decision: ReviewDecision; note: string; reviewer: Reviewer; at: string },
): ReviewTransition {
  assertOpen(subject);
  const { reviewer, decision } = input;
  assertNotOwnEntry(subject, reviewer, 'reviewer');
  const assignee = subject.review.assignee;
  assertCommand(
    assignee === undefined || assignee.uid === reviewer.uid || reviewer.role === 'admin',
    'not_assignee',
    'this entry is assigned to another reviewer; only that reviewer or an admin may decide it',
  );
  const actor = personOf(reviewer);
  const base = { actor, note: input.note, at: input.at };
  const current = subject.reviewStatus;

  if (decision === 'approve') {
    if (requiresTwoPersons(subject)) {
      assertCommand(
        subject.review.awaitingConfirmation === undefined,
        'awaiting_confirmation',
        'an approval of this entry already waits for a second reviewer to confirm it',
      );
      return step(subject, {
        ...base,
        action: 'approved',
        reviewStatus: current,
        patch: (review) => ({ ...review, awaitingConfirmation: { by: actor, note: input.note, at: input.at } }),
      });
    }
    return step(subject, {
      ...base,
      action: 'approved',
      reviewStatus: 'approved',
      patch: (review) => ({ ...review, closedAt: input.at }),
      closeInvestigation: subject.review.investigationId !== undefined,
    });
  }
  if (decision === 'investigate') {
    assertCommand(current !== 'investigating', 'invalid_transition', 'the entry is already under investigation');
    return step(subject, {
      ...base,
      action: 'investigate',
      reviewStatus: 'investigating',
      patch: (review) => ({ ...withoutAwaiting(review), investigationId: subject.logId }),
      openInvestigation: true,
    });
  }
  assertCommand(current !== 'escalated', 'invalid_transition', 'the entry is already escalated');
  return step(subject, {
    ...base,
    action: 'escalated',
    reviewStatus: 'escalated',
    patch: withoutAwaiting,
    notifyAdmins: true,
  });
}

/**
 * The second reviewer of a two-person item confirms the waiting approval, which closes the
 * review. The confirming reviewer must not be the one who approved: that is the rule.
 */
export function confirmReview(
  subject: ReviewSubject,
  input: { note: string; reviewer: Reviewer; at: string },
): ReviewTransition {
  assertOpen(subject);
  assertNotOwnEntry(subject, input.reviewer, 'reviewer');
  const waiting = subject.review.awaitingConfirmation;
  assertCommand(waiting !== undefined, 'nothing_to_confirm', 'no approval of this entry waits for confirmation');
  assertCommand(
    waiting.by.uid !== input.reviewer.uid,
    'two_person_rule',
    'a second, different reviewer must confirm: you approved this entry yourself',
  );
  return step(subject, {
    action: 'confirmed',
    actor: personOf(input.reviewer),
    note: input.note,
    at: input.at,
    reviewStatus: 'approved',
    patch: (review) => ({ ...withoutAwaiting(review), closedAt: input.at }),
    closeInvestigation: subject.review.investigationId !== undefined,
  });
}

/**
 * The deadline escalation: a still-pending entry past its due time is escalated to the admins,
 * once. Returns null when nothing is to be done (decided meanwhile, not yet due, or escalated
 * before), which is what makes a repeated or concurrent run harmless.
 */
export function escalateOverdue(subject: ReviewSubject, now: Date): ReviewTransition | null {
  const { review } = subject;
  if (!subject.requiresReview || subject.reviewStatus !== 'pending') return null;
  if (review.overdueEscalatedAt !== undefined || !isOverdue(review.dueAt, now)) return null;
  if (review.decisions.length >= MAX_REVIEW_HISTORY) return null;
  const at = now.toISOString();
  return step(subject, {
    action: 'escalated',
    actor: null,
    note: `review deadline ${review.dueAt} passed without a decision`,
    at,
    reviewStatus: 'escalated',
    patch: (r) => ({ ...r, overdueEscalatedAt: at }),
    notifyAdmins: true,
  });
}
