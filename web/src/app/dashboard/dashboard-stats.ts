import { Injectable, inject } from '@angular/core';
import type { RollupRunReport } from '@audit-log/model/callables';
import { summarizePeriod, type PeriodSummary } from '@audit-log/model/rollup-period';
import { Commands } from '../commands/commands';
import { Session } from '../core/auth/session';
import { LogRepository } from '../core/firestore/log-repository';
import { planLogQuery } from '../logs/query/log-query';
import { dashboardCounts, datesFor, type DashboardRange } from './dashboard-plan';
import { RollupSource } from './rollup-source';

/** Actors the dashboard ranks by risk. */
export const TOP_RISKY_ACTORS = 10;

export interface DashboardData {
  readonly openCritical: number;
  readonly pendingReview: number;
  readonly period: PeriodSummary;
}

/**
 * Dashboard figures: the period's history from the daily rollups (one document per day, summed
 * here), the open work from two aggregation counts. Nothing is sampled, so the figures stay right
 * at any volume and cost about one read per day shown.
 */
@Injectable({ providedIn: 'root' })
export class DashboardStats {
  private readonly repo = inject(LogRepository);
  private readonly rollups = inject(RollupSource);
  private readonly session = inject(Session);
  private readonly commands = inject(Commands);

  async load(range: DashboardRange, now = new Date()): Promise<DashboardData> {
    const dates = datesFor(range, now);
    const counts = dashboardCounts();
    const scope = this.session.scope();
    const count = (filter: typeof counts.openCritical) =>
      this.repo.count(planLogQuery(filter, scope, { now, limit: null }));
    const [openCritical, pendingReview, rollups] = await Promise.all([
      count(counts.openCritical),
      count(counts.pendingReview),
      this.rollups.period(scope.tenantId, dates[0]!, dates[dates.length - 1]!),
    ]);
    return { openCritical, pendingReview, period: summarizePeriod(dates, rollups, TOP_RISKY_ACTORS) };
  }

  /** Computes the range's missing and partial days now (`runRollups`, tenant admins). */
  compute(range: DashboardRange, now = new Date()): Promise<RollupRunReport> {
    const dates = datesFor(range, now);
    const claims = this.session.claims();
    return this.commands.call('runRollups', {
      from: dates[0]!,
      to: dates[dates.length - 1]!,
      ...(claims.platformAdmin ? { tenantId: this.session.tenantId() ?? '' } : {}),
    });
  }
}
