import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { EChartsCoreOption } from 'echarts/core';
import { LEVELS, humanize, type Level } from '../core/audit-model';
import { describeFirestoreError } from '../core/firestore/firestore-errors';
import { QueryPlanError } from '../logs/query/log-query';
import { Chart } from './charts/chart';
import { DASHBOARD_RANGES, type DashboardRange } from './dashboard-plan';
import { DashboardStats, SAMPLE_SIZE, type DashboardData } from './dashboard-stats';

const LEVEL_COLORS: Readonly<Record<Level, string>> = {
  INFO: '#3c6e9f',
  WARNING: '#a86400',
  ERROR: '#c62828',
  CRITICAL: '#7b1fa2',
};

function horizontalBars(rows: ReadonlyArray<{ label: string; count: number }>, color: string): EChartsCoreOption {
  const shown = [...rows].reverse();
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: shown.map((r) => r.label), axisLabel: { width: 160, overflow: 'truncate' } },
    series: [{ type: 'bar', data: shown.map((r) => r.count), itemStyle: { color }, barMaxWidth: 22 }],
  };
}

/** Counts and charts over the tenant's log, from aggregation queries. */
@Component({
  selector: 'app-dashboard-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatIconModule, MatButtonToggleModule, MatProgressBarModule, RouterLink, Chart],
  templateUrl: './dashboard-page.html',
  styleUrl: './dashboard-page.scss',
})
export class DashboardPage {
  private readonly stats = inject(DashboardStats);

  protected readonly ranges = Object.entries(DASHBOARD_RANGES).map(([key, value]) => ({
    key: key as DashboardRange,
    label: value.label,
  }));
  protected readonly range = signal<DashboardRange>('7d');
  protected readonly rangeLabel = computed(() => DASHBOARD_RANGES[this.range()].label);
  protected readonly data = signal<DashboardData | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly sampleSize = SAMPLE_SIZE;

  protected readonly trendOption = computed<EChartsCoreOption | null>(() => {
    const data = this.data();
    if (!data) return null;
    return {
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: data.buckets.map((b) => b.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: LEVELS.map((level) => ({
        name: level,
        type: 'bar',
        stack: 'levels',
        data: data.trend[level],
        itemStyle: { color: LEVEL_COLORS[level] },
      })),
    };
  });
  protected readonly trendSummary = computed(() => {
    const data = this.data();
    if (!data) return '';
    return LEVELS.map((l) => `${data.trend[l].reduce((a, b) => a + b, 0)} ${l}`).join(', ');
  });

  protected readonly categoryOption = computed<EChartsCoreOption | null>(() => {
    const data = this.data();
    if (!data) return null;
    return {
      tooltip: { trigger: 'item' },
      // Legend below the ring: beside it, it collides with the ring in narrow cards.
      legend: { type: 'scroll', orient: 'horizontal', bottom: 0, left: 'center' },
      series: [
        {
          type: 'pie',
          radius: ['38%', '62%'],
          center: ['50%', '44%'],
          label: { show: false },
          data: data.categories.filter((c) => c.count > 0).map((c) => ({ name: humanize(c.category), value: c.count })),
        },
      ],
    };
  });
  protected readonly categorySummary = computed(
    () =>
      this.data()
        ?.categories.filter((c) => c.count > 0)
        .map((c) => `${humanize(c.category)} ${c.count}`)
        .join(', ') ?? '',
  );

  protected readonly actorsOption = computed(() => {
    const data = this.data();
    return data ? horizontalBars(data.topActors, '#35507a') : null;
  });
  protected readonly typesOption = computed(() => {
    const data = this.data();
    return data ? horizontalBars(data.topEventTypes, '#6b5778') : null;
  });
  protected readonly actorsSummary = computed(
    () =>
      this.data()
        ?.topActors.map((a) => `${a.label} ${a.count}`)
        .join(', ') ?? '',
  );
  protected readonly typesSummary = computed(
    () =>
      this.data()
        ?.topEventTypes.map((a) => `${a.label} ${a.count}`)
        .join(', ') ?? '',
  );

  constructor() {
    void this.load();
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
}
