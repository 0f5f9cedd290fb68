import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { parseCommand, requireTenantRole } from '../domain/commands';
import { runSinksInputSchema } from '../domain/sinks';
import { firestore } from '../firebase';
import {
  handleCreateSink,
  handleDeleteSink,
  handlePauseSink,
  handleReplaySink,
  handleResumeSink,
  ownSink,
} from './commands';
import { runSinks as deliverStreams } from './run';

// Registrations of the streams to external sinks (docs/streams.md). Delivery is a plain module
// (run.ts, deliver.ts) with two entry points: the schedule, and `runSinks` for a tenant admin's
// "run now" (the emulator never fires schedules, so tests and operators use it too).

/** How long one run may deliver: well inside the functions' time-outs below. */
const CALLABLE_RUN_MS = 45_000;
const SCHEDULED_RUN_MS = 240_000;

/** `runSinks` (tenant admins): delivers the tenant's streams (or one) now, skipping a pending backoff. */
export function handleRunSinks(request: CallableRequest): Promise<CallableOutput<'runSinks'>> {
  return runCallable('runSinks', async () => {
    const admin = requireTenantRole(requestCaller(request), ['admin'], 'run streams');
    const { sinkId } = parseCommand(runSinksInputSchema, request.data);
    const db = firestore();
    if (sinkId !== undefined) await ownSink(db, admin, sinkId);
    return deliverStreams(db, {
      tenantId: admin.tenantId,
      ...(sinkId !== undefined ? { sinkIds: [sinkId] } : {}),
      deadlineMs: Date.now() + CALLABLE_RUN_MS,
      perSinkBudgetMs: CALLABLE_RUN_MS,
      force: true,
    });
  });
}

export const createSink = onCall(COMMAND_OPTIONS, withFreshToken(handleCreateSink));
export const pauseSink = onCall(COMMAND_OPTIONS, withFreshToken(handlePauseSink));
export const resumeSink = onCall(COMMAND_OPTIONS, withFreshToken(handleResumeSink));
export const replaySink = onCall(COMMAND_OPTIONS, withFreshToken(handleReplaySink));
export const deleteSink = onCall(COMMAND_OPTIONS, withFreshToken(handleDeleteSink));
export const runSinks = onCall({ ...COMMAND_OPTIONS, timeoutSeconds: 60 }, withFreshToken(handleRunSinks));

/** Every minute: each due stream of every tenant, side by side, each under its own lease and backoff. */
export const deliverSinksScheduled = onSchedule(
  { schedule: 'every 1 minutes', region: REGION, memory: '512MiB', timeoutSeconds: 300, retryCount: 0 },
  async () => {
    await deliverStreams(firestore(), { deadlineMs: Date.now() + SCHEDULED_RUN_MS });
  },
);
