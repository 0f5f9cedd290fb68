import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { collection, doc, limit, onSnapshot, orderBy, query, where, type QueryConstraint } from 'firebase/firestore';
import { OPEN_REVIEW_STATUSES } from '../core/audit-model';
import type { CallableOutput } from '@audit-log/model/callables';
import { Commands } from '../commands/commands';
import { toQueueItem, type QueueItem } from './review-model';

export const QUEUE_LIMIT = 100;

/** What a review command answers. */
export type ReviewResult = CallableOutput<'decideReview'>;

/**
 * The review queue: live Firestore queries of the tenant's open review docs (`audit_reviews`,
 * where review state lives because entries never change; always scoped by `tenantId`, which the
 * rules require) and the review callables. A review doc copies the entry fields the queue shows,
 * so the queue never reads `audit_logs` per row.
 */
@Injectable({ providedIn: 'root' })
export class ReviewStore {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);

  /** Streams the open queue, newest first; `assignee` narrows it to one reviewer's items. */
  watchQueue(
    tenantId: string,
    assignee: string | null,
    onItems: (items: QueueItem[]) => void,
    onError: (err: unknown) => void,
  ): () => void {
    const constraints: QueryConstraint[] = [
      where('tenantId', '==', tenantId),
      where('status', 'in', [...OPEN_REVIEW_STATUSES]),
    ];
    if (assignee !== null) constraints.push(where('assignee.uid', '==', assignee));
    constraints.push(orderBy('occurredAt', 'desc'), limit(QUEUE_LIMIT));
    return onSnapshot(
      query(collection(this.db, 'audit_reviews'), ...constraints),
      (snap) => onItems(snap.docs.map((d) => toQueueItem(d.id, d.data()))),
      onError,
    );
  }

  /**
   * Streams one entry's review doc, so its status changes on screen the moment a decision
   * commits; null for an entry that does not require review (it has none).
   */
  watchEntry(logId: string, onItem: (item: QueueItem | null) => void, onError: (err: unknown) => void): () => void {
    return onSnapshot(
      doc(this.db, 'audit_reviews', logId),
      (snap) => onItem(snap.exists() ? toQueueItem(snap.id, snap.data()) : null),
      onError,
    );
  }

  decide(logId: string, decision: 'approve' | 'investigate' | 'escalate', note: string): Promise<ReviewResult> {
    return this.commands.call('decideReview', { logId, decision, note });
  }

  confirm(logId: string, note: string): Promise<ReviewResult> {
    return this.commands.call('confirmReview', { logId, note });
  }

  assign(logId: string, reviewerUid: string, note: string): Promise<ReviewResult> {
    return this.commands.call('assignReviewer', { logId, reviewerUid, note });
  }
}
