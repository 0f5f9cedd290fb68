import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { runWebhookRetriesInputSchema } from '../domain/alerts';
import { operatorTenant, parseCommand } from '../domain/commands';
import { firestore } from '../firebase';
import { handleMarkNotificationsRead } from './notifications';
import { handleRotateWebhookSecret } from './secret';
import { retryDueWebhookDeliveries } from './webhook-retry';

// Registrations of alerts. New entries reach dispatchAlerts through the trigger `reactToEntry`
// (reactions/functions.ts). The retry sweep is a plain module (webhook-retry.ts) with an admin
// entry point, because the emulator never fires schedules.

/** Runs the webhook retry sweep now (tenant admin: own tenant; platform admin: one or all). */
export function handleRunWebhookRetries(request: CallableRequest): Promise<CallableOutput<'runWebhookRetries'>> {
  return runCallable('runWebhookRetries', async () => {
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
