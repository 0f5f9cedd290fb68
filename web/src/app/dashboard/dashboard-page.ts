import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { CommandFailure } from '../commands/commands';
import { Session } from '../core/auth/session';
import { describeFirestoreError } from '../core/firestore/firestore-errors';
import { QueryPlanError } from '../logs/query/log-query';
import { Chart } from './charts/chart';
import { DASHBOARD_RANGES, DEFAULT_RANGE, type DashboardRange } from './dashboard-plan';
import { DashboardStats, type DashboardData } from './dashboard-stats';
import * as view from './dashboard-view';

/** Trends, categories, risky actors and anomaly patterns of a period, from the daily rollups. */
@Component({
  selector: 'app-dashboard-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    MatCardModule,
    MatIconModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatProgressBarModule,
    RouterLink,
    Chart,
  ],
  templateUrl: './dashboard-page.html',
  styleUrl: './dashboard-page.scss',
})
export class DashboardPage {
  private readonly stats = inject(DashboardStats);
  private readonly session = inject(Session);

  protected readonly ranges = Object.entries(DASHBOARD_RANGES).map(([key, value]) => ({
    key: key as DashboardRange,
    label: value.label,
  }));
  protected readonly range = signal<DashboardRange>(DEFAULT_RANGE);
  protected readonly rangeLabel = computed(() => DASHBOARD_RANGES[this.range()].label);
  protected readonly data = signal<DashboardData | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly riskFormula = view.RISK_FORMULA;
  /** Tenant admins (and platform admins) may compute missing days now. */
  protected readonly canCompute = computed(() => {
    const claims = this.session.claims();
    return claims.platformAdmin || claims.role === 'admin';
  });

  private readonly period = computed(() => this.data()?.period ?? null);
  protected readonly trendOption = computed(() => this.chart(view.trendOption));
  protected readonly trendSummary = computed(() => this.text(view.trendSummary));
  protected readonly categoryOption = computed(() => this.chart(view.categoryOption));
  protected readonly categorySummary = computed(() => this.text(view.categorySummary));
  protected readonly riskOption = computed(() => this.chart(view.riskOption));
  protected readonly riskSummary = computed(() => this.text(view.riskSummary));
  protected readonly riskLines = computed(
    () =>
      this.period()
        ?.riskyActors.filter((a) => a.risk > 0)
        .map(view.riskLine) ?? [],
  );
  protected readonly anomalyOption = computed(() => this.chart(view.anomalyOption));
  protected readonly anomalySummary = computed(() => this.text(view.anomalySummary));
  /** Days of the period without a rollup yet, today not counted (it is partial by nature). */
  protected readonly missingDays = computed(() => this.period()?.missing.length ?? 0);

  constructor() {
    void this.load();
  }

  private chart<T>(fn: (p: NonNullable<ReturnType<typeof this.period>>) => T): T | null {
    const p = this.period();
    return p ? fn(p) : null;
  }

  private text(fn: (p: NonNullable<ReturnType<typeof this.period>>) => string): string {
    return this.chart(fn) ?? '';
  }

  protected setRange(range: DashboardRange): void {
    this.range.set(range);
    void this.load();
  }

  protected async load(): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      this.data.set(await this.stats.load(this.range()));
    } catch (err) {
      this.error.set(err instanceof QueryPlanError ? err.message : describeFirestoreError(err).message);
    } finally {
      this.loading.set(false);
    }
  }

  /** Computes the period's missing and partial days, then shows them. */
  protected async compute(): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      await this.stats.compute(this.range());
    } catch (err) {
      this.error.set(err instanceof CommandFailure ? err.message : String(err));
    }
    await this.load();
  }
}
