import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { operatorTenant, parseCommand } from '../domain/commands';
import { runEscalationInputSchema } from '../domain/review';
import { firestore } from '../firebase';
import { handleAssignReviewer, handleConfirmReview, handleDecideReview } from './commands';
import { escalateOverdueReviews } from './escalation';

// Registrations of the review workflow. Review deadlines are stamped by the trigger `reactToEntry`
// (reactions/functions.ts). The scheduled escalation is a plain module
// (escalation.ts) with an admin entry point, because the emulator never fires schedules.

// A reviewer whose role was removed must not approve anything with the token they still hold.
export const assignReviewer = onCall(COMMAND_OPTIONS, withFreshToken(handleAssignReviewer));
export const decideReview = onCall(COMMAND_OPTIONS, withFreshToken(handleDecideReview));
export const confirmReview = onCall(COMMAND_OPTIONS, withFreshToken(handleConfirmReview));

/**
 * Runs the overdue escalation now: a tenant admin for their tenant, a platform admin for one
 * tenant or all. It does exactly what the schedule does, so running it extra is harmless.
 */
export function handleRunReviewEscalation(request: CallableRequest): Promise<CallableOutput<'runReviewEscalation'>> {
  return runCallable('runReviewEscalation', async () => {
    const caller = requestCaller(request);
    const input = parseCommand(runEscalationInputSchema, request.data);
    const tenantId = operatorTenant(caller, input.tenantId);
    return escalateOverdueReviews(firestore(), {
      ...(tenantId !== null ? { tenantId } : {}),
      deadlineMs: Date.now() + 45_000,
    });
  });
}
export const runReviewEscalation = onCall(COMMAND_OPTIONS, withFreshToken(handleRunReviewEscalation));

/** Every 15 minutes: overdue reviews are escalated within a quarter hour of their deadline. */
export const escalateOverdueReviewsScheduled = onSchedule(
  { schedule: 'every 15 minutes', region: REGION, memory: '256MiB', timeoutSeconds: 300, retryCount: 1 },
  async () => {
    await escalateOverdueReviews(firestore(), { deadlineMs: Date.now() + 240_000 });
  },
);
