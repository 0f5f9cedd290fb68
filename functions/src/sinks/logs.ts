import * as logger from 'firebase-functions/logger';
import type { SinkRunReport } from '@audit-log/model/callables';

// Named log events of the streams to external sinks (ECS-like keys, like functions/src/logs.ts).
// Only kinds of failure are logged, never the sink's answer body or the entries.

export function batchFailed(
  tenantId: string,
  sinkId: string,
  batchId: string,
  message: string,
  failures: number,
): void {
  logger.warn('a stream batch was not acknowledged; it is sent again after a backoff', {
    'event.type': 'audit.sink_batch_failed',
    'tenant.id': tenantId,
    'sink.id': sinkId,
    'sink.batch_id': batchId,
    'error.message': message,
    'sink.consecutive_failures': failures,
  });
}

export function sinkRunFailed(tenantId: string, sinkId: string, error: unknown): void {
  logger.error('a stream delivery run failed; the next run resumes from the cursor', {
    'event.type': 'audit.sink_run_failed',
    'tenant.id': tenantId,
    'sink.id': sinkId,
    'error.message': error instanceof Error ? error.message : String(error),
  });
}

export function sinksRan(report: SinkRunReport): void {
  logger.info('stream delivery ran', {
    'event.type': 'audit.sink_run',
    'sink.count': report.sinks.length,
    'sink.delivered': report.delivered,
    'event.duration_ms': report.durationMs,
  });
}

export function sinkChanged(tenantId: string, sinkId: string, action: string, uid: string): void {
  logger.info('a stream was changed', {
    'event.type': 'audit.sink_changed',
    'tenant.id': tenantId,
    'sink.id': sinkId,
    'sink.action': action,
    'user.id': uid,
  });
}
