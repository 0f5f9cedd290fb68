import type { CollectionViewer, ListRange } from '@angular/cdk/collections';
import { DataSource } from '@angular/cdk/collections';
import { signal } from '@angular/core';
import { BehaviorSubject, Subscription, type Observable } from 'rxjs';
import type { AuditLogEntry } from '../../core/audit-model';
import { describeFirestoreError, type ConsoleError } from '../../core/firestore/firestore-errors';
import type { LogReader, PageCursor } from '../../core/firestore/log-repository';
import { mergeTiers, type MergedCursor, type TierReader } from '@audit-log/model/tier-merge';
import type { LogFilter } from '../filters/log-filter';
import { QueryPlanError, planLogQuery, type LogQueryPlan, type QueryScope } from '../query/log-query';
import type { ArchiveQuery } from '../../core/access/access-recorder';
import type { ColdOpening } from './archive-reach';
import type { ColdTier } from './archive-tier';

export const PAGE_SIZE = 200;
/** Start loading the next page when the viewport gets this close to the end of what is loaded. */
const PREFETCH_ROWS = 60;
/** The live tail keeps at most this many entries per snapshot listener window. */
const TAIL_LIMIT = 100;

/** Why the table is empty or stopped: a refused plan or a Firestore error, both shown as is. */
export type LoadProblem = { kind: 'plan'; error: QueryPlanError } | { kind: 'firestore'; error: ConsoleError };

/** The merged search's one cursor: the Firestore position and the archive's. */
type SearchCursor = MergedCursor<AuditLogEntry, PageCursor, string>;

const positionOf = (e: AuditLogEntry) => ({ atMs: e.occurredAt.getTime(), logId: e.logId });

/**
 * Owns the query and the pagination of one log table: plans the query for a filter, loads pages
 * by cursor as the virtual viewport approaches the end, and (optionally) prepends entries that
 * arrive while the user watches. State is exposed as signals for the page around the table.
 *
 * With a cold tier, a range that reaches archived days is one search over both tiers: the first
 * page asks whether any day of the range is archived (never for ranges that cannot be), and if
 * so, archived entries are merged in time order with the warm ones (`mergeTiers`), one cursor for
 * both, each archived row marked `archived`.
 */
export class LogDataSource extends DataSource<AuditLogEntry> {
  readonly rows = signal<readonly AuditLogEntry[]>([]);
  readonly loading = signal(false);
  readonly exhausted = signal(false);
  readonly problem = signal<LoadProblem | null>(null);
  readonly tailing = signal(false);
  /** Milliseconds from starting the query to having the first page, for the status line. */
  readonly firstPageMs = signal<number | null>(null);
  /** Entries that arrived through the live tail since it was switched on. */
  readonly tailed = signal(0);
  /** Archived days in range are searched too (rows from them carry `archived`). */
  readonly withArchive = signal(false);
  /** Archived days in range that a filter keeps out of the search, and why (field messages). */
  readonly archiveLeftOut = signal<readonly string[]>([]);
  /** The archive side of the current search (query id and request), for its one access record. */
  readonly archiveQuery = signal<ArchiveQuery | null>(null);

  private readonly stream = new BehaviorSubject<readonly AuditLogEntry[]>([]);
  private readonly viewers = new Subscription();
  private readonly seen = new Set<string>();
  private filter: LogFilter | null = null;
  private scope: QueryScope | null = null;
  private plan: LogQueryPlan | null = null;
  private cursor: SearchCursor | null = null;
  /** The archive side of the current search; undefined until the first page asked. */
  private cold: Promise<ColdOpening> | null = null;
  private plannedAt = new Date(0);
  private generation = 0;
  private stopTail: (() => void) | null = null;

  constructor(
    private readonly repo: LogReader,
    private readonly now: () => Date = () => new Date(),
    private readonly pageSize = PAGE_SIZE,
    private readonly coldTier: ColdTier | null = null,
  ) {
    super();
  }

