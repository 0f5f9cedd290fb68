import { mergeTiers, type MergedCursor, type MergedPage, type TierReader } from '@audit-log/model/tier-merge';
import type { Firestore } from 'firebase-admin/firestore';
import { encodeCursor, SEARCHABLE_STATES, utcDate, type ColdSearchRequest } from '../domain/archive';
import {
  coldPersonTokensOf,
  coldRequestOf,
  cursorAt,
  matchesWhere,
  searchPositionOf,
  tierPositionOf,
  toExportRecord,
  type ExportCursor,
  type ExportRecord,
} from '../domain/export';
import { revealEntries } from '../privacy/data-keys';
import { COLLECTIONS } from '../store/collections';
import { coldSearch } from '../tiering/cold-search';
import type { Bucket } from '../tiering/storage';
import { logPages, recordOf, type LogPage, type LogQuery } from './log-source';

/** What reading both tiers needs: Firestore, and the bucket the archives are in. */
export interface TieredSourceDeps {
  db: Firestore;
  archiveBucket: Bucket;
}

/** One merged page of records, newest first across both tiers. */
export interface RecordPage {
  records: ExportRecord[];
  /** Rows of this page that came from the archive. */
  archived: number;
  /** The tier of each record, in order. */
  tiers: Array<'hot' | 'cold'>;
  /** The position of the page's last record: a later run resumes both tiers after it. */
  last: ExportCursor;
  /** More may follow. */
  full: boolean;
}

/** Archive files of a search are cached locally; exports keep less of them than the search callable. */
const EXPORT_CACHE_BYTES = 128 * 1024 * 1024;

/**
 * True when an archived (searchable) part of the tenant lies in `[from, to)`: only then is the cold
 * tier read at all, so an export of warm days costs what it always did plus this one query (at most
 * one document, `tenantId, state, date desc` index).
 */
export async function archivedDaysInRange(
  db: Firestore,
  tenantId: string,
  from: string | undefined,
  to: string | undefined,
): Promise<boolean> {
  return (await newestArchivedDay(db, tenantId, from, to)) !== null;
}

/** The newest archived (searchable) day of the tenant in `[from, to)`, or null when there is none. */
export async function newestArchivedDay(
  db: Firestore,
  tenantId: string,
  from: string | undefined,
  to: string | undefined,
): Promise<string | null> {
  let query = db
    .collection(COLLECTIONS.archives)
    .where('tenantId', '==', tenantId)
    .where('state', 'in', [...SEARCHABLE_STATES]);
  if (from !== undefined) query = query.where('date', '>=', utcDate(Date.parse(from)));
  if (to !== undefined) query = query.where('date', '<=', utcDate(Date.parse(to) - 1));
  const snap = await query.orderBy('date', 'desc').limit(1).select('date').get();
  return snap.empty ? null : (snap.docs[0]!.get('date') as string);
}

/**
 * Pages of a plan's entries from both tiers, newest first, after `after` (exclusive): warm entries
 * from Firestore and, when archived days are in the range, archived ones read with cold search,
 * merged by the model's `mergeTiers` (a day being restored is in both: the warm copy wins). The
 * cursor of a page is one position that resumes both tiers, so exports hand over between slices as
 * they always did. `fields` projects the warm side (reports); archived rows come whole.
 */
export async function* recordPages(
  deps: TieredSourceDeps,
  tenantId: string,
  plan: LogQuery,
  pageSize: number,
  after: ExportCursor | null,
  fields?: readonly string[],
): AsyncGenerator<RecordPage> {
  const hot: TierReader<ExportRecord, ExportCursor> = async (position) => {
    const pages = logPages(deps.db, plan, pageSize, position ?? after, fields);
    const first = await pages.next();
    await pages.return(undefined);
    if (first.done === true) return { rows: [], next: null };
    const page: LogPage = first.value;
    return {
      rows: page.docs.map((doc) => recordOf(doc, page.reviews.get(doc.id))),
      next: page.full ? page.last : null,
    };
  };

  let cold: TierReader<ExportRecord, string> | undefined;
  let coldBeforeMs: number | undefined;
  const newestDay = await newestArchivedDay(deps.db, tenantId, plan.from, plan.to);
  if (newestDay !== null) {
    coldBeforeMs = Date.parse(`${newestDay}T00:00:00.000Z`) + 86_400_000;
    const filters = coldRequestOf(plan.where, plan.from, plan.to);
    const personTokens = coldPersonTokensOf(plan.where);
    const request: ColdSearchRequest = { ...filters, pageSize };
    const start = after ? encodeCursor(tenantId, request, searchPositionOf(after)) : undefined;
    const store = { db: deps.db, bucket: deps.archiveBucket };
    cold = async (cursor) => {
      const c = cursor ?? start;
      const answer = await coldSearch(store, tenantId, c ? { ...request, cursor: c } : request, {
        cacheBytes: EXPORT_CACHE_BYTES,
        ...(personTokens ? { personTokens } : {}),
      });
      const rows = answer.entries
        .filter((e) => matchesWhere(e as unknown as Record<string, unknown>, plan.where))
        .map((e) => toExportRecord(e as unknown as Record<string, unknown>));
      return { rows, next: answer.nextCursor };
    };
  }

  let cursor: MergedCursor<ExportRecord, ExportCursor, string> | null = null;
  for (;;) {
    const page: MergedPage<ExportRecord, ExportCursor, string> = await mergeTiers(
      { hot, cold, coldBeforeMs, positionOf: tierPositionOf, pageSize },
      cursor,
    );
    const lastRow = page.rows[page.rows.length - 1];
    if (!lastRow) return;
    yield {
      // Sealed personal values opened for the export's tenant (exporters may read them), or
      // shown as erased; the merge above ran on what is stored.
      records: await revealEntries(
        tenantId,
        page.rows.map((r) => r.row),
      ),
      archived: page.rows.filter((r) => r.tier === 'cold').length,
      tiers: page.rows.map((r) => r.tier),
      last: cursorAt(String(lastRow.row.occurredAt), String(lastRow.row.logId)),
      full: page.next !== null,
    };
    if (page.next === null) return;
    cursor = page.next;
  }
}
