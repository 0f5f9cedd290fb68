import type { Firestore } from 'firebase-admin/firestore';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArchiveError,
  archiveId,
  buildSqlFilter,
  decodeCursor,
  encodeCursor,
  positionBeforeDay,
  rowToEntry,
  type ArchivedAuditEntry,
  searchDays,
  SEARCHABLE_STATES,
  type ArchiveRecord,
  type ArchiveRow,
  type ColdSearchRequest,
  type SearchPosition,
} from '../domain/archive';
import { ArchiveStore } from './archive-store';
import { openDuckDb, sqlString } from './duckdb';
import * as logs from './logs';
import { queryArchiveRows } from './parquet-reader';
import { downloadWithDigest, type Bucket } from './storage';

export interface ColdSearchDeps {
  db: Firestore;
  bucket: Bucket;
}

export interface ColdSearchOptions {
  now?: () => Date;
  /** Days with archives read per call; a search past it returns a partial page and a cursor. */
  dayBudget?: number;
  /** Local cache of downloaded archives (bounded by `cacheBytes`). */
  cacheDir?: string;
  cacheBytes?: number;
  /**
   * The search tokens of a person (`actorEmail`, or an export's `array-contains-any` condition),
   * resolved by the caller, which alone knows whether its reader may use the tenant's blind index.
   */
  personTokens?: readonly string[];
}

export interface ColdSearchResult {
  entries: ArchivedAuditEntry[];
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
  /** True when the call stopped at its day budget before filling the page. */
  partial: boolean;
  /** The days read, newest first. */
  days: string[];
}

const DEFAULT_CACHE = join(tmpdir(), 'audit-cold-cache');

/** Files used within this window are never evicted: a concurrent search may be reading them. */
const IN_USE_MS = 120_000;

/** Least-recently-used eviction of cached archive files beyond the byte budget. */
async function evict(dir: string, budget: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.parquet'));
  const files = await Promise.all(
    names.map(async (name) => ({ path: join(dir, name), ...(await stat(join(dir, name))) })),
  );
  files.sort((a, b) => b.mtimeMs - a.mtimeMs);
  let total = 0;
  for (const f of files) {
    total += f.size;
    if (total > budget && Date.now() - f.mtimeMs > IN_USE_MS) await rm(f.path, { force: true });
  }
}

/**
 * A local copy of an archive, downloaded once per (archive, SHA-256) and checked against the
 * manifest's digest, so a search never reads a file that differs from what was verified.
 */
async function localCopy(bucket: Bucket, rec: ArchiveRecord, dir: string, budget: number): Promise<string> {
  const sha = rec.manifest?.sha256;
  if (!sha) throw new ArchiveError('verification_failed', `${rec.objectPath} has no manifest`);
  const path = join(dir, `${archiveId(rec.tenantId, rec.date, rec.part).replace(/:/g, '_')}-${sha}.parquet`);
  try {
    await stat(path);
    const now = new Date();
    await utimes(path, now, now);
    return path;
  } catch {
    // not cached yet
  }
  await mkdir(dir, { recursive: true });
  // Concurrent searches in one instance may fetch the same file: each downloads to its own name.
  const partial = `${path}.${randomUUID()}.download`;
  const got = await downloadWithDigest(bucket, rec.objectPath, partial);
  if (!got || got.sha256 !== sha) {
    await rm(partial, { force: true });
    throw new ArchiveError('verification_failed', `${rec.objectPath} does not match its manifest`);
  }
  await rename(partial, path);
  await evict(dir, budget);
  return path;
}

/** One day's searchable parts as a single relation, each part minus the rows it retained warm. */
function daySource(files: ReadonlyArray<{ path: string; retained: readonly string[] }>): {
  sql: string;
  params: string[];
} {
  const params: string[] = [];
  const parts = files.map((f) => {
    const src = `SELECT * FROM read_parquet(${sqlString(f.path)})`;
    if (f.retained.length === 0) return src;
    params.push(...f.retained);
    return `${src} WHERE "logId" NOT IN (${f.retained.map(() => '?').join(', ')})`;
  });
  return { sql: `(${parts.join(' UNION ALL ')})`, params };
}

/**
 * Searches the cold tier of one tenant with the console's filters, newest first, in pages. Only
 * the tenant's own archive files are opened, and the SQL filters on the tenant again. Archives
 * in `restored` are skipped: their rows are warm again and found by hot search.
 */
export async function coldSearch(
  deps: ColdSearchDeps,
  tenantId: string,
  req: ColdSearchRequest,
  options: ColdSearchOptions = {},
): Promise<ColdSearchResult> {
  const started = Date.now();
  const nowMs = (options.now ?? (() => new Date()))().getTime();
  const dayBudget = options.dayBudget ?? 31;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE;
  const cacheBytes = options.cacheBytes ?? 256 * 1024 * 1024;
  const position: SearchPosition | null = req.cursor ? decodeCursor(req.cursor, tenantId, req) : null;
  const { first, last } = searchDays(req, position, nowMs);

  const store = new ArchiveStore(deps.db, 'search', 0, () => nowMs);
  const byDay = new Map<string, ArchiveRecord[]>();
  for (const rec of await store.partsBetween(tenantId, last, first)) {
    if (rec.tenantId !== tenantId || !SEARCHABLE_STATES.includes(rec.state)) continue;
    byDay.set(rec.date, [...(byDay.get(rec.date) ?? []), rec]);
  }
  const days = [...byDay.keys()].sort().reverse();

  const found: ArchiveRow[] = [];
  const read: string[] = [];
  let files = 0;
  // Top-N queries over a few files: a small DuckDB, so concurrent searches fit one instance.
  const duck = await openDuckDb({ threads: 1, memoryLimit: '128MB' });
  try {
    for (const day of days) {
      if (found.length > req.pageSize) break;
      if (read.length >= dayBudget) break;
      read.push(day);
      const parts = byDay.get(day)!;
      const local = await Promise.all(
        parts.map(async (p) => ({
          path: await localCopy(deps.bucket, p, cacheDir, cacheBytes),
          retained: p.retainedLogIds,
        })),
      );
      files += local.length;
      const src = daySource(local);
      const filter = buildSqlFilter(tenantId, req, position, options.personTokens);
      const rows = await queryArchiveRows(
        duck.conn,
        src.sql,
        filter.where,
        [...src.params, ...filter.params],
        req.pageSize + 1 - found.length,
      );
      found.push(...rows);
    }
  } finally {
    duck.close();
  }

  const page = found.slice(0, req.pageSize);
  let nextCursor: string | null = null;
  let partial = false;
  if (found.length > req.pageSize) {
    const lastRow = page[page.length - 1]!;
    nextCursor = encodeCursor(tenantId, req, { occurredAt: lastRow.occurredAt, logId: lastRow.logId });
  } else if (read.length < days.length) {
    partial = true;
    nextCursor = encodeCursor(tenantId, req, positionBeforeDay(read[read.length - 1]!));
  }
  logs.coldSearch(tenantId, read.length, files, page.length, Date.now() - started);
  return {
    entries: page.map(rowToEntry),
    nextCursor,
    partial,
    days: read,
  };
}
