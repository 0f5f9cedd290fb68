import { LEVELS, type Level } from '../domain';
import type { ReportModel } from '../domain/export';

/**
 * The report's charts as SVG, rendered server-side by ECharts (no DOM: `ssr: true` and
 * `renderToSVGString`), then drawn as vectors by the PDF library. Loaded lazily, so functions
 * that never render a report do not pay for ECharts at cold start.
 */

export const LEVEL_COLORS: Readonly<Record<Level, string>> = {
  INFO: '#5b8def',
  WARNING: '#f2b134',
  ERROR: '#e8743b',
  CRITICAL: '#b3261e',
};

const TEXT = { fontFamily: 'Roboto', color: '#333333', fontSize: 10 } as const;

/** The part of ECharts' server-side API used here (its full typings are heavy for type-checked lint). */
interface SsrChart {
  setOption(option: Record<string, unknown>): void;
  renderToSVGString(): string;
  dispose(): void;
}
interface SsrCharts {
  init(dom: null, theme: null, opts: { renderer: 'svg'; ssr: true; width: number; height: number }): SsrChart;
}

async function render(width: number, height: number, option: Record<string, unknown>): Promise<string> {
  const echarts = (await import('echarts')) as unknown as SsrCharts;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: TEXT, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Entries per day (or month) stacked by level. */
export function trendChart(model: ReportModel, width = 515, height = 230): Promise<string> {
  const labels = model.series.buckets.map((b) => (model.bucket === 'day' ? b.slice(5) : b));
  return render(width, height, {
    legend: { top: 0, textStyle: TEXT, data: [...LEVELS] },
    grid: { left: 48, right: 12, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: labels, axisLabel: { ...TEXT, fontSize: 8, hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { ...TEXT, fontSize: 8 } },
    series: LEVELS.map((level) => ({
      name: level,
      type: 'bar',
      stack: 'levels',
      data: model.series.byLevel[level],
      itemStyle: { color: LEVEL_COLORS[level] },
      barMaxWidth: 24,
    })),
  });
}

/** Entries per category, most first. */
export function distributionChart(model: ReportModel, width = 515, height = 200): Promise<string> {
  const rows = [...model.distribution].reverse();
  return render(width, height, {
    grid: { left: 150, right: 50, top: 10, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { ...TEXT, fontSize: 8 } },
    yAxis: { type: 'category', data: rows.map((r) => r.category), axisLabel: { ...TEXT, fontSize: 9 } },
    series: [
      {
        type: 'bar',
        data: rows.map((r) => r.count),
        itemStyle: { color: '#3f6fb5' },
        label: { show: true, position: 'right', ...TEXT, fontSize: 9 },
        barMaxWidth: 18,
      },
    ],
  });
}
