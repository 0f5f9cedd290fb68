/**
 * Reads of the audit log recorded as entries of the log itself: the names and bounds shared by
 * the console (which reports its Firestore reads through the `recordAccess` callable) and the
 * functions (which validate those reports and record the reads they serve themselves). Zod-free,
 * so the console bundles it.
 */

/** A console search of the log (the filters, never the results); recorded once per distinct query. */
export const LOG_SEARCHED_EVENT = 'audit.log.searched';
/** One entry opened in the console (entry detail, or the entry pane of the review queue). */
export const ENTRY_VIEWED_EVENT = 'audit.entry.viewed';
/** One call of the cold search (`searchArchives`), recorded by the function itself. */
export const ARCHIVE_SEARCHED_EVENT = 'audit.archive.searched';

/** Every event type that records a read of the log (`api.events.listed` is the HTTP API's). */
export const ACCESS_EVENT_TYPES = [LOG_SEARCHED_EVENT, ENTRY_VIEWED_EVENT, ARCHIVE_SEARCHED_EVENT] as const;

/** What the console reports: a search, or an entry opened. */
export const ACCESS_KINDS = ['search', 'entry_view'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** The console page the read came from (Critical events and Pending review are `log_search` with their filters). */
export const ACCESS_VIEWS = ['log_search', 'entity_history', 'actor_activity', 'review_queue', 'entry_detail'] as const;
export type AccessView = (typeof ACCESS_VIEWS)[number];

/**
 * Bounds of a reported filter: enough to say what was asked (every console filter has a dozen
 * fields at most), small enough that a hostile caller cannot turn one read into a large entry.
 */
export const ACCESS_BOUNDS = {
  filterNames: 20,
  filterNameChars: 32,
  filterValues: 10,
  filterValueChars: 256,
  requestIdChars: 64,
} as const;

/** A filter as reported: field name → value or values, empty fields left out. */
export type AccessFilters = Record<string, string | string[]>;
