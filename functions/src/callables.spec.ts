import type { CallableInput, CallableName } from '@audit-log/model/callables';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { markNotificationsReadInputSchema, runWebhookRetriesInputSchema } from './domain/alerts';
import type { createApiKeyInputSchema, revokeApiKeyInputSchema } from './domain/api';
import type {
  coldSearchRequestSchema,
  restoreRequestSchema,
  runPurgeRequestSchema,
  runTieringRequestSchema,
} from './domain/archive';
import type { runCheckpointsRequestSchema, runIntegrityCheckRequestSchema } from './domain/integrity';
import type { runRollupsRequestSchema } from './domain/analytics';
import type {
  downloadRequestSchema,
  exportFilterSchema,
  generateReportRequestSchema,
  jobIdRequestSchema,
  startExportRequestSchema,
  startSubjectAccessExportSchema,
} from './domain/export';
import type { ingestHealthInputSchema, listOutboxInputSchema, replayDeadLetterInputSchema } from './domain/operations';
import type {
  assignReviewerInputSchema,
  confirmReviewInputSchema,
  decideReviewInputSchema,
  runEscalationInputSchema,
} from './domain/review';
import type { entryProofInputSchema } from './domain/integrity/entry-proof';
import type { recordAccessSchema } from './domain/access';
import type {
  approveErasureInputSchema,
  personSearchTokensInputSchema,
  requestErasureInputSchema,
  revealEntriesInputSchema,
} from './domain/privacy';
import type { getTenantSettingsInputSchema, updateTenantSettingsInputSchema } from './domain/settings';
import type {
  createSinkInputSchema,
  replaySinkInputSchema,
  runSinksInputSchema,
  sinkIdInputSchema,
} from './domain/sinks';

// The callable map of `@audit-log/model/callables` against what the functions really are: the
// callables the registry exports (read at run time, as function discovery reads it) and the
// schemas each callable validates its request with (checked by the compiler).

/** Every name of the map. A name missing here, or one the map lacks, does not compile. */
const MAPPED: Record<CallableName, true> = {
  createApiKey: true,
  revokeApiKey: true,
  assignReviewer: true,
  decideReview: true,
  confirmReview: true,
  runReviewEscalation: true,
  startExport: true,
  cancelExport: true,
  createDownloadLink: true,
  generateReport: true,
  runExportSweep: true,
  runTiering: true,
  searchArchives: true,
  restoreArchiveDay: true,
  runArchivePurge: true,
  runCheckpoints: true,
  runRollups: true,
  runIntegrityCheck: true,
  updateTenantSettings: true,
  getTenantSettings: true,
  replayDeadLetter: true,
  ingestHealth: true,
  listOutbox: true,
  runWebhookRetries: true,
  rotateWebhookSecret: true,
  markNotificationsRead: true,
  entryProof: true,
  recordAccess: true,
  createSink: true,
  pauseSink: true,
  resumeSink: true,
  replaySink: true,
  deleteSink: true,
  runSinks: true,
  requestErasure: true,
  approveErasure: true,
  revealEntries: true,
  startSubjectAccessExport: true,
  personSearchTokens: true,
};

interface Registry {
  /** Exported names (groups as `group.name`) with the kinds of trigger they declare. */
  triggers: Record<string, string[]>;
}

/** Loads the registry in a fresh CommonJS process, as Cloud Functions does, and reads each trigger. */
function loadRegistry(): Registry {
  const script = `
    const index = require('./src/index.ts');
    const triggers = {};
    const visit = (prefix, value) => {
      const endpoint = value && value.__endpoint;
      if (endpoint) {
        triggers[prefix] = Object.keys(endpoint).filter((k) => k.endsWith('Trigger'));
      } else if (value && typeof value === 'object') {
        for (const key of Object.keys(value)) visit(prefix + '.' + key, value[key]);
      } else {
        triggers[prefix] = [];
      }
    };
    for (const name of Object.keys(index)) visit(name, index[name]);
    process.stdout.write(JSON.stringify({ triggers }));`;
  const env: NodeJS.ProcessEnv = { ...process.env, GCLOUD_PROJECT: 'demo-unit' };
  delete env.FUNCTIONS_EMULATOR;
  delete env.FUNCTION_TARGET;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: path.resolve(__dirname, '..'),
    env,
  });
  return JSON.parse(out.toString()) as Registry;
}

describe('callable map', () => {
  let triggers: Registry['triggers'] = {};
  let callables: string[] = [];
  beforeAll(() => {
    triggers = loadRegistry().triggers;
    callables = Object.keys(triggers).filter((name) => triggers[name]!.includes('callableTrigger'));
  }, 60_000);

  it('reads every export of the registry as a trigger, callables among them', () => {
    expect(Object.values(triggers).every((kinds) => kinds.length === 1)).toBe(true);
    expect(callables).toEqual(expect.arrayContaining(['startExport', 'decideReview', 'getTenantSettings']));
    expect(triggers['downloadExport']).toEqual(['httpsTrigger']);
  });

  it('has an entry for every callable the functions export', () => {
    expect(callables.filter((name) => !(name in MAPPED))).toEqual([]);
  });

  it('names only callables the functions export', () => {
    expect(Object.keys(MAPPED).filter((name) => !callables.includes(name))).toEqual([]);
    expect(callables).toHaveLength(Object.keys(MAPPED).length);
  });
});

// ---- Requests: each map request is its schema's input, field for field -----------------------

/** True when A and B accept the same values (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** True when both are. */
type And<A extends boolean, B extends boolean> = A extends true ? B : false;
/** True when every A is a B. */
type Within<A, B> = [A] extends [B] ? true : false;

