import * as logger from 'firebase-functions/logger';

// Named, structured progress events of the cold tier (ECS-like keys), so operators can follow a
// run, alert on failures and measure throughput. Row content is never logged.

type Fields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

function partFields(tenantId: string, date: string, part?: number): Fields {
  return { 'tenant.id': tenantId, 'archive.date': date, 'archive.part': part };
}

export function runStarted(job: string, runId: string, tenants: number): void {
  logger.info(`${job} run started`, { 'event.type': `${job}.started`, 'run.id': runId, 'run.tenants': tenants });
}

export function runFinished(job: string, runId: string, summary: Fields): void {
  logger.info(`${job} run finished`, { 'event.type': `${job}.finished`, 'run.id': runId, ...summary });
}

export function step(stepName: string, tenantId: string, date: string, part: number, extra: Fields = {}): void {
  logger.info(`archive ${stepName}`, {
    'event.type': `tiering.${stepName}`,
    ...partFields(tenantId, date, part),
    ...extra,
  });
}

export function dayHeld(tenantId: string, date: string, reason: string): void {
  logger.info('archive day left warm', { 'event.type': 'tiering.day_held', ...partFields(tenantId, date), reason });
}

export function verificationFailed(tenantId: string, date: string, part: number, problems: readonly string[]): void {
  logger.error('archive verification failed; nothing deleted', {
    'event.type': 'tiering.verification_failed',
    ...partFields(tenantId, date, part),
    problems,
  });
}

export function dayFailed(tenantId: string, date: string, code: string, message: string): void {
  logger.error('archive day failed; it stays warm and is retried after a backoff', {
    'event.type': 'tiering.day_failed',
    ...partFields(tenantId, date),
    'error.code': code,
    'error.message': message,
  });
}

/** An unexpected failure of one tenant's day (or of the tenant's set-up, `date` empty); the run goes on. */
export function dayCrashed(tenantId: string, date: string, err: unknown): void {
  logger.error('archive work failed unexpectedly; the run goes on with the other tenants', {
    'event.type': 'tiering.day_crashed',
    ...partFields(tenantId, date),
    'error.message': err instanceof Error ? err.message : String(err),
    'error.stack': err instanceof Error ? err.stack : undefined,
  });
}

export function dayDeferred(tenantId: string, date: string, dueAtMs: number): void {
  logger.info('archive day waits for its retry', {
    'event.type': 'tiering.day_deferred',
    ...partFields(tenantId, date),
    'archive.retry_at': new Date(dueAtMs).toISOString(),
  });
}

export function entriesRetained(tenantId: string, date: string, part: number, count: number): void {
  logger.warn('entries changed after archiving; kept warm for the next part', {
    'event.type': 'tiering.entries_retained',
    ...partFields(tenantId, date, part),
    'archive.retained': count,
  });
}

export function eventNotRecorded(tenantId: string, eventType: string, reason: string): void {
  logger.error('archive audit event rejected; retried on the next run', {
    'event.type': 'tiering.event_rejected',
    'tenant.id': tenantId,
    'audit.event_type': eventType,
    'error.code': reason,
  });
}

export function coldSearch(tenantId: string, days: number, files: number, rows: number, ms: number): void {
  logger.info('cold search', {
    'event.type': 'tiering.cold_search',
    'tenant.id': tenantId,
    'search.days': days,
    'search.files': files,
    'search.rows': rows,
    'event.duration_ms': ms,
  });
}
