import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { recordArchiveSearch } from '../access/archive-search';
import { requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { firestore } from '../firebase';
import {
  jobScope,
  parseColdSearchRequest,
  parseRequest,
  restoreRequestSchema,
  restoreTenant,
  runPurgeRequestSchema,
  runTieringRequestSchema,
  searchTenant,
  type ArchiveCaller,
} from '../domain/archive';
import { actorEmailTokens, mayRevealPersonalData, recordedActorEmail } from '../domain/privacy';
import { entriesForReader, tenantBlindIndex } from '../privacy/data-keys';
import { coldSearch } from './cold-search';
import type { TieringDeps } from './context';
import { emitArchiveEvent } from './events';
import { runTieringJob } from './job';
import { runPurgeJob } from './purge';
import { restoreDay } from './restore';
import { archiveBucket } from './storage';

// The adapters of the cold tier: each maps a schedule or a callable onto a plain module. Tests
// and operators can run the same modules directly (the emulator never fires schedules).

function deps(): TieringDeps {
  return { db: firestore(), bucket: archiveBucket(), emit: emitArchiveEvent };
}

function callerOf(request: CallableRequest): ArchiveCaller | undefined {
  return request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined;
}

/** Runs the tiering job on demand (tenant admin: own tenant; platform admin: one tenant or all). */
export function handleRunTiering(request: CallableRequest): Promise<CallableOutput<'runTiering'>> {
  return runCallable('runTiering', async () => {
    const input = parseRequest(runTieringRequestSchema, request.data);
    const scope = jobScope(callerOf(request), input.tenantId);
    return runTieringJob(deps(), {
      ...(scope !== null ? { tenantIds: [scope] } : {}),
      deadlineMs: Date.now() + 7 * 60_000,
    });
  });
}

/**
 * Searches the caller's tenant's archives with the console's filters. Every call is recorded as
 * one `audit.archive.searched` entry of the tenant read before the rows leave; a search that
 * cannot be recorded is not answered.
 */
export function handleSearchArchives(request: CallableRequest): Promise<CallableOutput<'searchArchives'>> {
  return runCallable('searchArchives', async () => {
    const req = parseColdSearchRequest(request.data);
    const tenantId = searchTenant(callerOf(request), req.tenantId);
    const reveal = mayRevealPersonalData(request.auth?.token, tenantId);
    // The blind token finds a person's sealed entries: only for readers who may open them. A
    // platform admin reading another tenant finds the entries that hold the address in clear.
    const blindIndex = tenantBlindIndex(tenantId);
    const email = req.actorEmail;
    const personTokens = email !== undefined ? actorEmailTokens(email, reveal ? blindIndex : undefined) : undefined;
    const result = await coldSearch(deps(), tenantId, req, personTokens ? { personTokens } : {});
    // The search is recorded with the address as its blind token, never in clear.
    const recorded = email !== undefined ? { ...req, actorEmail: recordedActorEmail(email, blindIndex) } : req;
    await recordArchiveSearch(requestCaller(request), tenantId, recorded, result);
    // The archive holds ciphertext; the tenant's readers get the personal values opened.
    return { ...result, entries: await entriesForReader(tenantId, result.entries, reveal) };
  });
}

/** Restores one archived day of the caller's tenant (tenant admin). */
export function handleRestoreArchiveDay(request: CallableRequest): Promise<CallableOutput<'restoreArchiveDay'>> {
  return runCallable('restoreArchiveDay', async () => {
    const admin = restoreTenant(callerOf(request));
    const input = parseRequest(restoreRequestSchema, request.data);
    return restoreDay(deps(), {
      tenantId: admin.tenantId,
      date: input.date,
      ...(input.holdDays !== undefined ? { holdDays: input.holdDays } : {}),
      actor: { type: 'user', id: admin.uid, ...(admin.email !== undefined ? { email: admin.email } : {}) },
    });
  });
}

/** Purges archives past cold retention on demand. */
export function handleRunArchivePurge(request: CallableRequest): Promise<CallableOutput<'runArchivePurge'>> {
  return runCallable('runArchivePurge', async () => {
    const input = parseRequest(runPurgeRequestSchema, request.data);
    const scope = jobScope(callerOf(request), input.tenantId);
    return runPurgeJob(deps(), scope !== null ? { tenantIds: [scope] } : {});
  });
}

// Jobs take a whole instance (DuckDB's memory limit plus /tmp staging fit 1 GiB once); searches
// share one, each with a small DuckDB.
const jobOptions = { region: REGION, memory: '1GiB', timeoutSeconds: 540, concurrency: 1 } as const;

export const runTiering = onCall(jobOptions, withFreshToken(handleRunTiering));
export const searchArchives = onCall(
  { region: REGION, memory: '1GiB', timeoutSeconds: 120, concurrency: 4 },
  withFreshToken(handleSearchArchives),
);
export const restoreArchiveDay = onCall(jobOptions, withFreshToken(handleRestoreArchiveDay));
export const runArchivePurge = onCall(jobOptions, withFreshToken(handleRunArchivePurge));

/** Daily at 02:00 UTC; stops starting new days 25 minutes in, the rest resumes the next day. */
export const tieringDaily = onSchedule(
  {
    schedule: '0 2 * * *',
    timeZone: 'UTC',
    region: REGION,
    memory: '1GiB',
    timeoutSeconds: 1800,
    concurrency: 1,
    retryCount: 0,
  },
  async () => {
    await runTieringJob(deps(), { deadlineMs: Date.now() + 25 * 60_000 });
  },
);

/** Daily at 04:00 UTC, after tiering. */
export const purgeArchivesDaily = onSchedule(
  { schedule: '0 4 * * *', timeZone: 'UTC', region: REGION, memory: '512MiB', timeoutSeconds: 540, retryCount: 0 },
  async () => {
    await runPurgeJob(deps());
  },
);
