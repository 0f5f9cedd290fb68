import type { DocumentData, Firestore } from 'firebase-admin/firestore';
import { processAuditEntry } from '../anomaly/anomaly';
import { dispatchAlerts } from '../alerts/dispatch';
import { DENIED_EVENT_TYPE } from '../domain/anomaly';
import type { ReactionName } from '../domain/reactions';
import { stampReviewDeadline } from '../review/deadline';

/** One reaction to a stored entry, as the trigger `reactToEntry` runs it. */
export interface EntryReaction {
  readonly name: ReactionName;
  /** Running it again after it completed has no further effect (see domain/reactions.ts). */
  readonly repeatSafe: boolean;
  /** A cheap test on the stored data alone: is the entry this reaction's business at all? */
  concerns(data: DocumentData): boolean;
  /** Does the work; throws only on transient failures. */
  run(db: Firestore, logId: string, data: DocumentData): Promise<unknown>;
}

/**
 * The repeated-denials rule. Not repeat-safe: a denial past the window's threshold only adds to
 * the counter's `count` (the counter keeps the ids of the first `threshold` denials only), so
 * counting it twice would overstate the window. Its completion is recorded when a sibling fails.
 */
export const anomalyReaction: EntryReaction = {
  name: 'anomaly',
  repeatSafe: false,
  // Most entries are not denials: decided from the snapshot before touching anything else.
  concerns: (data) => data.eventType === DENIED_EVENT_TYPE,
  run: (db, logId, data) => processAuditEntry(db, logId, data),
};

/**
 * The tenant's alert rules. Repeat-safe: notifications, mails and webhook deliveries have ids
 * fixed by (entry, rule, recipient) and are written with `create()` (a read notification stays
 * read), and a webhook delivery already delivered, failed, leased or waiting for its next attempt
 * is not sent again.
 */
export const alertsReaction: EntryReaction = {
  name: 'alerts',
  repeatSafe: true,
  // Rules can match any entry; which do is known only with the tenant's settings.
  concerns: () => true,
  run: (db, logId, data) => dispatchAlerts(db, logId, data),
};

/** The review deadline. Repeat-safe: a transaction leaves an existing `review.dueAt` alone. */
export const reviewDeadlineReaction: EntryReaction = {
  name: 'review-deadline',
  repeatSafe: true,
  concerns: (data) => data.requiresReview === true,
  run: (db, logId, data) => stampReviewDeadline(db, logId, data),
};

export const ENTRY_REACTIONS: readonly EntryReaction[] = [anomalyReaction, alertsReaction, reviewDeadlineReaction];
