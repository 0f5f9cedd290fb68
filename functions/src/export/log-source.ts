import { reviewStatusOf } from '@audit-log/model';
import { FieldPath, Timestamp, type DocumentSnapshot, type Firestore, type Query } from 'firebase-admin/firestore';
import { toExportRecord, type ExportCursor, type ExportRecord, type ExportWhere } from '../domain/export';
import { COLLECTIONS } from '../store/collections';
import { reviewDocsOf } from '../store/reviews';

/** A query over one tenant's entries: conditions, `[from, to)` on `occurredAt`, newest first. */
export interface LogQuery {
  /** `audit_reviews` for a review-status filter (its docs have the entries' ids and `occurredAt`). */
  collection?: 'audit_reviews';
  where: readonly ExportWhere[];
  from?: string;
  to?: string;
}

/** The Firestore query of a plan, ordered newest first with the document id breaking ties. */
export function logQuery(db: Firestore, plan: LogQuery): Query {
  let query: Query = db.collection(plan.collection ?? COLLECTIONS.logs);
  for (const clause of plan.where) query = query.where(clause.field, clause.op, clause.value);
  if (plan.from !== undefined) query = query.where('occurredAt', '>=', Timestamp.fromDate(new Date(plan.from)));
  if (plan.to !== undefined) query = query.where('occurredAt', '<', Timestamp.fromDate(new Date(plan.to)));
  return query.orderBy('occurredAt', 'desc').orderBy(FieldPath.documentId(), 'desc');
}

/** How many entries a plan matches (one aggregation, no documents read). */
export async function countMatches(db: Firestore, plan: LogQuery): Promise<number> {
  const snap = await logQuery(db, plan).count().get();
  return snap.data().count;
}

/** The position of a document in the newest-first order. */
export function cursorOf(doc: DocumentSnapshot): ExportCursor {
  const at = doc.get('occurredAt') as Timestamp;
  return { seconds: at.seconds, nanos: at.nanoseconds, logId: doc.id };
}

/** One page of entries with the review docs of its flagged ones, by log id. */
export interface LogPage {
  docs: DocumentSnapshot[];
  reviews: Map<string, Record<string, unknown>>;
  /** Where the next page starts: the position of the page's last queried document. */
  last: ExportCursor;
  /** The query filled the page, so more may follow. */
  full: boolean;
}

/**
 * Pages of a plan's entries after `after` (exclusive), `pageSize` at a time, each with its
 * entries' review docs (entries never carry review state). Each page is a new query started
 * after the last document, so only one page is held at a time and the caller can stop between
 * pages (cancel, time budget) and resume later from a cursor. A plan on `audit_reviews` pages the
 * review docs and loads their entries by id, in the same order (same ids, same `occurredAt`).
 */
export async function* logPages(
  db: Firestore,
  plan: LogQuery,
  pageSize: number,
  after?: ExportCursor | null,
  fields?: readonly string[],
): AsyncGenerator<LogPage> {
  // A projection must keep `occurredAt`: the next page starts after the last one's position.
  const ordered = logQuery(db, plan).limit(pageSize);
  const onReviews = plan.collection === COLLECTIONS.reviews;
  const base = fields && !onReviews ? ordered.select(...new Set([...fields, 'occurredAt', 'requiresReview'])) : ordered;
  let cursor = after ?? null;
  for (;;) {
    const query = cursor ? base.startAfter(new Timestamp(cursor.seconds, cursor.nanos), cursor.logId) : base;
    const snap = await query.get();
    if (snap.empty) return;
    const last = cursorOf(snap.docs[snap.docs.length - 1]!);
    if (onReviews) {
      const entries = await db.getAll(...snap.docs.map((d) => db.collection(COLLECTIONS.logs).doc(d.id)));
      // An entry archived between the two reads has left the warm tier with its review doc.
      yield {
        docs: entries.filter((e) => e.exists),
        reviews: new Map(snap.docs.map((d) => [d.id, d.data()])),
        last,
        full: snap.size === pageSize,
      };
    } else {
      yield { docs: snap.docs, reviews: await reviewDocsOf(db, snap.docs), last, full: snap.size === pageSize };
    }
    if (snap.size < pageSize) return;
    cursor = last;
  }
}

/** A stored value with Timestamps turned into ISO strings, everything else as it is. */
function plain(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = plain(v);
    return out;
  }
  return value;
}

/** The export record of a stored entry, with the review status of its review doc. */
export function recordOf(doc: DocumentSnapshot, review: Record<string, unknown> | undefined): ExportRecord {
  const data = doc.data() ?? {};
  const occurredAt = data.occurredAt as Timestamp | undefined;
  const recordedAt = data.recordedAt as Timestamp | undefined;
  const entry: Record<string, unknown> = {
    ...data,
    // A flagged entry whose review doc is not there yet reads as pending, as review does.
    reviewStatus: review ? reviewStatusOf(review) : data.requiresReview === true ? 'pending' : 'none',
    logId: typeof data.logId === 'string' ? data.logId : doc.id,
    occurredAt: occurredAt instanceof Timestamp ? occurredAt.toDate().toISOString() : occurredAt,
    recordedAt: recordedAt instanceof Timestamp ? recordedAt.toDate().toISOString() : recordedAt,
  };
  // Free-form members may hold Firestore values written by other paths (restores, operators).
  if (entry.changes !== undefined) entry.changes = plain(entry.changes);
  if (entry.metadata !== undefined) entry.metadata = plain(entry.metadata);
  return toExportRecord(entry);
}
