import * as logger from 'firebase-functions/logger';

// Named, structured events of the checkpoint job (ECS-like keys). Entry content is never logged.

type Fields = Record<string, string | number | boolean | null | undefined>;

export function checkpointCreated(tenantId: string, id: string, count: number, windowStart: string, windowEnd: string) {
  logger.info('checkpoint created', {
    'event.type': 'integrity.checkpoint_created',
    'tenant.id': tenantId,
    'checkpoint.id': id,
    'checkpoint.count': count,
    'checkpoint.window_start': windowStart,
    'checkpoint.window_end': windowEnd,
  });
}

export function lateEntries(tenantId: string, checkpointId: string, signed: number, found: number) {
  logger.error('entries found in a window already checkpointed', {
    'event.type': 'integrity.late_entries',
    'tenant.id': tenantId,
    'checkpoint.id': checkpointId,
    'checkpoint.count': signed,
    'checkpoint.found': found,
  });
}

export function tenantSkipped(tenantId: string, reason: string) {
  logger.warn('checkpoint tenant skipped this run', {
    'event.type': 'integrity.tenant_skipped',
    'tenant.id': tenantId,
    reason,
  });
}

export function tenantFailed(tenantId: string, err: unknown) {
  logger.error('checkpoint tenant failed', {
    'event.type': 'integrity.tenant_failed',
    'tenant.id': tenantId,
    'error.message': err instanceof Error ? err.message : String(err),
    'error.stack_trace': err instanceof Error ? err.stack : undefined,
  });
}

export function anchorConflict(tenantId: string, checkpointId: string) {
  logger.error('the anchored copy of a checkpoint differs from the checkpoint', {
    'event.type': 'integrity.anchor_conflict',
    'tenant.id': tenantId,
    'checkpoint.id': checkpointId,
  });
}

export function eventNotRecorded(tenantId: string, reason: string) {
  logger.error('integrity event not recorded', {
    'event.type': 'integrity.event_not_recorded',
    'tenant.id': tenantId,
    reason,
  });
}

export function runFinished(runId: string, summary: Fields) {
  logger.info('checkpoint run finished', { 'event.type': 'integrity.run_finished', 'run.id': runId, ...summary });
}
