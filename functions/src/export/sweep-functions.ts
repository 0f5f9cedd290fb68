import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { operatorTenant, parseCommand } from '../domain/commands';
import { runEscalationInputSchema } from '../domain/review';
import { firestore } from '../firebase';
import { recordAudit } from './audit';
import { sweepStaleExports } from './export-sweep';

// Registrations of the export sweep: every 15 minutes, and on demand for admins (the emulator
// never fires schedules). Both do the same, so running it extra is harmless.

/** `runExportSweep({tenantId?})`: a tenant admin sweeps their tenant, a platform admin one tenant or all. */
export function handleRunExportSweep(request: CallableRequest): Promise<CallableOutput<'runExportSweep'>> {
  return runCallable('runExportSweep', async () => {
    const caller = requestCaller(request);
    // Same input as the other operator runs: an optional tenant id.
    const input = parseCommand(runEscalationInputSchema, request.data);
    const tenantId = operatorTenant(caller, input.tenantId);
    return sweepStaleExports(firestore(), {
      ...(tenantId !== null ? { tenantId } : {}),
      now: new Date(),
      audit: recordAudit,
    });
  });
}
export const runExportSweep = onCall(COMMAND_OPTIONS, withFreshToken(handleRunExportSweep));

/** Every 15 minutes: an abandoned export shows as failed within 45 minutes of its last sign of life. */
export const sweepStaleExportsScheduled = onSchedule(
  { schedule: 'every 15 minutes', region: REGION, memory: '256MiB', timeoutSeconds: 300, retryCount: 1 },
  async () => {
    await sweepStaleExports(firestore(), { now: new Date(), audit: recordAudit });
  },
);
