import { CATEGORIES, LEVELS, type Category, type Level } from '../catalog';
import { REVIEW_STATUSES, type ReviewStatus } from '../classify';
import type { Outcome } from '../envelope';
import {
  EXPORT_COMPLETED,
  REPORT_DEFINITIONS,
  REPORT_GENERATED,
  type ReportEntry,
  type ReportKind,
  type ReportPeriod,
} from './report-kinds';

/**
 * The content of a compliance report, built in one pass over its entries (newest first or any
 * order) with memory bounded by the limits below, not by the number of entries: counts, one
 * bucket per day (or month, for long periods), the most notable entries, the busiest actors and
 * resources. Rendering (PDF, charts) reads only this model.
 */

export interface ReportLimits {
  /** Rows of the notable-entries table. */
  notable: number;
  /** Rows of the top actors/resources/event types tables. */
  top: number;
  /** Distinct keys counted exactly; beyond this, new keys are only counted in the total. */
  distinct: number;
  /** Rows of the exports table of the compliance report. */
  exports: number;
}

export const DEFAULT_REPORT_LIMITS: ReportLimits = { notable: 30, top: 10, distinct: 20_000, exports: 30 };

/** What the report says about the tenant beyond its entries (compliance report: retention state). */
export interface ReportContext {
  tenantId: string;
  tenantName?: string;
  retentionDays: number;
  archive: { days: number; oldestDate: string | null; newestDate: string | null } | null;
}

export interface NotableEntry {
  logId: string;
  occurredAt: string;
  level: Level;
  category: Category;
  eventType: string;
  outcome: Outcome;
  actor: string;
  resource: string;
  reviewStatus: ReviewStatus;
  detail: string;
}

export interface Ranked {
  key: string;
  label: string;
  count: number;
  failures: number;
}

export interface ExportLine {
  occurredAt: string;
  actor: string;
  what: string;
  rows: number | null;
  sha256: string;
}

export interface ReportModel {
  kind: ReportKind;
  title: string;
  scope: string;
  period: ReportPeriod;
  bucket: 'day' | 'month';
  totals: {
    entries: number;
    byLevel: Record<Level, number>;
    byCategory: Record<Category, number>;
    byOutcome: Record<Outcome, number>;
    byReview: Record<ReviewStatus, number>;
    requiresReview: number;
    distinctActors: number;
    distinctResources: number;
    /** True when a distinct count reached its limit (the figure is then a lower bound). */
    distinctCapped: boolean;
  };
  /** The buckets (`YYYY-MM-DD` or `YYYY-MM`) and, per level, the entries in each. */
  series: { buckets: string[]; byLevel: Record<Level, number[]> };
  /** Categories with entries, most first. */
  distribution: Array<{ category: Category; count: number }>;
  figures: Array<{ label: string; value: string }>;
  notable: NotableEntry[];
  topActors: Ranked[];
  topResources: Ranked[];
  topEventTypes: Ranked[];
  exports: ExportLine[];
  context: ReportContext;
}

const zeroes = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

const DAY_MS = 86_400_000;
/** Periods longer than this are bucketed by month, so a chart stays readable. */
const MAX_DAY_BUCKETS = 93;

/** The bucket keys of a period, oldest first. */
export function bucketsOf(period: ReportPeriod): { bucket: 'day' | 'month'; keys: string[] } {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const days = Math.ceil((to - from) / DAY_MS);
  const keys: string[] = [];
  if (days <= MAX_DAY_BUCKETS) {
    const start = Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), new Date(from).getUTCDate());
    for (let t = start; t < to; t += DAY_MS) keys.push(new Date(t).toISOString().slice(0, 10));
    return { bucket: 'day', keys };
  }
  const d = new Date(Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), 1));
  while (d.getTime() < to) {
    keys.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return { bucket: 'month', keys };
}

/** A bounded counter of keys: exact up to `limit` distinct keys. */
class Tally {
  private readonly counts = new Map<string, { label: string; count: number; failures: number }>();
  capped = false;
  constructor(private readonly limit: number) {}

  /** Counts `key`; `label` is computed only for a key seen the first time. */
  add(key: string, label: () => string, failed: boolean): void {
    const hit = this.counts.get(key);
    if (hit) {
      hit.count++;
      if (failed) hit.failures++;
    } else if (this.counts.size < this.limit) {
      this.counts.set(key, { label: label(), count: 1, failures: failed ? 1 : 0 });
    } else {
      this.capped = true;
    }
  }

  get size(): number {
    return this.counts.size;
  }

