import { FieldPath, Timestamp, type Firestore, type Query, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { toExportRecord, type ExportCursor, type ExportRecord, type ExportWhere } from '../domain/export';
import { COLLECTIONS } from '../store/collections';

/** A query over one tenant's entries: conditions, `[from, to)` on `occurredAt`, newest first. */
export interface LogQuery {
  where: readonly ExportWhere[];
  from?: string;
  to?: string;
}

/** The Firestore query of a plan, ordered newest first with the document id breaking ties. */
export function logQuery(db: Firestore, plan: LogQuery): Query {
  let query: Query = db.collection(COLLECTIONS.logs);
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
export function cursorOf(doc: QueryDocumentSnapshot): ExportCursor {
  const at = doc.get('occurredAt') as Timestamp;
  return { seconds: at.seconds, nanos: at.nanoseconds, logId: doc.id };
}

/**
 * Pages of a plan's documents after `after` (exclusive), `pageSize` at a time. Each page is a new
 * query started after the last document, so only one page is held at a time and the caller can
 * stop between pages (cancel, time budget) and resume later from a cursor.
 */
export async function* logPages(
  db: Firestore,
  plan: LogQuery,
  pageSize: number,
  after?: ExportCursor | null,
  fields?: readonly string[],
): AsyncGenerator<QueryDocumentSnapshot[]> {
  // A projection must keep `occurredAt`: the next page starts after the last one's position.
  const ordered = logQuery(db, plan).limit(pageSize);
  const base = fields ? ordered.select(...new Set([...fields, 'occurredAt'])) : ordered;
  let cursor = after ?? null;
  for (;;) {
    const query = cursor ? base.startAfter(new Timestamp(cursor.seconds, cursor.nanos), cursor.logId) : base;
    const snap = await query.get();
    if (snap.empty) return;
    yield snap.docs;
    if (snap.size < pageSize) return;
    cursor = cursorOf(snap.docs[snap.docs.length - 1]!);
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

/** The export record of a stored entry. */
export function recordOf(doc: QueryDocumentSnapshot): ExportRecord {
  const data = doc.data();
  const occurredAt = data.occurredAt as Timestamp | undefined;
  const recordedAt = data.recordedAt as Timestamp | undefined;
  const entry: Record<string, unknown> = {
    ...data,
    logId: typeof data.logId === 'string' ? data.logId : doc.id,
    occurredAt: occurredAt instanceof Timestamp ? occurredAt.toDate().toISOString() : occurredAt,
    recordedAt: recordedAt instanceof Timestamp ? recordedAt.toDate().toISOString() : recordedAt,
  };
  // Free-form members may hold Firestore values written by other paths (restores, operators).
  if (entry.changes !== undefined) entry.changes = plain(entry.changes);
  if (entry.metadata !== undefined) entry.metadata = plain(entry.metadata);
  return toExportRecord(entry);
}
