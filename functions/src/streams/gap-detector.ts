import {
  absorb,
  dueGaps,
  emptyStream,
  gapEventId,
  gapReportEnvelope,
  markReported,
  needsAttention,
  openGaps,
  readGapDetectionSettings,
  reconcileGaps,
  type StreamGap,
  type StreamState,
} from '../domain/streams';
import type { ReadCursor, StreamStore } from './stream-store';

/** What the detector needs of the store (the Firestore adapter, or a fake in unit tests). */
export type GapDetectorStore = Pick<
  StreamStore,
  | 'reads'
  | 'writes'
  | 'tenants'
  | 'cursor'
  | 'saveCursor'
  | 'entriesAfter'
  | 'storedSequences'
  | 'streams'
  | 'streamsNeedingAttention'
  | 'saveStream'
>;

/** Stores one gap report through the system's ingest path; `rejected` leaves it pending for the next run. */
export type EmitGapReport = (envelope: Record<string, unknown>) => Promise<'stored' | 'duplicate' | 'rejected'>;

export interface GapDetectorDeps {
  store: GapDetectorStore;
  emit: EmitGapReport;
  /** Problems found in a tenant's settings (logged by the caller). */
  onSettingsProblem?: (tenantId: string, problems: string[]) => void;
  /** A tenant whose run failed (the others still ran). */
  onTenantError?: (tenantId: string, error: unknown) => void;
}

export interface GapDetectionOptions {
  /** Only these tenants; default every tenant. */
  tenantIds?: readonly string[];
  now?: () => Date;
  /**
   * Entries are read up to `now - settleMs`. `recordedAt` is stamped just before the write, so
   * an entry can become visible a moment after a later-stamped one; reading behind "now" keeps
   * the cursor from passing it (and a range found missing is checked again before reporting).
   */
  settleMs?: number;
  pageSize?: number;
  /** Entries read per tenant and run at most; the rest waits for the next run. */
  maxEntriesPerTenant?: number;
}

export interface GapSummary {
  tenantId: string;
  source: string;
  from: number;
  to: number;
  firstSeenAt: string;
}

export interface GapDetectionReport {
  tenants: number;
  /** Tenants whose run failed; their cursors stay where they were. */
  failedTenants: string[];
  entriesRead: number;
  streamsWritten: number;
  reported: GapSummary[];
  closed: GapSummary[];
  /** Firestore documents read and written by the run (the cost of detection). */
  reads: number;
  writes: number;
}

export const DEFAULT_SETTLE_MS = 60_000;
const DEFAULT_PAGE_SIZE = 5000;
/**
 * Twice what one producer at 1,000 events/s records between two runs 5 minutes apart, so a
 * tenant at that rate never falls behind (a backlog is taken up over the next runs).
 */
const DEFAULT_MAX_ENTRIES = 600_000;
/** Ranges checked against the store per stream and run (open gaps and those about to be reported). */
const MAX_CHECKS_PER_STREAM = 20;
/** Sequence numbers read per check: enough to see whether a range filled. */
const CHECK_LIMIT = 1000;

function summary(state: StreamState, gap: StreamGap): GapSummary {
  return { tenantId: state.tenantId, source: state.source, from: gap.from, to: gap.to, firstSeenAt: gap.firstSeenAt };
}

/**
 * Detects gaps in every producer stream of the given tenants. It reads only the entries recorded
 * since the tenant's cursor (never the whole collection), folds their sequence numbers into one
 * state document per stream, reports each range missing for longer than the tenant's grace
 * period once, as an `audit.ingest.gap_detected` entry, and closes reported ranges that filled.
 * The emulator and the scheduler both run this module; tests call it directly.
 */
