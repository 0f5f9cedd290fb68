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
 * per row; the live tail follows the recorded query), and one per entry opened. A report that
 * fails is logged and not retried: the read already happened, and what the rules let a client
 * read without reporting is described in docs/security.md.
 */
@Injectable({ providedIn: 'root' })
export class AccessRecorder {
  private readonly commands = inject(Commands);
  private readonly searches = new RepeatFilter();
  private readonly views = new RepeatFilter();

  /** A search whose first page (`returned` rows) is on screen. */
  searched(view: AccessView, tenantId: string | null, filters: AccessFilters, returned: number): void {
    if (!tenantId) return;
    if (this.searches.repeats(JSON.stringify([view, tenantId, filters]), Date.now())) return;
    this.send({ tenantId, kind: 'search', view, filters, returned });
  }

  /** An entry shown in full. */
  viewed(view: AccessView, tenantId: string | null, logId: string): void {
    if (!tenantId) return;
    if (this.views.repeats(JSON.stringify([view, tenantId, logId]), Date.now())) return;
    this.send({ tenantId, kind: 'entry_view', view, logId });
  }

  private send(request: RecordAccessRequest): void {
    // One id per read, so a report the network delivers twice is recorded once.
    const requestId = crypto.randomUUID();
    this.commands.call('recordAccess', { ...request, requestId }).catch((err: unknown) => {
      console.warn(`this read was not recorded in the audit log: ${describeFailure(err)}`);
    });
  }
}
