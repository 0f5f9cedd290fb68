import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The SDK as a producer outside this repository gets it: `npm pack` of the model and the client,
 * both tarballs installed into a scratch project, the client loaded from there. This catches what
 * the workspace links hide: a file missing from `files`, an `exports` entry that points nowhere, a
 * dependency only the workspace provides, an import that reaches outside the package.
 */

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../..');
// Packing builds both packages (their prepack scripts) and installing takes a few seconds more.
const SETUP_TIMEOUT_MS = 180_000;
// Each check starts a Node process, which takes seconds while the other unit specs load the cores.
const CHECK_TIMEOUT_MS = 30_000;

let scratch: string;

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', [...args, '--no-audit', '--no-fund'], { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Packs one workspace into `into` and returns the tarball's path. */
async function pack(workspace: string, into: string): Promise<string> {
  const output = await npm(['pack', '--workspace', workspace, '--pack-destination', into, '--json'], repoRoot);
  const [{ filename }] = JSON.parse(output) as [{ filename: string }];
  return path.join(into, path.basename(filename));
}

/** Installs from the local npm cache when it holds everything (no network), else from the registry. */
async function install(tarballs: string[], cwd: string): Promise<void> {
  try {
    await npm(['install', '--offline', ...tarballs], cwd);
  } catch {
    await npm(['install', '--prefer-offline', ...tarballs], cwd);
  }
}

/** Runs a script in the scratch project and returns what it printed, parsed as JSON. */
async function inScratch(script: string, type: 'commonjs' | 'module'): Promise<unknown> {
  const { stdout } = await run('node', [`--input-type=${type}`, '--eval', script], { cwd: scratch });
  return JSON.parse(stdout) as unknown;
}

const EVENT = {
  specVersion: '1.0',
  eventId: 'e-1',
  eventType: 'repo.created',
  tenantId: 'acme',
  occurredAt: '2024-01-01T00:00:00Z',
  source: 'repo-service',
  actor: { type: 'user', id: 'u-1' },
  resource: { type: 'repository', id: 'r-1' },
  changes: { before: null, after: { name: 'widgets' } },
};

describe('the packed SDK, installed outside the repository', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'audit-client-install-'));
    const tarballs = [await pack('@audit-log/model', scratch), await pack('@audit-log/client', scratch)];
    await writeFile(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    await install(tarballs, scratch);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it(
    'validates an event when required',
    async () => {
      const result = await inScratch(
        `const { validateEvent, RejectionError } = require('@audit-log/client');
       const valid = validateEvent(${JSON.stringify(EVENT)}, new Date('2024-01-02T00:00:00Z'));
       let rejected;
       try { validateEvent({ ...valid, tenantId: '' }); } catch (err) {
         rejected = err instanceof RejectionError ? err.errors.map((e) => e.path) : String(err);
       }
       console.log(JSON.stringify({ operation: valid.operation, outcome: valid.outcome, rejected }));`,
        'commonjs',
      );
      expect(result).toEqual({ operation: 'CREATE', outcome: 'success', rejected: ['tenantId'] });
    },
    CHECK_TIMEOUT_MS,
  );

  it(
    'builds and validates an event when imported as ES module',
    async () => {
      const result = await inScratch(
        `import { EventFactory, OUTBOX_COLLECTION } from '@audit-log/client';
       const factory = new EventFactory({ source: 'repo-service', sequences: false });
       const event = factory.events.repoCreated({ tenantId: 'acme', actor: { type: 'user', id: 'u-1' },
         resource: { type: 'repository', id: 'r-1' } });
       console.log(JSON.stringify({ eventType: event.eventType, operation: event.operation, OUTBOX_COLLECTION }));`,
        'module',
      );
      expect(result).toEqual({ eventType: 'repo.created', operation: 'CREATE', OUTBOX_COLLECTION: 'audit_outbox' });
    },
    CHECK_TIMEOUT_MS,
  );
});
