import * as logger from 'firebase-functions/logger';
import type { RollupRunReport } from './job';

// Named, structured events of the rollup job (ECS-like keys). Figures only, never entry content.

export function dayRolledUp(tenantId: string, date: string, entries: number, final: boolean): void {
  logger.info('rollup computed', {
    'event.type': 'rollups.day',
    'tenant.id': tenantId,
    'rollup.date': date,
    'rollup.entries': entries,
    'rollup.final': final,
  });
}

export function runFinished(report: RollupRunReport): void {
  logger.info('rollups run finished', {
    'event.type': 'rollups.finished',
    'run.tenants': report.tenants,
    'run.days_checked': report.daysChecked,
    'run.days_computed': report.computed.length,
    'run.reads': report.reads,
    'run.writes': report.writes,
    'event.duration_ms': report.durationMs,
  });
}

export function lateEntriesFolded(tenantId: string, date: string, count: number): void {
  logger.info('late entries folded into an archived day', {
    'event.type': 'rollups.late_folded',
    'tenant.id': tenantId,
    'rollup.date': date,
    'rollup.late': count,
  });
}

export function uncountedFound(tenantId: string, date: string, uncounted: number): void {
  logger.warn('entries archived without being counted', {
    'event.type': 'rollups.uncounted',
    'tenant.id': tenantId,
    'rollup.date': date,
    'rollup.uncounted': uncounted,
  });
}

/** A stored rollup that did not match its schema; the day is computed afresh. */
export function malformedRollup(tenantId: string, date: string, error: Error): void {
  logger.warn('malformed rollup computed afresh', {
    'event.type': 'rollups.malformed',
    'tenant.id': tenantId,
    'rollup.date': date,
    'error.message': error.message,
  });
}