  top(n: number): Ranked[] {
    return [...this.counts.entries()]
      .map(([key, v]) => ({ key, ...v }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
      .slice(0, n);
  }
}

function actorLabel(actor: ReportEntry['actor']): string {
  if (actor.type === 'anonymous') return 'anonymous';
  const id = actor.id ?? actor.type;
  return actor.name && actor.name !== id
    ? `${actor.name} (${id})`
    : actor.email && actor.email !== id
      ? `${id} <${actor.email}>`
      : id;
}

function resourceLabel(resource: ReportEntry['resource']): string {
  if (!resource) return '';
  return resource.name ? `${resource.type}/${resource.id} (${resource.name})` : `${resource.type}/${resource.id}`;
}

function metaString(metadata: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = metadata?.[key];
  return typeof value === 'string' ? value : undefined;
}

function metaNumber(metadata: Record<string, unknown> | undefined, key: string): number | null {
  const value = metadata?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Collects entries into a {@link ReportModel}. */
export class ReportAccumulator {
  private readonly definition;
  private readonly buckets;
  private readonly bucketIndex = new Map<string, number>();
  private readonly byLevelSeries: Record<Level, number[]>;
  private readonly byLevel = zeroes(LEVELS);
  private readonly byCategory = zeroes(CATEGORIES);
  private readonly byOutcome = zeroes(['success', 'failure', 'denied'] as const);
  private readonly byReview = zeroes(REVIEW_STATUSES);
  private readonly actors: Tally;
  private readonly resources: Tally;
  private readonly eventTypes: Tally;
  private readonly notable: Array<NotableEntry & { rank: number }> = [];
  private readonly exportLines: ExportLine[] = [];
  private entries = 0;
  private requiresReview = 0;
  private exportsCompleted = 0;
  private rowsExported = 0;
  private reportsGenerated = 0;
  private anomalies = 0;
  private deletes = 0;

  constructor(
    readonly kind: ReportKind,
    readonly period: ReportPeriod,
    private readonly limits: ReportLimits = DEFAULT_REPORT_LIMITS,
  ) {
    this.definition = REPORT_DEFINITIONS[kind];
    this.buckets = bucketsOf(period);
    this.buckets.keys.forEach((k, i) => this.bucketIndex.set(k, i));
    this.byLevelSeries = Object.fromEntries(LEVELS.map((l) => [l, this.buckets.keys.map(() => 0)])) as Record<
      Level,
      number[]
    >;
    this.actors = new Tally(limits.distinct);
    this.resources = new Tally(limits.distinct);
    this.eventTypes = new Tally(limits.distinct);
  }

  /** Adds one entry; entries outside the period are ignored (the query should not return them). */
  add(entry: ReportEntry): void {
    if (entry.occurredAt < this.period.from || entry.occurredAt >= this.period.to) return;
    this.entries++;
    this.byLevel[entry.level]++;
    this.byCategory[entry.category]++;
    this.byOutcome[entry.outcome]++;
    const key = this.buckets.bucket === 'day' ? entry.occurredAt.slice(0, 10) : entry.occurredAt.slice(0, 7);
    const index = this.bucketIndex.get(key);
    if (index !== undefined) this.byLevelSeries[entry.level][index]!++;
    if (entry.requiresReview) {
      this.requiresReview++;
      this.byReview[entry.reviewStatus]++;
    }
    const failed = entry.outcome !== 'success';
    const { actor, resource } = entry;
    this.actors.add(`${actor.type}:${actor.id ?? ''}`, () => actorLabel(actor), failed);
    if (resource) this.resources.add(`${resource.type}/${resource.id}`, () => resourceLabel(resource), failed);
    this.eventTypes.add(entry.eventType, () => entry.eventType, failed);
    if (entry.eventType.startsWith('security.anomaly')) this.anomalies++;
    if (entry.operation === 'DELETE') this.deletes++;
    if (entry.eventType === EXPORT_COMPLETED || entry.eventType === REPORT_GENERATED) {
      this.addExport(entry, actorLabel(actor));
    }
    const rank = this.definition.notability(entry);
    if (rank !== null) this.addNotable(entry, rank);
  }

  private addExport(entry: ReportEntry, actor: string): void {
    const rows = metaNumber(entry.metadata, 'rows');
    if (entry.eventType === EXPORT_COMPLETED) {
      this.exportsCompleted++;
      this.rowsExported += rows ?? 0;
    } else {
      this.reportsGenerated++;
    }
    const line: ExportLine = {
      occurredAt: entry.occurredAt,
      actor,
      what:
        entry.eventType === EXPORT_COMPLETED
          ? `export ${metaString(entry.metadata, 'format') ?? ''}: ${metaString(entry.metadata, 'filter') ?? ''}`.trim()
          : `${metaString(entry.metadata, 'kind') ?? ''} report`.trim(),
      rows,
      sha256: metaString(entry.metadata, 'sha256') ?? '',
    };
    this.insertBounded(this.exportLines, line, this.limits.exports, (a, b) => b.occurredAt.localeCompare(a.occurredAt));
  }

  private addNotable(entry: ReportEntry, rank: number): void {
    // Cheap rejection first: most entries of a long period do not make the table.
    const worst = this.notable[this.notable.length - 1];
    if (
      this.notable.length >= this.limits.notable &&
      worst &&
      (worst.rank > rank || (worst.rank === rank && worst.occurredAt > entry.occurredAt))
    ) {
      return;
    }
    const actor = actorLabel(entry.actor);
    const item = {
      rank,
      logId: entry.logId,
      occurredAt: entry.occurredAt,
      level: entry.level,
      category: entry.category,
      eventType: entry.eventType,
      outcome: entry.outcome,
      actor,
      resource: resourceLabel(entry.resource),
      reviewStatus: entry.reviewStatus,
      detail: entry.changedFields.length > 0 ? `changed: ${entry.changedFields.slice(0, 6).join(', ')}` : '',
    };
    this.insertBounded(
      this.notable,
      item,
      this.limits.notable,
      (a, b) => b.rank - a.rank || b.occurredAt.localeCompare(a.occurredAt) || a.logId.localeCompare(b.logId),
    );
  }

  /** Keeps `list` sorted by `order` and at most `limit` long: one insertion, no re-sort. */
  private insertBounded<T>(list: T[], item: T, limit: number, order: (a: T, b: T) => number): void {
    if (list.length >= limit && order(list[list.length - 1]!, item) <= 0) return;
    let i = list.length;
    while (i > 0 && order(list[i - 1]!, item) > 0) i--;
    list.splice(i, 0, item);
    if (list.length > limit) list.pop();
  }

  /** The finished model. */
  result(context: ReportContext): ReportModel {
    const t = this.byLevel;
    const failures = this.byOutcome.failure + this.byOutcome.denied;
    const capped = this.actors.capped || this.resources.capped;
    const n = (value: number, lowerBound = false) => `${lowerBound ? '≥ ' : ''}${value.toLocaleString('en-US')}`;
    const figures: Array<{ label: string; value: string }> = [
      { label: 'Entries', value: n(this.entries) },
      { label: 'Critical', value: n(t.CRITICAL) },
      { label: 'Errors', value: n(t.ERROR) },
      { label: 'Warnings', value: n(t.WARNING) },
      { label: 'Failed or denied', value: n(failures) },
      { label: 'Distinct actors', value: n(this.actors.size, this.actors.capped) },
    ];
    switch (this.kind) {
      case 'access':
        figures.push({ label: 'Denied', value: n(this.byOutcome.denied) });
        figures.push({ label: 'Resources accessed', value: n(this.resources.size, this.resources.capped) });
        break;
      case 'change':
        figures.push({ label: 'Deletions', value: n(this.deletes) });
        figures.push({ label: 'Configuration changes', value: n(this.byCategory.SYSTEM_CONFIGURATION) });
        break;
      case 'security':
        figures.push({ label: 'Anomalies', value: n(this.anomalies) });
        figures.push({ label: 'Awaiting review', value: n(this.byReview.pending) });
        break;
      case 'compliance':
        figures.push({ label: 'Exports', value: n(this.exportsCompleted) });
        figures.push({ label: 'Rows exported', value: n(this.rowsExported) });
        figures.push({ label: 'Reports generated', value: n(this.reportsGenerated) });
        figures.push({ label: 'Reviews approved', value: n(this.byReview.approved) });
        figures.push({ label: 'Reviews escalated', value: n(this.byReview.escalated) });
        figures.push({ label: 'Awaiting review', value: n(this.byReview.pending) });
        figures.push({ label: 'Warm retention', value: `${context.retentionDays} days` });
        figures.push({ label: 'Archived days', value: context.archive ? n(context.archive.days) : 'none' });
        break;
    }
    return {
      kind: this.kind,
      title: this.definition.title,
      scope: this.definition.scope,
      period: this.period,
      bucket: this.buckets.bucket,
      totals: {
        entries: this.entries,
        byLevel: { ...this.byLevel },
        byCategory: { ...this.byCategory },
        byOutcome: { ...this.byOutcome },
        byReview: { ...this.byReview },
        requiresReview: this.requiresReview,
        distinctActors: this.actors.size,
        distinctResources: this.resources.size,
        distinctCapped: capped,
      },
      series: {
        buckets: [...this.buckets.keys],
        byLevel: Object.fromEntries(LEVELS.map((l) => [l, [...this.byLevelSeries[l]]])) as Record<Level, number[]>,
      },
      distribution: CATEGORIES.map((category) => ({ category, count: this.byCategory[category] }))
        .filter((d) => d.count > 0)
        .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
      figures,
      notable: this.notable.map(({ rank: _rank, ...rest }) => rest),
      topActors: this.actors.top(this.limits.top),
      topResources: this.resources.top(this.limits.top),
      topEventTypes: this.eventTypes.top(this.limits.top),
      exports: [...this.exportLines],
      context,
    };
  }
}