export async function runGapDetection(
  deps: GapDetectorDeps,
  options: GapDetectionOptions = {},
): Promise<GapDetectionReport> {
  const { store } = deps;
  const readsBefore = store.reads;
  const writesBefore = store.writes;
  const now = (options.now ?? (() => new Date()))();
  const report: GapDetectionReport = {
    tenants: 0,
    failedTenants: [],
    entriesRead: 0,
    streamsWritten: 0,
    reported: [],
    closed: [],
    reads: 0,
    writes: 0,
  };
  for (const tenant of await store.tenants(options.tenantIds)) {
    const { settings, problems } = readGapDetectionSettings(tenant.data);
    if (problems.length > 0) deps.onSettingsProblem?.(tenant.id, problems);
    try {
      await detectTenant(deps, tenant.id, settings.graceSeconds * 1000, now, options, report);
      report.tenants++;
    } catch (err) {
      // One tenant's failure (a transient error) must not stop the others; its cursor did not
      // move, so the next run takes up the same entries.
      report.failedTenants.push(tenant.id);
      deps.onTenantError?.(tenant.id, err);
    }
  }
  report.reads = store.reads - readsBefore;
  report.writes = store.writes - writesBefore;
  return report;
}

async function detectTenant(
  deps: GapDetectorDeps,
  tenantId: string,
  graceMs: number,
  now: Date,
  options: GapDetectionOptions,
  report: GapDetectionReport,
): Promise<void> {
  const { store } = deps;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const maxEntries = options.maxEntriesPerTenant ?? DEFAULT_MAX_ENTRIES;
  const until = new Date(now.getTime() - (options.settleMs ?? DEFAULT_SETTLE_MS));

  const start = await store.cursor(tenantId);
  let cursor: ReadCursor | null = start;
  const seen = new Map<string, number[]>();
  for (let read = 0; read < maxEntries;) {
    const page = await store.entriesAfter(tenantId, cursor, until, Math.min(pageSize, maxEntries - read));
    for (const [source, sequences] of page.bySource) {
      const list = seen.get(source);
      if (list) for (const n of sequences) list.push(n);
      else seen.set(source, sequences);
    }
    read += page.read;
    report.entriesRead += page.read;
    if (page.last) cursor = page.last;
    if (page.read < pageSize) break;
  }

  const states = new Map<string, StreamState>();
  for (const state of await store.streamsNeedingAttention(tenantId)) states.set(state.source, state);
  const unknown = [...seen.keys()].filter((s) => !states.has(s));
  for (const [source, state] of await store.streams(tenantId, unknown)) states.set(source, state);

  const sources = new Set([...seen.keys(), ...states.keys()]);
  for (const source of sources) {
    const before = states.get(source) ?? emptyStream(tenantId, source);
    const after = await advanceStream(deps, before, seen.get(source) ?? [], graceMs, now, report);
    if (JSON.stringify(after) !== JSON.stringify(before) || !states.has(source)) {
      await store.saveStream(after, needsAttention(after), openGaps(after).length, now);
      report.streamsWritten++;
    }
  }
  // Last, so a crash before it only makes the next run read the same entries again (harmless).
  if (cursor && cursor !== start) await store.saveCursor(tenantId, cursor, now);
}

async function advanceStream(
  deps: GapDetectorDeps,
  state: StreamState,
  arrived: readonly number[],
  graceMs: number,
  now: Date,
  report: GapDetectionReport,
): Promise<StreamState> {
  const first = reconcileGaps(absorb(state, arrived), now);
  // Before reporting a range, and for every reported one still open, ask the store directly:
  // an entry stamped before the cursor but committed after it is found here, not reported.
  const toCheck = [...openGaps(first.state), ...dueGaps(first.state, now, graceMs)].slice(0, MAX_CHECKS_PER_STREAM);
  const found: number[] = [];
  for (const gap of toCheck) {
    found.push(...(await deps.store.storedSequences(state.tenantId, state.source, gap, CHECK_LIMIT)));
  }
  const second = reconcileGaps(absorb(first.state, found), now);
  for (const gap of [...first.closed, ...second.closed]) report.closed.push(summary(second.state, gap));

  const next = second.state;
  const due = dueGaps(next, now, graceMs);
  const stored: StreamGap[] = [];
  for (const gap of due) {
    const envelope = gapReportEnvelope(state.tenantId, state.source, {
      ...gap,
      eventId: gapEventId(state.source, gap),
    });
    // Only reports that are in the store count as reported; a rejected one stays pending.
    if ((await deps.emit(envelope)) === 'rejected') continue;
    stored.push(gap);
    report.reported.push(summary(next, gap));
  }
  return markReported(next, stored, now);
}
