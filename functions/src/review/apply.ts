import { FieldValue, Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { mailId, notificationId, reviewEscalationEmail } from '../domain/alerts';
import { CommandError } from '../domain/commands';
import {
  investigationRecord,
  reviewAuditEnvelope,
  reviewDocAfter,
  reviewSubjectInput,
  reviewSubjectSchema,
  type ReviewSubject,
  type ReviewTransition,
} from '../domain/review';
import { investigationRef, mailRef, notificationRef } from '../alerts/collections';
import { consoleUrl } from '../alerts/config';
import { mailDoc, notificationDoc } from '../alerts/notify';
import type { Recipient } from '../alerts/recipients';
import { stageAuditEvent } from '../commands/audit';
import { fromFirestore, toFirestoreInstants } from '../commands/instants';
import { COLLECTIONS } from '../store/collections';

/** Members of the review record (and investigation) that are instants. */
const INSTANT_KEYS: ReadonlySet<string> = new Set([
  'at',
  'assignedAt',
  'dueAt',
  'overdueEscalatedAt',
  'closedAt',
  'openedAt',
]);

export function entryRef(db: Firestore, logId: string) {
  return db.collection(COLLECTIONS.logs).doc(logId);
}

/** The review state of an entry: `audit_reviews/{logId}` (the entry itself is never updated). */
export function reviewRef(db: Firestore, logId: string) {
  return db.collection(COLLECTIONS.reviews).doc(logId);
}

/** A subject with the stored entry data it was read from (the review doc copies some of it). */
export type StoredSubject = ReviewSubject & { readonly entry: Record<string, unknown> };

/**
 * The review view of a stored entry and its review doc; null when it is not a readable audit
 * entry.
 */
export function subjectOf(
  logId: string,
  data: Record<string, unknown>,
  review: Record<string, unknown> | undefined,
): StoredSubject | null {
  const parsed = reviewSubjectSchema.safeParse(fromFirestore(reviewSubjectInput(data, review)));
  return parsed.success ? { logId, ...parsed.data, entry: data } : null;
}

/**
 * Reads an entry and its review doc inside a transaction, or null when the entry is missing or
 * unreadable. Reading the entry never writes it.
 */
export async function readStoredSubject(
  tx: Transaction,
  db: Firestore,
  logId: string,
): Promise<StoredSubject | 'missing' | 'unreadable'> {
  const [snap, review] = await tx.getAll(entryRef(db, logId), reviewRef(db, logId));
  const data = snap!.data();
  if (!data) return 'missing';
  return subjectOf(logId, data, review!.data()) ?? 'unreadable';
}

/**
 * Reads an entry of the caller's tenant inside a transaction. An entry of another tenant is
 * reported exactly like a missing one, so ids of other tenants reveal nothing.
 */
export async function readSubject(
  tx: Transaction,
  db: Firestore,
  tenantId: string,
  logId: string,
): Promise<StoredSubject> {
  const subject = await readStoredSubject(tx, db, logId);
  if (subject === 'missing' || (subject !== 'unreadable' && subject.tenantId !== tenantId))
    throw new CommandError('not_found', `no audit entry ${logId} in this tenant`);
  if (subject === 'unreadable')
    throw new CommandError('not_reviewable', `audit entry ${logId} has no readable review fields`);
  return subject;
}

export interface AppliedTransition {
  logId: string;
  action: ReviewTransition['action'];
  reviewStatus: ReviewTransition['reviewStatus'];
  awaitingConfirmation: boolean;
  auditEventId: string;
  /** Log id of the audit entry that records the action (stored by the outbox trigger). */
  auditLogId: string;
  investigationId?: string;
}

/**
 * Writes one review action inside the transaction that read the entry: the entry's review doc
 * (never the entry, which is immutable), the audit event (outbox), the investigation, and the admins' notifications of
 * an escalation, all or nothing. Must run after every read of the transaction.
 */
export function applyTransition(
  tx: Transaction,
  db: Firestore,
  subject: StoredSubject,
  t: ReviewTransition,
  admins: readonly Recipient[],
): AppliedTransition {
  // The whole doc is rewritten from the entry just read and the new record, so members the
  // transition cleared (a confirmed approval's `awaitingConfirmation`) go away.
  const record = toFirestoreInstants(t.review, INSTANT_KEYS) as ReviewSubject['review'];
  tx.set(reviewRef(db, subject.logId), reviewDocAfter(subject.entry, t.reviewStatus, record));
  const auditLogId = stageAuditEvent(tx, db, reviewAuditEnvelope(subject, t));

  const invRef = investigationRef(db, subject.tenantId, subject.logId);
  if (t.openInvestigation) {
    tx.set(
      invRef,
      {
        ...(toFirestoreInstants(investigationRecord(subject, t), INSTANT_KEYS) as object),
        closedAt: FieldValue.delete(),
      },
      { merge: true },
    );
  } else if (t.closeInvestigation) {
    tx.set(
      invRef,
      { status: 'closed', closedAt: Timestamp.fromDate(new Date(t.at)), closedBy: t.actor, closingNote: t.note },
      { merge: true },
    );
  }

  if (t.notifyAdmins) {
    const createdAt = new Date(t.at);
    const ruleKey = `review:${t.eventId}`;
    const who = t.actor ? (t.actor.email ?? t.actor.uid) : 'the review deadline';
    for (const admin of admins) {
      tx.create(
        notificationRef(db, notificationId(subject.logId, ruleKey, admin.uid)),
        notificationDoc({
          tenantId: subject.tenantId,
          recipient: admin,
          kind: 'review_escalated',
          title: `Review escalated: ${subject.level} ${subject.eventType}`,
          body: `Escalated by ${who}: ${t.note}`,
          logId: subject.logId,
          eventType: subject.eventType,
          level: subject.level,
          category: subject.category,
          createdAt,
        }),
      );
      if (admin.email) {
        tx.create(
          mailRef(db, mailId(subject.logId, ruleKey, admin.email)),
          mailDoc({
            to: admin.email,
            message: reviewEscalationEmail({ ...subject, escalatedBy: who, note: t.note }, consoleUrl()),
            tenantId: subject.tenantId,
            logId: subject.logId,
            kind: 'review_escalated',
            createdAt,
          }),
        );
      }
    }
  }
  return {
    logId: subject.logId,
    action: t.action,
    reviewStatus: t.reviewStatus,
    awaitingConfirmation: t.review.awaitingConfirmation !== undefined,
    auditEventId: t.eventId,
    auditLogId,
    ...(t.openInvestigation ? { investigationId: subject.logId } : {}),
  };
}