type In<S extends z.ZodType> = z.input<S>;

/** A failing line names the callable whose request type and schema differ. */
const requestsMatchSchemas: {
  [N in CallableName]: true;
} = {
  createApiKey: true satisfies Same<CallableInput<'createApiKey'>, In<typeof createApiKeyInputSchema>>,
  revokeApiKey: true satisfies Same<CallableInput<'revokeApiKey'>, In<typeof revokeApiKeyInputSchema>>,
  assignReviewer: true satisfies Same<CallableInput<'assignReviewer'>, In<typeof assignReviewerInputSchema>>,
  decideReview: true satisfies Same<CallableInput<'decideReview'>, In<typeof decideReviewInputSchema>>,
  confirmReview: true satisfies Same<CallableInput<'confirmReview'>, In<typeof confirmReviewInputSchema>>,
  runReviewEscalation: true satisfies Same<CallableInput<'runReviewEscalation'>, In<typeof runEscalationInputSchema>>,
  // The schema takes the filter as unknown and parses it apart with its own schema.
  startExport: true satisfies And<
    Same<Omit<CallableInput<'startExport'>, 'filter'>, Omit<In<typeof startExportRequestSchema>, 'filter'>>,
    Same<NonNullable<CallableInput<'startExport'>['filter']>, In<typeof exportFilterSchema>>
  >,
  cancelExport: true satisfies Same<CallableInput<'cancelExport'>, In<typeof jobIdRequestSchema>>,
  createDownloadLink: true satisfies Same<CallableInput<'createDownloadLink'>, In<typeof downloadRequestSchema>>,
  generateReport: true satisfies Same<CallableInput<'generateReport'>, In<typeof generateReportRequestSchema>>,
  runExportSweep: true satisfies Same<CallableInput<'runExportSweep'>, In<typeof runEscalationInputSchema>>,
  runTiering: true satisfies Same<CallableInput<'runTiering'>, In<typeof runTieringRequestSchema>>,
  searchArchives: true satisfies Same<CallableInput<'searchArchives'>, In<typeof coldSearchRequestSchema>>,
  restoreArchiveDay: true satisfies Same<CallableInput<'restoreArchiveDay'>, In<typeof restoreRequestSchema>>,
  runArchivePurge: true satisfies Same<CallableInput<'runArchivePurge'>, In<typeof runPurgeRequestSchema>>,
  runCheckpoints: true satisfies Same<CallableInput<'runCheckpoints'>, In<typeof runCheckpointsRequestSchema>>,
  runIntegrityCheck: true satisfies Same<CallableInput<'runIntegrityCheck'>, In<typeof runIntegrityCheckRequestSchema>>,
  runRollups: true satisfies Same<CallableInput<'runRollups'>, In<typeof runRollupsRequestSchema>>,
  updateTenantSettings: true satisfies Same<
    CallableInput<'updateTenantSettings'>,
    In<typeof updateTenantSettingsInputSchema>
  >,
  getTenantSettings: true satisfies Same<CallableInput<'getTenantSettings'>, In<typeof getTenantSettingsInputSchema>>,
  replayDeadLetter: true satisfies Same<CallableInput<'replayDeadLetter'>, In<typeof replayDeadLetterInputSchema>>,
  ingestHealth: true satisfies Same<CallableInput<'ingestHealth'>, In<typeof ingestHealthInputSchema>>,
  listOutbox: true satisfies Same<CallableInput<'listOutbox'>, In<typeof listOutboxInputSchema>>,
  runWebhookRetries: true satisfies Same<CallableInput<'runWebhookRetries'>, In<typeof runWebhookRetriesInputSchema>>,
  // Reads nothing from its request.
  rotateWebhookSecret: true satisfies Same<CallableInput<'rotateWebhookSecret'>, Record<string, never>>,
  // The schema's refinement (ids or all, not both) is what the map's union spells out.
  markNotificationsRead: true satisfies Within<
    CallableInput<'markNotificationsRead'>,
    In<typeof markNotificationsReadInputSchema>
  >,
  entryProof: true satisfies Same<CallableInput<'entryProof'>, In<typeof entryProofInputSchema>>,
  recordAccess: true satisfies Same<CallableInput<'recordAccess'>, In<typeof recordAccessSchema>>,
  createSink: true satisfies Same<CallableInput<'createSink'>, In<typeof createSinkInputSchema>>,
  pauseSink: true satisfies Same<CallableInput<'pauseSink'>, In<typeof sinkIdInputSchema>>,
  resumeSink: true satisfies Same<CallableInput<'resumeSink'>, In<typeof sinkIdInputSchema>>,
  replaySink: true satisfies Same<CallableInput<'replaySink'>, In<typeof replaySinkInputSchema>>,
  deleteSink: true satisfies Same<CallableInput<'deleteSink'>, In<typeof sinkIdInputSchema>>,
  runSinks: true satisfies Same<CallableInput<'runSinks'>, In<typeof runSinksInputSchema>>,
  requestErasure: true satisfies Same<CallableInput<'requestErasure'>, In<typeof requestErasureInputSchema>>,
  approveErasure: true satisfies Same<CallableInput<'approveErasure'>, In<typeof approveErasureInputSchema>>,
  revealEntries: true satisfies Same<CallableInput<'revealEntries'>, In<typeof revealEntriesInputSchema>>,
  startSubjectAccessExport: true satisfies Same<
    CallableInput<'startSubjectAccessExport'>,
    In<typeof startSubjectAccessExportSchema>
  >,
  personSearchTokens: true satisfies Same<
    CallableInput<'personSearchTokens'>,
    In<typeof personSearchTokensInputSchema>
  >,
};
void requestsMatchSchemas;
