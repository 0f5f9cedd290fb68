import type { Category, Level } from './catalog';
import type { IsoDate, IsoInstant } from './callables';
import type { ArchiveState, Operation, Outcome, ReviewStatus } from './enums';

/**
 * Requests and answers of the cold-tier callables (`runTiering`, `searchArchives`,
 * `restoreArchiveDay`, `purgeArchives`), part of the callable map in `callables.ts`.
 */

/** One day the tiering job worked on. */
export interface TieringDayOutcome {
  tenantId: string;
  date: IsoDate;
  parts: Array<{ part: number; state: ArchiveState; rows: number | null; retained: number }>;
  status: 'archived' | 'held' | 'failed' | 'busy' | 'empty' | 'deferred';
  retryAtMs?: number;
  error?: { code: string; message: string };
}

export interface TieringReport {
  runId: string;
  tenants: number;
  days: TieringDayOutcome[];
  /** Rows in files that reached `archived` during this run. */
  archivedEntries: number;
  failures: number;
  durationMs: number;
  stoppedAtDeadline: boolean;
}

/** `searchArchives`: the console's filter applied to the Parquet archive; `[from, to)`. */
export interface ColdSearchRequest {
  /** Only a platform admin names a tenant; everyone else searches their own. */
  tenantId?: string;
  from?: IsoInstant;
  to?: IsoInstant;
  categories?: Category[];
  levels?: Level[];
  eventTypes?: string[];
  actorId?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: Outcome;
  /** Any of these operations (what the entry did to its resource). */
  operations?: Operation[];
  keyword?: string;
  /** A person's address: their entries stored in clear or sealed (not with `keyword`). */
  actorEmail?: string;
  /** One entry by id: entry detail of an archived row, with its day as `from`/`to`. */
  logId?: string;
  /** 50 when left out. */
  pageSize?: number;
  cursor?: string;
  /**
   * The console's id of the query this page belongs to, shared with its `recordAccess` report:
   * every page of one query with the same filter is recorded once, not once per page.
   */
  queryId?: string;
}

/** One archived entry, with the fields the console reads (the stored entry has them all). */
export interface ArchivedEntry {
  logId: string;
  eventId: string;
  eventType: string;
  tenantId: string;
  occurredAt: IsoInstant;
  recordedAt: IsoInstant;
  source: string;
  actor: { type: string; id?: string; name?: string; email?: string };
  resource?: { type: string; id: string; name?: string; path?: string };
  operation: Operation;
  outcome: Outcome;
  category: Category;
  level: Level;
  requiresReview: boolean;
  reviewStatus: ReviewStatus;
  changedFields: string[];
  hash: string;
}

export interface ColdSearchResult {
  entries: ArchivedEntry[];
  /** Pass back as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
  /** True when the call stopped at its day budget before filling the page. */
  partial: boolean;
  /** The days read, newest first. */
  days: IsoDate[];
}

export interface RestoreArchiveDayRequest {
  date: IsoDate;
  /** How long restored entries stay in Firestore: 1..365 days, 30 when left out. */
  holdDays?: number;
}

export interface RestoreResult {
  tenantId: string;
  date: IsoDate;
  parts: number;
  /** Entries written back now. */
  restored: number;
  /** Entries already present with the same hash (an earlier, interrupted restore). */
  alreadyPresent: number;
  restoredUntil: IsoInstant;
}

export interface PurgeReport {
  runId: string;
  cutoffDate: IsoDate;
  purged: Array<{
    archiveId: string;
    objectPath: string;
    rows: number | null;
    sha256: string | null;
    merkleRoot: string | null;
  }>;
  busy: string[];
}
