import { RISK_WEIGHTS } from '@audit-log/model/risk';
import type { ActorTally } from '@audit-log/model/rollup';
import type { PeriodSummary } from '@audit-log/model/rollup-period';
import type { EChartsCoreOption } from 'echarts/core';
import { LEVELS, humanize, type Level } from '../core/audit-model';
import { dayLabel } from './dashboard-plan';

// The dashboard's charts and their spoken summaries, from a period's summed rollups. Pure, so the
// figures a user sees are tested without a browser.

const LEVEL_COLORS: Readonly<Record<Level, string>> = {
  INFO: '#3c6e9f',
  WARNING: '#a86400',
  ERROR: '#c62828',
  CRITICAL: '#7b1fa2',
};

/** How the risk score is computed, in words (docs/analytics.md). */
export const RISK_FORMULA =
  `risk = ${RISK_WEIGHTS.denials} × denials + ${RISK_WEIGHTS.failures} × failures + ` +
  `${RISK_WEIGHTS.critical} × CRITICAL + ${RISK_WEIGHTS.security} × SECURITY + ${RISK_WEIGHTS.anomalies} × anomalies`;

export function actorLabel(a: ActorTally): string {
  return a.label ?? a.id ?? a.key;
}

/** An actor's score with the components that made it, e.g. `Mallory 32 (5 denials, 1 anomaly, ...)`. */
export function riskLine(a: ActorTally): string {
  const parts = [
    [a.denials, 'denial', 'denials'],
    [a.failures, 'failure', 'failures'],
    [a.critical, 'CRITICAL', 'CRITICAL'],
    [a.security, 'SECURITY', 'SECURITY'],
    [a.anomalies, 'anomaly', 'anomalies'],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  return `${actorLabel(a)} ${a.risk}${said.length > 0 ? ` (${said.join(', ')})` : ''}`;
}

export function trendOption(p: PeriodSummary): EChartsCoreOption {
  return {
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: p.dates.map(dayLabel) },
    yAxis: { type: 'value', minInterval: 1 },
    series: LEVELS.map((level) => ({
      name: level,
      type: 'bar',
      stack: 'levels',
      data: p.trend[level],
      itemStyle: { color: LEVEL_COLORS[level] },
    })),
  };
}

export function trendSummary(p: PeriodSummary): string {
  return LEVELS.map((l) => `${p.trend[l].reduce((a, b) => a + b, 0)} ${l}`).join(', ');
}

export function categoryOption(p: PeriodSummary): EChartsCoreOption {
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
        data: p.categories.filter((c) => c.count > 0).map((c) => ({ name: humanize(c.category), value: c.count })),
      },
    ],
  };
}

export function categorySummary(p: PeriodSummary): string {
  return p.categories
    .filter((c) => c.count > 0)
    .map((c) => `${humanize(c.category)} ${c.count}`)
    .join(', ');
}

export function riskOption(p: PeriodSummary): EChartsCoreOption {
  const shown = [...p.riskyActors].reverse();
  return {
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, name: 'risk' },
    yAxis: { type: 'category', data: shown.map(actorLabel), axisLabel: { width: 160, overflow: 'truncate' } },
    series: [{ type: 'bar', data: shown.map((a) => a.risk), itemStyle: { color: '#8e2b2b' }, barMaxWidth: 22 }],
  };
}

export function riskSummary(p: PeriodSummary): string {
  return p.riskyActors
    .filter((a) => a.risk > 0)
    .map(riskLine)
    .join('; ');
}

export function anomalyOption(p: PeriodSummary): EChartsCoreOption {
  return {
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, type: 'scroll' },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: p.dates.map(dayLabel) },
    yAxis: { type: 'value', minInterval: 1 },
    series: p.anomalies.map((a) => ({ name: patternLabel(a.pattern), type: 'bar', stack: 'patterns', data: a.perDay })),
  };
}

/** `security.anomaly.repeated_denials` → `Repeated denials`. */
export function patternLabel(pattern: string): string {
  const last = pattern.split('.').pop() ?? pattern;
  const words = last.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function anomalySummary(p: PeriodSummary): string {
  return p.anomalies.map((a) => `${patternLabel(a.pattern)} ${a.total}`).join(', ');
}
