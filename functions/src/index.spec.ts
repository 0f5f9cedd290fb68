import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The function registry as Cloud Functions loads it: a fresh CommonJS process (tsx compiles the
// sources), FUNCTION_TARGET naming one function, and only that function's module graph loaded.

const functionsDir = path.resolve(__dirname, '..');

interface Loaded {
  names: string[];
  kind: string;
  packages: string[];
  /** Source folders of functions/src the process loaded (`domain`, `ingest`, `tiering`, ...). */
  folders: string[];
}

function load(target: string | undefined, exportName = target): Loaded {
  const script = `
    const index = require('./src/index.ts');
    const names = ${target === undefined ? 'Object.keys(index)' : '[]'};
    const fn = ${JSON.stringify(exportName ?? '')}.split('.').filter(Boolean).reduce((m, k) => m[k], index);
    const packages = new Set(Object.keys(require.cache)
      .map((f) => f.match(/node_modules\\/((@[^/]+\\/)?[^/]+)/)?.[1]).filter(Boolean));
    const folders = new Set(Object.keys(require.cache)
      .map((f) => f.match(/functions\\/src\\/([^/]+)\\//)?.[1]).filter(Boolean));
    process.stdout.write(JSON.stringify({ names, kind: typeof fn, packages: [...packages], folders: [...folders] }));`;
  const env: NodeJS.ProcessEnv = { ...process.env, GCLOUD_PROJECT: 'demo-unit' };
  delete env.FUNCTIONS_EMULATOR;
  delete env.FUNCTION_TARGET;
  if (target !== undefined) env.FUNCTION_TARGET = target;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: functionsDir, env });
  return JSON.parse(out.toString()) as Loaded;
}

const HEAVY = ['@duckdb/node-api', '@duckdb/node-bindings', 'pdfmake', 'echarts'];
/** The folders of the console API and the jobs: an ingest instance has no business loading them. */
const NOT_INGEST = [
  'access',
  'tiering',
  'analytics',
  'integrity',
  'verify',
  'export',
  'reports',
  'review',
  'settings',
  'operations',
  'streams',
  'sinks',
  'reactions',
];

describe('function registry', () => {
  it('lists every function for discovery, and no benchmark trigger outside the emulator', () => {
    const { names } = load(undefined);
    expect(names).toEqual(
      expect.arrayContaining(['ingestPubSub', 'ingestOutbox', 'capture', 'api', 'reactToEntry', 'tieringDaily']),
    );
    expect(names).toHaveLength(61);
    expect(names).not.toContain('benchBaselineIngest');
    expect(names).not.toContain('benchBaselineOutbox');
  }, 60_000);

  it.each([
    ['ingestPubSub', NOT_INGEST],
    ['ingestOutbox', NOT_INGEST],
    ['capture.repos', NOT_INGEST],
    // The HTTP API serves the stream watermarks and reads, besides ingest.
    ['api', ['tiering', 'export', 'reports', 'reactions', 'settings', 'operations', 'sinks']],
    ['reactToEntry', ['tiering', 'export', 'reports', 'settings', 'operations', 'streams', 'sinks', 'outbox', 'auth']],
  ])(
    'loads %s without DuckDB, pdfmake, echarts or the other functions',
    (target, foreign) => {
      const loaded = load(target);
      expect(loaded.kind).toBe('function');
      expect(loaded.packages).toContain('firebase-functions');
      expect(loaded.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
      expect(loaded.folders).toContain('domain');
      expect(loaded.folders.filter((f) => foreign.includes(f))).toEqual([]);
    },
    60_000,
  );

  it('loads a job with its own folder and not the ingest triggers', () => {
    const loaded = load('tieringDaily');
    expect(loaded.kind).toBe('function');
    expect(loaded.folders).toContain('tiering');
    expect(loaded.folders).not.toContain('outbox');
    expect(loaded.folders).not.toContain('capture');
  }, 60_000);
});
