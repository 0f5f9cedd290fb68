import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION, settings } from '../config';
import { jobScope, parseRequest, type ArchiveCaller } from '../domain/archive';
import { runIntegrityCheckRequestSchema } from '../domain/integrity';
import { firestore } from '../firebase';
import { archiveBucket } from '../tiering/storage';
import { coverSlackMs } from './cli';
import { emitThroughIngest, runIntegrityCheckJob, type IntegrityCheckDeps } from './job';

// The adapters of the verification: a daily schedule and a callable over one plain module
// (job.ts), which tests run directly too (the emulator never fires schedules).

const DAY_MS = 86_400_000;

function deps(): IntegrityCheckDeps {
  return { db: firestore(), bucket: archiveBucket(), emit: emitThroughIngest };
}

function callerOf(request: CallableRequest): ArchiveCaller | undefined {
  return request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined;
}

const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * Verifies on demand (tenant admin: own tenant; platform admin: one tenant or all), by default
 * yesterday and today so far; each run is recorded and a finding raises the CRITICAL entry.
 */
export function handleRunIntegrityCheck(request: CallableRequest): Promise<CallableOutput<'runIntegrityCheck'>> {
  return runCallable('runIntegrityCheck', async () => {
    const input = parseRequest(runIntegrityCheckRequestSchema, request.data);
    const scope = jobScope(callerOf(request), input.tenantId);
    const now = Date.now();
    const toMs = input.to ? Date.parse(`${input.to}T00:00:00.000Z`) + DAY_MS : startOfDay(now) + DAY_MS;
    const fromMs = input.from ? Date.parse(`${input.from}T00:00:00.000Z`) : startOfDay(now) - DAY_MS;
    return runIntegrityCheckJob(deps(), {
      ...(scope !== null ? { tenantIds: [scope] } : {}),
      trigger: 'manual',
      fromMs,
      toMs: Math.max(fromMs, toMs),
      coverSlackMs: coverSlackMs(),
      intervalMs: settings.checkpointIntervalMs(),
    });
  });
}

const options = { region: REGION, memory: '1GiB' as const, timeoutSeconds: 540, concurrency: 1 };

export const runIntegrityCheck = onCall(options, withFreshToken(handleRunIntegrityCheck));

/**
 * Daily at 03:00 UTC (after tiering at 02:00): every tenant's last complete day, within the
 * entry budget of job.ts; a dropped checkpoint head is caught on every run.
 */
export const integrityCheckDaily = onSchedule(
  { ...options, schedule: '0 3 * * *', timeZone: 'UTC', retryCount: 0 },
  async () => {
    const today = startOfDay(Date.now());
    await runIntegrityCheckJob(deps(), {
      trigger: 'scheduled',
      fromMs: today - DAY_MS,
      toMs: today,
      coverSlackMs: coverSlackMs(),
      intervalMs: settings.checkpointIntervalMs(),
    });
  },
);