  connect(viewer: CollectionViewer): Observable<readonly AuditLogEntry[]> {
    this.viewers.add(viewer.viewChange.subscribe((range) => this.onRange(range)));
    return this.stream;
  }

  disconnect(): void {
    this.viewers.unsubscribe();
    this.setLiveTail(false);
  }

  /** Starts over with a new filter: plans it, clears the rows and loads the first page. */
  query(filter: LogFilter, scope: QueryScope): void {
    this.generation++;
    this.stopListening();
    this.filter = filter;
    this.scope = scope;
    this.cursor = null;
    this.seen.clear();
    this.setRows([]);
    // A page of the previous filter may still be in flight; its result will be discarded.
    this.loading.set(false);
    this.exhausted.set(false);
    this.problem.set(null);
    this.firstPageMs.set(null);
    this.tailed.set(0);
    this.withArchive.set(false);
    this.archiveLeftOut.set([]);
    this.archiveQuery.set(null);
    this.cold = null;
    const email = filter.actorEmail ?? null;
    if (email !== null && !filter.actorTokens && this.repo.personTokens) {
      this.resolvePerson(email, filter, scope);
      return;
    }
    this.start(filter, scope);
  }

  /**
   * A search by e-mail asks the server for the person's tokens first (sealed entries hold only
   * the blind one), then plans and loads as any other filter. A newer query discards the answer.
   */
  private resolvePerson(email: string, filter: LogFilter, scope: QueryScope): void {
    const generation = this.generation;
    this.loading.set(true);
    this.repo.personTokens!(email).then(
      (actorTokens) => {
        if (generation !== this.generation) return;
        this.loading.set(false);
        this.start({ ...filter, actorTokens }, scope);
      },
      (err: unknown) => {
        if (generation !== this.generation) return;
        this.loading.set(false);
        this.exhausted.set(true);
        this.problem.set({ kind: 'firestore', error: describeFirestoreError(err) });
      },
    );
  }

  /** Plans a filter whose tokens are known and loads its first page (and the tail, if on). */
  private start(filter: LogFilter, scope: QueryScope): void {
    this.filter = filter;
    try {
      // Both tiers resolve a relative range at the same instant.
      this.plannedAt = this.now();
      this.plan = planLogQuery(filter, scope, { now: this.plannedAt, limit: this.pageSize });
    } catch (err) {
      if (!(err instanceof QueryPlanError)) throw err;
      this.plan = null;
      this.exhausted.set(true);
      this.problem.set({ kind: 'plan', error: err });
      this.tailing.set(false);
      return;
    }
    void this.loadNext();
    if (this.tailing()) this.startTail();
  }

