import * as logger from 'firebase-functions/logger';

// Named, structured log events with ECS-like keys, so dashboards and alerts can rely on them.
// Payload content is never logged: it may hold personal data that redaction has not yet seen.

export function entryStored(logId: string, tenantId: string, eventType: string, via: string): void {
  logger.info('audit entry stored', {
    'event.type': 'audit.stored',
    'tenant.id': tenantId,
    'audit.log_id': logId,
    'audit.event_type': eventType,
    'ingest.via': via,
  });
}

export function duplicateIgnored(logId: string, tenantId: string, via: string): void {
  logger.info('duplicate delivery ignored', {
    'event.type': 'audit.duplicate',
    'tenant.id': tenantId,
    'audit.log_id': logId,
    'ingest.via': via,
  });
}

export function deadLettered(reason: string, id: string, tenantId: string | undefined, via: string): void {
  logger.warn('event dead-lettered', {
    'event.type': 'audit.dead_letter',
    'error.code': reason,
    'dead_letter.id': id,
    'tenant.id': tenantId,
    'ingest.via': via,
  });
}

export function deadLetterWriteFailed(id: string, error: unknown): void {
  logger.error('dead-letter write failed', {
    'event.type': 'audit.dead_letter_failed',
    'dead_letter.id': id,
    'error.message': String(error),
  });
}

export function tenantSettingsInvalid(tenantId: string, problems: readonly string[]): void {
  logger.warn('tenant settings invalid; defaults used', {
    'event.type': 'tenant.settings_invalid',
    'tenant.id': tenantId,
    problems,
  });
}

export function transientFailure(via: string, error: unknown): void {
  logger.error('transient ingest failure; delivery will be retried', {
    'event.type': 'audit.retry',
    'ingest.via': via,
    'error.message': String(error),
  });
}

export function rateLimitSettingsInvalid(tenantId: string, problems: readonly string[]): void {
  logger.warn('tenant rate limit invalid; default used', {
    'event.type': 'api.rate_limit_settings_invalid',
    'tenant.id': tenantId,
    problems,
  });
}

export function outboxPolicyInvalid(tenantId: string, problems: readonly string[]): void {
  logger.error('tenant outbox settings invalid; using the defaults', {
    'event.type': 'outbox.policy_invalid',
    'tenant.id': tenantId,
    problems,
  });
}

export function outboxFailed(outboxId: string, reason: string, tenantId: string | undefined): void {
  logger.warn('outbox document rejected; marked failed', {
    'event.type': 'outbox.failed',
    'outbox.id': outboxId,
    'error.code': reason,
    'tenant.id': tenantId,
  });
}

export function captureSkipped(target: string, documentPath: string, reason: string): void {
  logger.info('document write not captured', {
    'event.type': 'capture.skipped',
    'capture.target': target,
    'capture.document': documentPath,
    'capture.reason': reason,
  });
}

export function authEventLost(eventType: string, uid: string, error: unknown): void {
  logger.error('auth audit event could not be recorded; sign-in continues', {
    'event.type': 'auth.audit_failed',
    'audit.event_type': eventType,
    'user.id': uid,
    'error.message': String(error),
  });
}

export function anomalyRaised(tenantId: string, logId: string, windowId: string): void {
  logger.warn('repeated permission denials: anomaly raised', {
    'event.type': 'anomaly.repeated_denials',
    'tenant.id': tenantId,
    'audit.log_id': logId,
    'anomaly.window_id': windowId,
  });
}

export function anomalySettingsInvalid(tenantId: string, problems: readonly string[]): void {
  logger.warn('anomaly settings invalid; defaults used', {
    'event.type': 'anomaly.settings_invalid',
    'tenant.id': tenantId,
    problems,
  });
}

/** A reaction to a stored entry failed; the trigger rethrows so the event is delivered again. */
export function reactionFailed(reaction: string, logId: string, error: unknown): void {
  logger.error('reaction to a stored entry failed; delivery will be retried', {
    'event.type': 'audit.retry',
    'ingest.via': reaction,
    'reaction.name': reaction,
    'audit.log_id': logId,
    'error.message': String(error),
  });
}

/** Reactions an earlier delivery of the same event completed, skipped on this one. */
export function reactionsSkipped(logId: string, reactions: readonly string[]): void {
  logger.info('reactions completed by an earlier delivery; skipped', {
    'event.type': 'audit.reactions_skipped',
    'audit.log_id': logId,
    'reaction.names': reactions,
  });
}

/** The completions of a failed delivery could not be recorded: the retry runs them again. */
export function reactionLedgerFailed(logId: string, completed: readonly string[], error: unknown): void {
  logger.error('could not record completed reactions; the retry runs them again', {
    'event.type': 'audit.reactions_ledger_failed',
    'audit.log_id': logId,
    'reaction.names': completed,
    'error.message': String(error),
  });
}
