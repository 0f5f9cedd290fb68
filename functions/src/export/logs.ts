import * as logger from 'firebase-functions/logger';

// Named, structured log events of exports and reports (ECS-like keys, no entry content).

export function exportFinished(exportId: string, tenantId: string, state: string, rows: number, ms: number): void {
  logger.info('export finished', {
    'event.type': 'export.finished',
    'export.id': exportId,
    'tenant.id': tenantId,
    'export.state': state,
    'export.rows': rows,
    'event.duration_ms': ms,
  });
}

export function exportSliceHandedOver(exportId: string, tenantId: string, slice: number, rows: number): void {
  logger.info('export slice reached its budget; next slice queued', {
    'event.type': 'export.slice',
    'export.id': exportId,
    'tenant.id': tenantId,
    'export.slice': slice,
    'export.rows': rows,
  });
}

export function jobFailed(kind: 'export' | 'report', id: string, tenantId: string, error: unknown): void {
  logger.error(`${kind} failed`, {
    'event.type': `${kind}.failed`,
    [`${kind}.id`]: id,
    'tenant.id': tenantId,
    'error.message': String(error),
    'error.stack': error instanceof Error ? error.stack : undefined,
  });
}

export function reportFinished(reportId: string, tenantId: string, pages: number, ms: number): void {
  logger.info('report generated', {
    'event.type': 'report.generated',
    'report.id': reportId,
    'tenant.id': tenantId,
    'report.pages': pages,
    'event.duration_ms': ms,
  });
}

export function auditFailed(eventType: string, deadLetterId: string, reason: string): void {
  logger.error('audit event of an export path was rejected', {
    'event.type': 'export.audit_failed',
    'audit.event_type': eventType,
    'dead_letter.id': deadLetterId,
    'error.code': reason,
  });
}
