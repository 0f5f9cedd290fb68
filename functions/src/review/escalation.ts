import { Timestamp, type DocumentSnapshot, type Firestore, type Query } from 'firebase-admin/firestore';
import { tenantRecipients, type Recipient } from '../alerts/recipients';
import { reviewEscalationRun } from '../commands/logs';
import { escalateOverdue } from '../domain/review';
import { COLLECTIONS } from '../store/collections';
import { applyTransition, readStoredSubject } from './apply';

export interface EscalationOptions {
  now?: Date;
  /** Only this tenant (the admin entry point of a tenant admin); all tenants when absent. */
  tenantId?: string;
  /** Entries read per query page. */
  pageSize?: number;
  /** Stop starting new pages after this instant (epoch ms), so a run ends within its timeout. */
  deadlineMs?: number;
}

export interface EscalationReport {
  scanned: number;
  escalated: number;
  /** Found overdue by the query, but decided or escalated by someone else before we got there. */
  skipped: number;
  escalatedLogIds: string[];
}

/**
 * Escalates every flagged entry that is still `pending` past its due date, found through its
 * review doc (`audit_reviews`, where `status` and `dueAt` live; the entry is never written).
 * Each entry is escalated in its own transaction that re-reads it and asks the domain again; the domain
 * refuses an entry that is no longer pending or already carries `overdueEscalatedAt`. So two
 * runs at once (a schedule overlapping a manual run, or a retried schedule) escalate each entry
 * exactly once, write one audit event and notify the admins once.
 */
export async function escalateOverdueReviews(
  db: Firestore,
  options: EscalationOptions = {},
): Promise<EscalationReport> {
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? 100;
  const report: EscalationReport = { scanned: 0, escalated: 0, skipped: 0, escalatedLogIds: [] };
  const admins = new Map<string, Promise<Recipient[]>>();

  let query: Query = db.collection(COLLECTIONS.reviews);
  if (options.tenantId !== undefined) query = query.where('tenantId', '==', options.tenantId);
  query = query
    .where('status', '==', 'pending')
    .where('dueAt', '<=', Timestamp.fromDate(now))
    .orderBy('dueAt')
    .limit(pageSize);

  let after: DocumentSnapshot | undefined;
  for (;;) {
    if (options.deadlineMs !== undefined && Date.now() > options.deadlineMs) break;
    const page = await (after ? query.startAfter(after) : query).get();
    for (const doc of page.docs) {
      report.scanned++;
      const tenantId = doc.get('tenantId') as string;
      if (!admins.has(tenantId)) admins.set(tenantId, tenantRecipients(db, tenantId, ['admin']));
      const recipients = await admins.get(tenantId)!;
      const done = await db.runTransaction(async (tx) => {
        const subject = await readStoredSubject(tx, db, doc.id);
        if (typeof subject === 'string') return false;
        const transition = escalateOverdue(subject, now);
        if (!transition) return false;
        applyTransition(tx, db, subject, transition, recipients);
        return true;
      });
      if (done) {
        report.escalated++;
        report.escalatedLogIds.push(doc.id);
      } else report.skipped++;
    }
    if (page.size < pageSize) break;
    after = page.docs[page.docs.length - 1];
  }
  reviewEscalationRun(report);
  return report;
}
