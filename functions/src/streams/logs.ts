import * as logger from 'firebase-functions/logger';
import type { GapDetectionReport } from './gap-detector';

// Named log events of the gap detector (ECS-like keys, like functions/src/logs.ts).

export function gapReportRejected(tenantId: string, eventId: string, reason: string): void {
  logger.error('gap report rejected; it stays pending for the next run', {
    'event.type': 'audit.gap_report_rejected',
    'tenant.id': tenantId,
    'audit.event_id': eventId,
    'error.code': reason,
  });
}

export function gapDetectionRan(report: GapDetectionReport): void {
  logger.info('sequence gap detection ran', {
    'event.type': 'audit.gap_detection',
    'gaps.tenants': report.tenants,
    'gaps.failed_tenants': report.failedTenants.length,
    'gaps.entries_read': report.entriesRead,
    'gaps.reported': report.reported.length,
    'gaps.closed': report.closed.length,
    'firestore.reads': report.reads,
    'firestore.writes': report.writes,
  });
  for (const gap of report.reported) {
    logger.warn('sequence gap reported', {
      'event.type': 'audit.gap_detected',
      'tenant.id': gap.tenantId,
      'gap.source': gap.source,
      'gap.from': gap.from,
      'gap.to': gap.to,
    });
  }
}

export function gapDetectionFailed(tenantId: string, error: unknown): void {
  logger.error('sequence gap detection failed for a tenant; the next run retries', {
    'event.type': 'audit.gap_detection_failed',
    'tenant.id': tenantId,
    'error.message': String(error),
  });
}
