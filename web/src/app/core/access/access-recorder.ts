import { Injectable, inject } from '@angular/core';
import { ACCESS_BOUNDS, type AccessFilters, type AccessView } from '@audit-log/model/access';
import type { RecordAccessRequest } from '@audit-log/model/callables';
import { Commands, describeFailure } from '../../commands/commands';

/**
 * The same query reported again within this window is one query: effects that re-run on an equal
 * filter (a navigation that re-emits the same URL) must not double the record. A user who runs
 * the same search again later is reading again, and is recorded again.
 */
export const REPEAT_WINDOW_MS = 5_000;

/** The archive side of a read: the query's id and the `searchArchives` request its pages send. */
export type ArchiveQuery = NonNullable<RecordAccessRequest['archive']>;

/** A new query's id, shared by its report and its archive pages (so it is recorded once). */
export function newQueryId(): string {
  return crypto.randomUUID();
}

/** Remembers the last key reported and tells a repeat within the window from a new read. */
export class RepeatFilter {
  private last: { key: string; at: number } | null = null;

  constructor(private readonly windowMs: number = REPEAT_WINDOW_MS) {}

  /** True when `key` is the one reported last, less than the window ago; else remembers it. */
  repeats(key: string, nowMs: number): boolean {
    if (this.last && this.last.key === key && nowMs - this.last.at < this.windowMs) return true;
    this.last = { key, at: nowMs };
    return false;
  }
}

/** A filter as reported: empty fields left out, each value bounded as the server requires. */
export function boundedFilters(params: Readonly<Record<string, string | null | undefined>>): AccessFilters {
  const out: AccessFilters = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    if (Object.keys(out).length >= ACCESS_BOUNDS.filterNames) break;
    out[name] = value.slice(0, ACCESS_BOUNDS.filterValueChars);
  }
  return out;
}

/**
 * Reports the console's reads of the audit log (it reads Firestore directly, so only it knows):
 * one `recordAccess` call per distinct query once its first page is shown (never per page or
 * per row; the live tail follows the recorded query), and one per entry opened. A read that also
 * reaches the archive names its query id and archive request, which its `searchArchives` pages
 * carry too: the server keeps one entry for all of them. A report that fails is logged and not
 * retried: the read already happened, and what the rules let a client read without reporting is
 * described in docs/security.md.
 */
@Injectable({ providedIn: 'root' })
export class AccessRecorder {
  private readonly commands = inject(Commands);
  private readonly searches = new RepeatFilter();
  private readonly views = new RepeatFilter();
  /** Reports in flight, by query id: that query's next archive page waits for its report. */
  private readonly pending = new Map<string, Promise<unknown>>();

  /** A search whose first page (`returned` rows) is on screen; `archive` when it reaches archived days. */
  searched(
    view: AccessView,
    tenantId: string | null,
    filters: AccessFilters,
    returned: number,
    archive: ArchiveQuery | null = null,
  ): void {
    if (!tenantId) return;
    if (this.searches.repeats(JSON.stringify([view, tenantId, filters]), Date.now())) return;
    this.send({ tenantId, kind: 'search', view, filters, returned, ...(archive ? { archive } : {}) });
  }

  /** An entry shown in full; `archive` when it was read from its day's archive. */
  viewed(view: AccessView, tenantId: string | null, logId: string, archive: ArchiveQuery | null = null): void {
    if (!tenantId) return;
    if (this.views.repeats(JSON.stringify([view, tenantId, logId]), Date.now())) return;
    this.send({ tenantId, kind: 'entry_view', view, logId, ...(archive ? { archive } : {}) });
  }

  /**
   * Resolves once no report of query `queryId` is in flight. A page sent while its query's report
   * is still on the way could race it to the one entry they share; sent after, it finds the entry.
   */
  async settled(queryId: string): Promise<void> {
    await this.pending.get(queryId);
  }

  private send(request: RecordAccessRequest): void {
    // One id per read, so a report the network delivers twice is recorded once.
    const requestId = crypto.randomUUID();
    const queryId = request.archive?.queryId;
    const report = this.commands.call('recordAccess', { ...request, requestId }).catch((err: unknown) => {
      console.warn(`this read was not recorded in the audit log: ${describeFailure(err)}`);
    });
    if (queryId === undefined) return;
    this.pending.set(queryId, report);
    void report.then(() => this.pending.delete(queryId));
  }
}
