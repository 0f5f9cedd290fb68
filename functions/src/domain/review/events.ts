import { userActor } from '../commands';
import { requiresTwoPersons, type ReviewRecord, type ReviewSubject } from './model';
import type { ReviewTransition } from './state';

/** Source of the audit entries that record review actions (`audit.review.*`). */
export const REVIEW_AUDIT_SOURCE = 'audit-review';
/** Actor id of actions the system takes on its own (the deadline escalation). */
export const REVIEW_DEADLINE_ACTOR = 'review-deadline';

/** `audit.review.assigned`, `audit.review.approved`, ... */
export function reviewEventType(action: ReviewTransition['action']): string {
  return `audit.review.${action}`;
}

function stateView(reviewStatus: string, review: ReviewRecord): Record<string, unknown> {
  return {
    reviewStatus,
    assignee: review.assignee?.uid ?? null,
    awaitingConfirmation: review.awaitingConfirmation !== undefined,
  };
}

/**
 * The audit envelope of one review action. It is linked to the reviewed entry twice: the
 * resource is the entry (`audit_entry`, its log id) and `context.correlationId` is the log id,
 * so "everything that happened to this entry" is one indexed query. The event id is fixed by
 * the review's version, so a retried write is stored once.
 */
export function reviewAuditEnvelope(subject: ReviewSubject, t: ReviewTransition): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    action: t.action,
    note: t.note,
    reviewedEventType: subject.eventType,
    reviewedLevel: subject.level,
    reviewedCategory: subject.category,
    twoPersonRule: requiresTwoPersons(subject),
  };
  if (t.review.assignee) metadata.assignee = t.review.assignee.uid;
  if (t.openInvestigation) metadata.investigationId = t.review.investigationId;
  if (t.review.dueAt) metadata.dueAt = t.review.dueAt;
  return {
    specVersion: '1.0',
    eventId: t.eventId,
    eventType: reviewEventType(t.action),
    tenantId: subject.tenantId,
    occurredAt: t.at,
    source: REVIEW_AUDIT_SOURCE,
    actor: t.actor ? userActor(t.actor) : { type: 'system', id: REVIEW_DEADLINE_ACTOR, name: 'Review deadline' },
    resource: { type: 'audit_entry', id: subject.logId, name: subject.eventType },
    operation: 'UPDATE',
    outcome: 'success',
    changes: {
      before: stateView(t.before.reviewStatus, t.before.review),
      after: stateView(t.reviewStatus, t.review),
    },
    metadata,
    context: { correlationId: subject.logId },
  };
}

/** An investigation record, `tenants/{tenantId}/investigations/{logId}` (instants as ISO). */
export interface InvestigationRecord {
  tenantId: string;
  logId: string;
  status: 'open' | 'closed';
  openedAt: string;
  openedBy: { uid: string; email?: string };
  note: string;
  entry: { eventType: string; level: string; category: string };
  reviewEventId: string;
}

/** The investigation an "investigate" decision opens; one per entry (reopened if needed). */
export function investigationRecord(subject: ReviewSubject, t: ReviewTransition): InvestigationRecord {
  if (!t.actor) throw new Error('an investigation is opened by a reviewer');
  return {
    tenantId: subject.tenantId,
    logId: subject.logId,
    status: 'open',
    openedAt: t.at,
    openedBy: t.actor,
    note: t.note,
    entry: { eventType: subject.eventType, level: subject.level, category: subject.category },
    reviewEventId: t.eventId,
  };
}