  /** Loads the page after the current cursor, unless one is loading or all are loaded. */
  async loadNext(): Promise<void> {
    const plan = this.plan;
    if (!plan || this.loading() || this.exhausted()) return;
    const generation = this.generation;
    const started = performance.now();
    this.loading.set(true);
    try {
      const hot: TierReader<AuditLogEntry, PageCursor> = async (after) => {
        const page = await this.repo.page(plan, after);
        return { rows: page.entries, next: page.next };
      };
      // Without a cold tier nothing is awaited before the warm query, exactly as before.
      const cold = this.coldTier ? await this.coldSide() : {};
      if (generation !== this.generation) return;
      const page = await mergeTiers(
        { hot, cold: cold.read, coldBeforeMs: cold.coldBeforeMs, positionOf, pageSize: this.pageSize },
        this.cursor,
      );
      if (generation !== this.generation) return;
      if (this.firstPageMs() === null) this.firstPageMs.set(Math.round(performance.now() - started));
      this.cursor = page.next;
      this.exhausted.set(page.next === null);
      this.append(page.rows.map((r) => r.row));
    } catch (err) {
      if (generation !== this.generation) return;
      this.exhausted.set(true);
      this.problem.set({ kind: 'firestore', error: describeFirestoreError(err) });
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }

  /**
   * The archive side of the current search, asked once per search before its first page. For a
   * range that cannot hold archived days the answer is immediate and nothing is read; otherwise
   * one `audit_archives` query says whether any day is archived and which is the newest, so warm
   * rows newer than that day are shown without waiting for the archive.
   */
  private async coldSide(): Promise<{ read?: TierReader<AuditLogEntry, string>; coldBeforeMs?: number }> {
    const tier = this.coldTier;
    if (!tier || !this.filter || !this.scope) return {};
    if (!this.cold) {
      const generation = this.generation;
      this.cold = tier.open(this.filter, this.scope, this.plannedAt, this.pageSize).then((opening) => {
        if (generation === this.generation) {
          this.withArchive.set(opening.kind === 'read');
          this.archiveLeftOut.set(opening.kind === 'skipped' ? opening.reasons : []);
          this.archiveQuery.set(opening.kind === 'read' ? opening.archive : null);
        }
        return opening;
      });
    }
    const opening = await this.cold;
    return opening.kind === 'read' ? { read: opening.read, coldBeforeMs: opening.coldBeforeMs } : {};
  }

  /** Switches the live tail on or off; it follows the current filter. */
  setLiveTail(on: boolean): void {
    this.tailing.set(on);
    if (on) this.startTail();
    else this.stopListening();
  }

  private startTail(): void {
    this.stopListening();
    if (!this.filter || !this.scope || !this.plan) return;
    // Entries newer than the newest one shown; with nothing shown yet, newer than now.
    const newest = this.rows()[0]?.occurredAt ?? this.now();
    let plan: LogQueryPlan;
    try {
      plan = planLogQuery(this.filter, this.scope, { now: this.now(), limit: TAIL_LIMIT, newerThan: newest });
    } catch (err) {
      if (!(err instanceof QueryPlanError)) throw err;
      this.problem.set({ kind: 'plan', error: err });
      return;
    }
    const generation = this.generation;
    this.stopTail = this.repo.watch(
      plan,
      (entries) => {
        if (generation !== this.generation) return;
        const fresh = entries.filter((e) => !this.seen.has(e.logId));
        for (const e of fresh) this.seen.add(e.logId);
        if (fresh.length === 0) return;
        this.tailed.update((n) => n + fresh.length);
        this.setRows(mergeNewest(fresh, this.rows()));
      },
      (err) => {
        if (generation !== this.generation) return;
        this.tailing.set(false);
        this.problem.set({ kind: 'firestore', error: describeFirestoreError(err) });
      },
    );
  }

  private stopListening(): void {
    this.stopTail?.();
    this.stopTail = null;
  }

  private onRange(range: ListRange): void {
    if (range.end >= this.rows().length - PREFETCH_ROWS) void this.loadNext();
  }

  private append(entries: readonly AuditLogEntry[]): void {
    const fresh = entries.filter((e) => !this.seen.has(e.logId));
    for (const e of fresh) this.seen.add(e.logId);
    this.setRows([...this.rows(), ...fresh]);
  }

  private setRows(rows: readonly AuditLogEntry[]): void {
    this.rows.set(rows);
    this.stream.next(rows);
  }
}

/**
 * Puts tailed entries in front of the loaded ones, newest first. Events can arrive out of order
 * (Pub/Sub is unordered), so the new ones are sorted among themselves and any that are older than
 * the current top are merged into place within the first rows.
 */
export function mergeNewest(fresh: readonly AuditLogEntry[], current: readonly AuditLogEntry[]): AuditLogEntry[] {
  const byTime = (a: AuditLogEntry, b: AuditLogEntry) => b.occurredAt.getTime() - a.occurredAt.getTime();
  const head = current.slice(0, TAIL_LIMIT);
  return [...[...fresh, ...head].sort(byTime), ...current.slice(TAIL_LIMIT)];
}
