import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { COMMAND_OPTIONS, requestCaller, runCommand } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { runWebhookRetriesInputSchema } from '../domain/alerts';
import { operatorTenant, parseCommand } from '../domain/commands';
import { firestore } from '../firebase';
import { transientFailure } from '../logs';
import { COLLECTIONS } from '../store/collections';
import { isNewActivity, type EntryCreatedEvent } from '../triggers/new-activity';
import { dispatchAlerts } from './dispatch';
import { handleMarkNotificationsRead } from './notifications';
import { handleRotateWebhookSecret } from './secret';
import { retryDueWebhookDeliveries, type RetryReport } from './webhook-retry';

// Registrations of alerts. The retry sweep is a plain module (webhook-retry.ts) with an admin
// entry point, because the emulator never fires schedules.

export async function handleEntryForAlerts(event: EntryCreatedEvent): Promise<void> {
  const snapshot = event.data;
  // A restored or backfilled entry was alerted on (or not) when it happened; alerting the
  // admins, mailing or calling webhooks about it again would report old activity as new.
  if (!snapshot || !isNewActivity(event, 'alerts')) return;
  try {
    await dispatchAlerts(firestore(), snapshot.id, snapshot.data());
  } catch (err) {
    transientFailure('alerts', err);
    throw err;
  }
}

/** Matches every newly stored entry against its tenant's alert rules. */
export const dispatchAlertsOnEntry = onDocumentCreated(
  { document: `${COLLECTIONS.logs}/{logId}`, region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 120 },
  handleEntryForAlerts,
);

/** Runs the webhook retry sweep now (tenant admin: own tenant; platform admin: one or all). */
export function handleRunWebhookRetries(request: CallableRequest): Promise<RetryReport> {
  return runCommand('runWebhookRetries', async () => {
    const caller = requestCaller(request);
    parseCommand(runWebhookRetriesInputSchema, request.data);
    const tenantId = operatorTenant(caller, undefined);
    return retryDueWebhookDeliveries(firestore(), tenantId !== null ? { tenantId } : {});
  });
}
export const runWebhookRetries = onCall(COMMAND_OPTIONS, withFreshToken(handleRunWebhookRetries));

/** Every minute: retries fall due 16 s to 1 h apart, so a minute's lag is small beside them. */
export const retryWebhookDeliveries = onSchedule(
  { schedule: 'every 1 minutes', region: REGION, memory: '256MiB', timeoutSeconds: 300, retryCount: 0 },
  async () => {
    await retryDueWebhookDeliveries(firestore(), { limit: 200 });
  },
);

export const rotateWebhookSecret = onCall(COMMAND_OPTIONS, withFreshToken(handleRotateWebhookSecret));
export const markNotificationsRead = onCall(COMMAND_OPTIONS, handleMarkNotificationsRead);
