import type { AuditActor, AuditResource, Category, Level, Outcome, ReviewStatus } from '../core/audit-model';

/**
 * The review state of an entry as the console reads it: its review doc in `audit_reviews`
 * (written only by the review functions; entries themselves never change). Pure mapping and rules of what the signed-in user may do next, so the page and
 * its tests agree with the server's rules; the server still decides.
 */

export interface ReviewPerson {
  readonly uid: string;
  readonly email?: string;
}

export interface ReviewDecisionView {
  readonly action: string;
  readonly by: ReviewPerson | null;
  readonly note: string;
  readonly at: Date | null;
  readonly status: string;
}

export interface ReviewView {
  readonly assignee: ReviewPerson | null;
  readonly dueAt: Date | null;
  readonly decisions: readonly ReviewDecisionView[];
  readonly awaitingConfirmation: { readonly by: ReviewPerson; readonly note: string; readonly at: Date | null } | null;
  readonly overdueEscalatedAt: Date | null;
}

export interface QueueItem {
  readonly logId: string;
  readonly eventType: string;
  readonly level: Level;
  readonly category: Category;
  readonly outcome: Outcome;
  readonly occurredAt: Date;
  readonly actor: AuditActor;
  readonly resource?: AuditResource;
  readonly reviewStatus: ReviewStatus;
  readonly review: ReviewView;
}

interface TimestampLike {
  toDate(): Date;
}

/** A stored string field, or the fallback when it is absent or not a string. */
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (value && typeof (value as TimestampLike).toDate === 'function') return (value as TimestampLike).toDate();
  return null;
}

function person(value: unknown): ReviewPerson | null {
  const p = value as { uid?: unknown; email?: unknown } | null | undefined;
  if (!p || typeof p.uid !== 'string') return null;
  return typeof p.email === 'string' ? { uid: p.uid, email: p.email } : { uid: p.uid };
}

/** Maps the review record of a review doc; lenient, so an entry never reviewed maps to "nothing yet". */
export function toReviewView(raw: unknown): ReviewView {
  const r = (raw ?? {}) as Record<string, unknown>;
  const decisions = Array.isArray(r['decisions']) ? (r['decisions'] as Array<Record<string, unknown>>) : [];
  const waiting = r['awaitingConfirmation'] as Record<string, unknown> | undefined;
  const waitingBy = waiting ? person(waiting['by']) : null;
  return {
    assignee: person(r['assignee']),
    dueAt: toDate(r['dueAt']),
    decisions: decisions.map((d) => ({
      action: str(d['action']),
      by: person(d['by']),
      note: str(d['note']),
      at: toDate(d['at']),
      status: str(d['status']),
    })),
    awaitingConfirmation:
      waiting && waitingBy ? { by: waitingBy, note: str(waiting['note']), at: toDate(waiting['at']) } : null,
    overdueEscalatedAt: toDate(r['overdueEscalatedAt']),
  };
}

/**
 * Maps a review doc (`audit_reviews/{logId}`: status, review record and the copied entry fields)
 * to a queue item.
 */
export function toQueueItem(logId: string, data: Record<string, unknown>): QueueItem {
  return {
    logId,
    eventType: str(data['eventType']),
    level: data['level'] as Level,
    category: data['category'] as Category,
    outcome: data['outcome'] as Outcome,
    occurredAt: toDate(data['occurredAt']) ?? new Date(0),
    actor: (data['actor'] as AuditActor | undefined) ?? { type: 'unknown' },
    ...(data['resource'] ? { resource: data['resource'] as AuditResource } : {}),
    reviewStatus: data['status'] as ReviewStatus,
    review: toReviewView(data),
  };
}

/** CRITICAL SECURITY entries need a second, different reviewer to confirm an approval. */
export function needsTwoPersons(item: Pick<QueueItem, 'level' | 'category'>): boolean {
  return item.level === 'CRITICAL' && item.category === 'SECURITY';
}

export interface ReviewAbilities {
  /** Approve, investigate, escalate. */
  readonly decide: boolean;
  /** Confirm a waiting approval. */
  readonly confirm: boolean;
  /** Assign a reviewer. */
  readonly assign: boolean;
  /** Why deciding is not possible, for the page to say. */
  readonly reason: string | null;
}

/** What `me` may do with `item` now (mirrors the server's state machine and two-person rule). */
export function abilities(item: QueueItem, me: { uid: string; role: string | null }): ReviewAbilities {
  const reviewer = me.role === 'reviewer' || me.role === 'admin';
  const open =
    item.reviewStatus === 'pending' || item.reviewStatus === 'investigating' || item.reviewStatus === 'escalated';
  const waiting = item.review.awaitingConfirmation;
  const assignee = item.review.assignee;
  if (!reviewer)
    return { decide: false, confirm: false, assign: false, reason: 'Only reviewers and admins decide reviews.' };
  if (!open) return { decide: false, confirm: false, assign: false, reason: 'This review is closed.' };
  // Nobody reviews their own action (the server refuses it with `self_review`); an admin may
  // still hand the entry to another reviewer.
  if (item.actor.type === 'user' && item.actor.id === me.uid) {
    return {
      decide: false,
      confirm: false,
      assign: me.role === 'admin',
      reason: 'You performed this action, so another reviewer must review it.',
    };
  }
  const mine = assignee === null || assignee.uid === me.uid || me.role === 'admin';
  return {
    decide: mine,
    confirm: waiting !== null && waiting.by.uid !== me.uid,
    assign: me.role === 'admin',
    reason: !mine
      ? `Assigned to ${assignee?.email ?? assignee?.uid ?? 'another reviewer'}.`
      : waiting !== null && waiting.by.uid === me.uid
        ? 'You approved this entry; a second reviewer must confirm it.'
        : null,
  };
}

/** Display text of a review action. */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  assigned: 'Assigned',
  approved: 'Approved',
  investigate: 'Investigation opened',
  escalated: 'Escalated',
  confirmed: 'Approval confirmed',
};
