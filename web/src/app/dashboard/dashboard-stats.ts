import { Injectable, inject } from '@angular/core';
import type { AuditLogEntry, Category, Level } from '../core/audit-model';
import { Session } from '../core/auth/session';
import { LogRepository } from '../core/firestore/log-repository';
import { emptyFilter, type LogFilter } from '../logs/filters/log-filter';
import { planLogQuery } from '../logs/query/log-query';
import { dashboardCounts, mapLimit, topKeys, type Bucket, type DashboardRange } from './dashboard-plan';

/** How many of the newest entries nominate the top actors and event types. */
export const SAMPLE_SIZE = 500;
const TOP_N = 8;
/** Count queries in flight at once; enough to overlap round trips without flooding the backend. */
const CONCURRENCY = 6;

export interface DashboardData {
  readonly total: number;
  readonly openCritical: number;
  readonly pendingReview: number;
  readonly buckets: readonly Bucket[];
  readonly trend: Readonly<Record<Level, number[]>>;
  readonly categories: ReadonlyArray<{ category: Category; count: number }>;
  readonly topActors: ReadonlyArray<{ key: string; label: string; count: number }>;
  readonly topEventTypes: ReadonlyArray<{ key: string; label: string; count: number }>;
}

/**
 * Dashboard figures from Firestore aggregation (count) queries, each planned by the query
 * planner and so tenant-scoped and index-backed. Top actors and event types cannot be grouped
 * server-side; the newest entries nominate candidates, then each candidate is counted exactly.
 */
@Injectable({ providedIn: 'root' })
export class DashboardStats {
  private readonly repo = inject(LogRepository);
  private readonly session = inject(Session);

  private count(filter: LogFilter, now: Date): Promise<number> {
    return this.repo.count(planLogQuery(filter, this.session.scope(), { now, limit: null }));
  }

  async load(range: DashboardRange, now = new Date()): Promise<DashboardData> {
    const plan = dashboardCounts(range, now);
    const sample = this.repo.page(
      planLogQuery(emptyFilter({ range: { preset: range } }), this.session.scope(), { now, limit: SAMPLE_SIZE }),
      null,
    );
    const [total, openCritical, pendingReview] = await Promise.all([
      this.count(plan.total, now),
      this.count(plan.openCritical, now),
      this.count(plan.pendingReview, now),
    ]);
    const trendCounts = await mapLimit(plan.trend, CONCURRENCY, (t) => this.count(t.filter, now));
    const categoryCounts = await mapLimit(plan.categories, CONCURRENCY, (c) => this.count(c.filter, now));
    const entries = (await sample).entries;

    const buckets = [...new Map(plan.trend.map((t) => [t.bucket.label + t.bucket.from.getTime(), t.bucket])).values()];
    const trend = { INFO: [], WARNING: [], ERROR: [], CRITICAL: [] } as Record<Level, number[]>;
    plan.trend.forEach((t, i) => trend[t.level].push(trendCounts[i] ?? 0));

    return {
      total,
      openCritical,
      pendingReview,
      buckets,
      trend,
      categories: plan.categories.map((c, i) => ({ category: c.category, count: categoryCounts[i] ?? 0 })),
      topActors: await this.top(
        entries,
        (e) => e.actor.id,
        (e) => e.actor.name ?? e.actor.email,
        'actorId',
        range,
        now,
      ),
      topEventTypes: await this.top(
        entries,
        (e) => e.eventType,
        () => undefined,
        'eventType',
        range,
        now,
      ),
    };
  }

  private async top(
    sample: readonly AuditLogEntry[],
    key: (e: AuditLogEntry) => string | undefined,
    name: (e: AuditLogEntry) => string | undefined,
    field: 'actorId' | 'eventType',
    range: DashboardRange,
    now: Date,
  ): Promise<Array<{ key: string; label: string; count: number }>> {
    const keys = topKeys(sample.map(key), TOP_N);
    const counts = await mapLimit(keys, CONCURRENCY, (k) =>
      this.count(emptyFilter({ range: { preset: range }, [field]: k }), now),
    );
    const labels = new Map(sample.map((e) => [key(e), name(e)]));
    return keys
      .map((k, i) => ({ key: k, label: labels.get(k) ?? k, count: counts[i] ?? 0 }))
      .sort((a, b) => b.count - a.count);
  }
}
