import * as logger from 'firebase-functions/logger';

// Named, structured log events of the review, alert, settings and operator modules (ECS-like keys).

export function commandFailed(command: string, error: unknown): void {
  logger.error('command failed unexpectedly', {
    'event.type': 'command.failed',
    'command.name': command,
    'error.message': String(error),
    'error.stack': error instanceof Error ? error.stack : undefined,
  });
}

export function reviewActionRecorded(tenantId: string, logId: string, action: string, eventId: string): void {
  logger.info('review action recorded', {
    'event.type': 'review.action',
    'tenant.id': tenantId,
    'audit.log_id': logId,
    'review.action': action,
    'review.event_id': eventId,
  });
}

export function reviewEscalationRun(report: { scanned: number; escalated: number; skipped: number }): void {
  logger.info('overdue review escalation run', { 'event.type': 'review.escalation_run', ...report });
}

export function alertDispatched(
  tenantId: string,
  logId: string,
  ruleId: string,
  created: Record<string, number>,
): void {
  logger.info('alert dispatched', {
    'event.type': 'alert.dispatched',
    'tenant.id': tenantId,
    'audit.log_id': logId,
    'alert.rule_id': ruleId,
    ...Object.fromEntries(Object.entries(created).map(([k, v]) => [`alert.${k}`, v])),
  });
}

/** A webhook destination refused before connecting; the reason stays in the server log only. */
export function webhookDestinationRefused(tenantId: string, deliveryId: string, reason: string): void {
  logger.warn('webhook destination refused', {
    'event.type': 'webhook.blocked_destination',
    'tenant.id': tenantId,
    'webhook.delivery_id': deliveryId,
    'error.message': reason,
  });
}

export function webhookAttempt(
  tenantId: string,
  deliveryId: string,
  attempt: number,
  outcome: string,
  httpStatus: number | undefined,
): void {
  const log = outcome === 'delivered' ? logger.info : logger.warn;
  log('webhook delivery attempt', {
    'event.type': 'webhook.attempt',
    'tenant.id': tenantId,
    'webhook.delivery_id': deliveryId,
    'webhook.attempt': attempt,
    'webhook.outcome': outcome,
    'http.response.status_code': httpStatus,
  });
}

export function deadLetterReplayed(id: string, tenantId: string | undefined, outcome: string): void {
  logger.info('dead letter replayed', {
    'event.type': 'dead_letter.replayed',
    'dead_letter.id': id,
    'tenant.id': tenantId,
    'replay.outcome': outcome,
  });
}

export function settingsUpdated(tenantId: string, sections: readonly string[], version: number): void {
  logger.info('tenant settings updated', {
    'event.type': 'tenant.settings_updated',
    'tenant.id': tenantId,
    'settings.sections': sections,
    'settings.version': version,
  });
}

export function tokenCheckFailed(error: unknown): void {
  logger.error('revocation check of an ID token failed', {
    'event.type': 'auth.token_check_failed',
    'error.message': String(error),
  });
}
