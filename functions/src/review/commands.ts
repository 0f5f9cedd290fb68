import type { CallableOutput } from '@audit-log/model/callables';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { adminAuth, tenantRecipients, type Recipient } from '../alerts/recipients';
import { requestCaller, runCallable } from '../commands/callable';
import { reviewActionRecorded } from '../commands/logs';
import { CommandError, REVIEW_ROLES, parseCommand, requireTenantRole, type TenantMember } from '../domain/commands';
import {
  assignReview,
  assignReviewerInputSchema,
  confirmReview,
  confirmReviewInputSchema,
  decideReview,
  decideReviewInputSchema,
  type Person,
  type Reviewer,
  type ReviewSubject,
  type ReviewTransition,
} from '../domain/review';
import { firestore } from '../firebase';
import { applyTransition, readSubject, type AppliedTransition } from './apply';

/** What every review callable answers. */
type ReviewAnswer = CallableOutput<'assignReviewer' | 'decideReview' | 'confirmReview'>;

/**
 * The review callables. Each runs the whole action in one Firestore transaction: read the entry,
 * let the domain decide the transition (which enforces the state machine, the assignee rule and
 * the two-person rule against the state just read), then write the review fields, the audit
 * event and the side records. Two reviewers racing on one entry are serialized by the
 * transaction, so a rule checked against stale state can never commit.
 */

function person(member: TenantMember): Person {
  return { uid: member.uid, ...(member.email !== undefined ? { email: member.email } : {}) };
}

function reviewerOf(member: TenantMember): Reviewer {
  return { ...person(member), role: member.role };
}

async function transact(
  tenantId: string,
  logId: string,
  admins: readonly Recipient[],
  decide: (subject: ReviewSubject, at: string) => ReviewTransition,
): Promise<AppliedTransition> {
  const db = firestore();
  const applied = await db.runTransaction(async (tx) => {
    const subject = await readSubject(tx, db, tenantId, logId);
    const transition = decide(subject, new Date().toISOString());
    return applyTransition(tx, db, subject, transition, admins);
  });
  reviewActionRecorded(tenantId, logId, applied.action, applied.auditEventId);
  return applied;
}

/** Checks that the user named as reviewer is a reviewer or admin of the same tenant. */
async function assigneeOf(tenantId: string, uid: string): Promise<Person> {
  let user;
  try {
    user = await adminAuth().getUser(uid);
  } catch {
    throw new CommandError('invalid_assignee', 'no such user', [{ path: 'reviewerUid', message: 'is not a user' }]);
  }
  const claims = user.customClaims ?? {};
  if (user.disabled || claims.tenantId !== tenantId || !(REVIEW_ROLES as readonly unknown[]).includes(claims.role)) {
    throw new CommandError('invalid_assignee', 'the user cannot review this tenant', [
      { path: 'reviewerUid', message: 'must be a reviewer or admin of the tenant' },
    ]);
  }
  return { uid: user.uid, ...(user.email ? { email: user.email } : {}) };
}

/** `assignReviewer` (admins): `{logId, reviewerUid, note?}`. */
export function handleAssignReviewer(request: CallableRequest): Promise<ReviewAnswer> {
  return runCallable('assignReviewer', async () => {
    const admin = requireTenantRole(requestCaller(request), ['admin'], 'assign reviewers');
    const input = parseCommand(assignReviewerInputSchema, request.data);
    const assignee = await assigneeOf(admin.tenantId, input.reviewerUid);
    return transact(admin.tenantId, input.logId, [], (subject, at) =>
      assignReview(subject, { assignee, admin: person(admin), note: input.note, at }),
    );
  });
}

/** `decideReview` (reviewers and admins): `{logId, decision: approve|investigate|escalate, note}`. */
export function handleDecideReview(request: CallableRequest): Promise<ReviewAnswer> {
  return runCallable('decideReview', async () => {
    const member = requireTenantRole(requestCaller(request), REVIEW_ROLES, 'decide reviews');
    const input = parseCommand(decideReviewInputSchema, request.data);
    // Recipients are looked up before the transaction: Auth calls do not belong inside one.
    const admins = input.decision === 'escalate' ? await tenantRecipients(firestore(), member.tenantId, ['admin']) : [];
    return transact(member.tenantId, input.logId, admins, (subject, at) =>
      decideReview(subject, { decision: input.decision, note: input.note, reviewer: reviewerOf(member), at }),
    );
  });
}

/** `confirmReview` (a second reviewer or admin): `{logId, note}`. */
export function handleConfirmReview(request: CallableRequest): Promise<ReviewAnswer> {
  return runCallable('confirmReview', async () => {
    const member = requireTenantRole(requestCaller(request), REVIEW_ROLES, 'confirm reviews');
    const input = parseCommand(confirmReviewInputSchema, request.data);
    return transact(member.tenantId, input.logId, [], (subject, at) =>
      confirmReview(subject, { note: input.note, reviewer: reviewerOf(member), at }),
    );
  });
}
