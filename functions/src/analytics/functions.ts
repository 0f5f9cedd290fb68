import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { runRollupsRequestSchema } from '../domain/analytics';
import { jobScope, parseRequest, type ArchiveCaller } from '../domain/archive';
import { firestore } from '../firebase';
import { runRollupJob } from './job';

// The adapters of the daily rollups: a schedule and a callable over one plain module (job.ts),
// which tests and operators run directly too (the emulator never fires schedules).

function callerOf(request: CallableRequest): ArchiveCaller | undefined {
  return request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined;
}

/**
 * Computes rollups on demand (tenant admin: own tenant; platform admin: one tenant or all), for
 * `from`..`to` or the tenant's warm window; today's rollup comes out partial.
 */
export function handleRunRollups(request: CallableRequest): Promise<CallableOutput<'runRollups'>> {
  return runCallable('runRollups', async () => {
    const input = parseRequest(runRollupsRequestSchema, request.data);
    const scope = jobScope(callerOf(request), input.tenantId);
    return runRollupJob(firestore(), {
      ...(scope !== null ? { tenantIds: [scope] } : {}),
      ...(input.from !== undefined ? { from: input.from } : {}),
      ...(input.to !== undefined ? { to: input.to } : {}),
      deadlineMs: Date.now() + 7 * 60_000,
    });
  });
}

const options = { region: REGION, memory: '512MiB' as const, timeoutSeconds: 540, concurrency: 1 };

export const runRollups = onCall(options, withFreshToken(handleRunRollups));

/**
 * Daily at 01:15 UTC: yesterday becomes final (it ended more than the settle hour ago), today's
 * partial rollup starts, and days back-dated into since the last run are computed again. Before
 * tiering (02:00), which computes any day it archives that still lacks a final rollup.
 */
export const rollupsDaily = onSchedule(
  { ...options, schedule: '15 1 * * *', timeZone: 'UTC', retryCount: 0 },
  async () => {
    await runRollupJob(firestore(), { deadlineMs: Date.now() + 8 * 60_000 });
  },
);
