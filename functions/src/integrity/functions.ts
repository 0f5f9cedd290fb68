import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { AUDIT_CHECKPOINT_SIGNING_KEY, AUDIT_PERSONAL_DATA_KEK, REGION, settings } from '../config';
import { jobScope, parseRequest, type ArchiveCaller } from '../domain/archive';
import { runCheckpointsRequestSchema, signerFromSecret, type CheckpointSigner } from '../domain/integrity';
import { firestore } from '../firebase';
import { archiveBucket } from '../tiering/storage';
import { emitViolation } from './events';
import { runCheckpointJob, type CheckpointDeps } from './job';

// The adapters of the checkpoint chain: a schedule and a callable over one plain module
// (job.ts), which tests and operators run directly too (the emulator never fires schedules).

let signer: { secret: string; signer: CheckpointSigner } | undefined;

/** The signer of the configured key, built once per instance and again when the secret changes. */
function currentSigner(): CheckpointSigner {
  const secret = AUDIT_CHECKPOINT_SIGNING_KEY.value();
  if (!secret) throw new Error('AUDIT_CHECKPOINT_SIGNING_KEY has no value');
  if (signer?.secret !== secret) signer = { secret, signer: signerFromSecret(secret) };
  return signer.signer;
}

function deps(): CheckpointDeps {
  return { db: firestore(), bucket: archiveBucket(), signer: currentSigner(), emit: emitViolation };
}

function callerOf(request: CallableRequest): ArchiveCaller | undefined {
  return request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined;
}

/**
 * Checkpoints on demand (tenant admin: own tenant; platform admin: one tenant or all), closing
 * the open window at the cut so everything older than the grace period is signed now.
 */
export function handleRunCheckpoints(request: CallableRequest): Promise<CallableOutput<'runCheckpoints'>> {
  return runCallable('runCheckpoints', async () => {
    const input = parseRequest(runCheckpointsRequestSchema, request.data);
    const scope = jobScope(callerOf(request), input.tenantId);
    return runCheckpointJob(deps(), {
      ...(scope !== null ? { tenantIds: [scope] } : {}),
      intervalMs: settings.checkpointIntervalMs(),
      graceMs: settings.checkpointGraceMs(),
      closeOpenSlot: true,
      deadlineMs: Date.now() + 4 * 60_000,
    });
  });
}

const options = {
  region: REGION,
  memory: '512MiB' as const,
  timeoutSeconds: 300,
  concurrency: 1,
  // Per-function secrets replace the global list (index.ts): the KEK is named again, for the
  // violation entries this job ingests for tenants that seal personal data.
  secrets: [AUDIT_CHECKPOINT_SIGNING_KEY, AUDIT_PERSONAL_DATA_KEK],
};

export const runCheckpoints = onCall(options, withFreshToken(handleRunCheckpoints));

/**
 * Every 5 minutes: closes the windows that ended more than the grace period ago. Stops starting
 * new checkpoints 4 minutes in; a backlog (after an outage) is caught up over the next runs.
 * The window length is the AUDIT_CHECKPOINT_INTERVAL_SECONDS parameter (a divisor of a day).
 */
export const checkpointsScheduled = onSchedule({ ...options, schedule: 'every 5 minutes', retryCount: 0 }, async () => {
  await runCheckpointJob(deps(), {
    intervalMs: settings.checkpointIntervalMs(),
    graceMs: settings.checkpointGraceMs(),
    closeOpenSlot: false,
    deadlineMs: Date.now() + 4 * 60_000,
  });
});
