import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import {
  collection,
  doc,
  getCountFromServer,
  getDoc,
  getDocs,
  limit,
  onSnapshot,
  orderBy,
  query,
  startAfter,
  where,
  type DocumentSnapshot,
  type Query,
  type QueryConstraint,
} from 'firebase/firestore';
import type { AuditLogEntry } from '../audit-model';
import type { LogQueryPlan } from '../../logs/query/log-query';
import { toAuditLogEntry } from './entry-converter';

/** An opaque position after the last entry of a page. */
export type PageCursor = DocumentSnapshot | { readonly opaque: unknown };

export interface LogPage {
  entries: AuditLogEntry[];
  /** Null when this was the last page. */
  next: PageCursor | null;
}

/** What the table's data source needs from storage; the Firestore adapter below implements it. */
export interface LogReader {
  page(plan: LogQueryPlan, cursor: PageCursor | null): Promise<LogPage>;
  watch(plan: LogQueryPlan, onAdded: (entries: AuditLogEntry[]) => void, onError: (err: unknown) => void): () => void;
  /**
   * The search tokens of a person's address in the reader's tenant (clear and blind), from the
   * server, which alone holds the blind-index key. Without it a search by e-mail matches the
   * address alone, i.e. only entries stored in clear.
   */
  personTokens?(actorEmail: string): Promise<string[]>;
}

/**
 * The thin Firestore adapter of the console: it executes plans made by `planLogQuery` and knows
 * nothing about filters. Keeping SDK calls here keeps the planner pure and every query tenant-scoped.
 */
@Injectable({ providedIn: 'root' })
export class LogRepository implements LogReader {
  private readonly db = inject(Firestore);

  /** The SDK query for a plan, with one `where()` per planned condition. */
  private toQuery(plan: LogQueryPlan, after: PageCursor | null = null): Query {
    const constraints: QueryConstraint[] = plan.where.map((c) =>
      where(c.field, c.op, Array.isArray(c.value) ? [...(c.value as readonly string[])] : c.value),
    );
    constraints.push(orderBy(plan.orderBy.field, plan.orderBy.direction));
    if (after) constraints.push(startAfter(after as DocumentSnapshot));
    if (plan.limit !== null) constraints.push(limit(plan.limit));
    return query(collection(this.db, plan.collection), ...constraints);
  }

  /**
   * The entries of `docs` with their review state. Entries never change, so review state lives in
   * `audit_reviews`: a plan on `audit_logs` reads the review docs of its flagged entries; a plan on
   * `audit_reviews` (a review-status filter) already has them and reads the entries by id, in the
   * same order. An entry gone in between (archived with its review doc) is left out.
   */
  private async withReviews(plan: LogQueryPlan, docs: readonly DocumentSnapshot[]): Promise<AuditLogEntry[]> {
    if (plan.collection === 'audit_reviews') {
      const entries = await Promise.all(docs.map((d) => getDoc(doc(this.db, 'audit_logs', d.id))));
      return entries.flatMap((e, i) => (e.exists() ? [toAuditLogEntry(e.id, e.data(), docs[i]!.data())] : []));
    }
    return Promise.all(
      docs.map(async (d) => {
        const data = d.data() ?? {};
        const review = data['requiresReview'] === true ? await this.review(d.id) : undefined;
        return toAuditLogEntry(d.id, data, review);
      }),
    );
  }

  private async review(logId: string): Promise<Record<string, unknown> | undefined> {
    return (await getDoc(doc(this.db, 'audit_reviews', logId))).data();
  }

  /** One page of entries, newest first, after `cursor`. */
  async page(plan: LogQueryPlan, cursor: PageCursor | null): Promise<LogPage> {
    const snap = await getDocs(this.toQuery(plan, cursor));
    const entries = await this.withReviews(plan, snap.docs);
    const last = snap.docs[snap.docs.length - 1];
    const full = plan.limit !== null && snap.docs.length === plan.limit;
    // The cursor is the last queried document: review docs and entries share id and occurredAt.
    return { entries, next: full && last ? last : null };
  }

  /** Number of entries matching the plan, counted by the server (an aggregation query). */
  async count(plan: LogQueryPlan): Promise<number> {
    const snap = await getCountFromServer(this.toQuery({ ...plan, limit: null }));
    return snap.data().count;
  }

  /**
   * Streams entries added to the plan's result (live tail). `onAdded` gets the new entries of each
   * snapshot, newest first. Returns the function that stops listening.
   */
  watch(plan: LogQueryPlan, onAdded: (entries: AuditLogEntry[]) => void, onError: (err: unknown) => void): () => void {
    return onSnapshot(
      this.toQuery(plan),
      (snap) => {
        const added = snap
          .docChanges()
          .filter((change) => change.type === 'added')
          .map((change) => change.doc);
        if (added.length === 0) return;
        this.withReviews(plan, added).then(
          (entries) => onAdded(entries.sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime())),
          onError,
        );
      },
      onError,
    );
  }

  /** One entry by id, with its review status; security rules refuse entries of other tenants. */
  async entry(logId: string): Promise<AuditLogEntry | null> {
    const snap = await getDoc(doc(this.db, 'audit_logs', logId));
    if (!snap.exists()) return null;
    const data = snap.data();
    return toAuditLogEntry(snap.id, data, data['requiresReview'] === true ? await this.review(logId) : undefined);
  }
}
