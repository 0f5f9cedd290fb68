import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { sequencerOpeningAndClosingWith } from './test/support/sequencer';

// Unit specs run the model package from its TypeScript source, not its dist/: an edit is tested
// without a rebuild, and the packaging spec may rebuild dist/ while other specs run.
const MODEL_SOURCE = path.join(__dirname, 'packages/audit-model/src');
const MODEL_FROM_SOURCE = [
  { find: /^@audit-log\/model$/, replacement: `${MODEL_SOURCE}/index.ts` },
  { find: /^@audit-log\/model\/(.+)$/, replacement: `${MODEL_SOURCE}/$1.ts` },
];

// Every emulator-backed suite holds the development key-encryption key (tenants seal personal
// data by default, and suites run jobs that ingest in their own process).
const KEK_ENV = 'test/support/kek-env.ts';

// The emulator suites whose point is volume or sustained load: they run last, after every faster
// suite has had its say, in an emulator run of their own (`npm test` still runs them; `npm run
// test:load` runs them alone). The Firestore emulator answers a query by scanning the collection,
// every tenant's documents included: after the other suites `audit_logs` holds thousands of their
// entries, and there the reconciliation's burst stalled with the Firestore emulator at full CPU
// (600 s time-out), while on a fresh emulator it passes in about two minutes. Clearing the
// documents instead of starting afresh was tried: the load suites then took 330 s instead of
// 226 s (the emulators' processes keep what the earlier suites left) and the reconciliation's
// streams did not settle within their deadline.
const LOAD_TESTS = [
  'test/emulator/export-large.test.ts',
  'test/emulator/reconciliation.test.ts',
  'test/emulator/pubsub-hostile.test.ts',
  'test/emulator/http-rate-limit.test.ts',
  // 10,000 entries: every later suite's queries would scan them.
  'test/emulator/sinks-delivery.test.ts',
];

// The demo history's import opens the emulator suite and a later start over it closes the suite:
// by then the checkpoint grace period after the import (120 s) has passed while other files ran.
const OPENING_FILES = ['test/emulator/demo-history-import.test.ts'];
const CLOSING_FILES = ['test/emulator/demo-history-later-start.test.ts'];

// One runner, five suites. The emulator-backed suites (rules, emulator, e2e; then load) share an
// emulator run and its data, so each suite runs its files one at a time and every test works in
// tenants of its own. `npm test` runs, in one `firebase emulators:exec` run, two processes side
// by side: the rules suite (a Firestore project of its own) and then e2e, beside the emulator
// suite. Both work only in their own tenants, and every job they run is scoped to a tenant (a
// tenant admin's run covers only that tenant), so neither sees the other's data. Load runs in a
// second emulator run.
export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker (cores − 1): the unit specs would run one
    // file at a time. (The emulator-backed projects stay one file at a time, and projects without
    // file parallelism share one sequential group whatever this says: the rules and e2e suites run
    // beside the emulator suite as a second process, see package.json's test:emulators.)
    maxWorkers: 2,
    sequence: { sequencer: sequencerOpeningAndClosingWith(OPENING_FILES, CLOSING_FILES) },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['functions/src/**/*.spec.ts', 'packages/*/src/**/*.spec.ts', 'tools/**/*.spec.ts'],
          environment: 'node',
        },
        resolve: { alias: MODEL_FROM_SOURCE },
      },
      {
        test: {
          name: 'rules',
          setupFiles: [KEK_ENV],
          include: ['test/rules/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'emulator',
          setupFiles: [KEK_ENV],
          globalSetup: ['test/support/history-run.ts'],
          include: ['test/emulator/**/*.test.ts'],
          exclude: LOAD_TESTS,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Real Chromium against the served production build of the console (web/).
          name: 'e2e',
          setupFiles: [KEK_ENV],
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'load',
          setupFiles: [KEK_ENV],
          include: LOAD_TESTS,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
