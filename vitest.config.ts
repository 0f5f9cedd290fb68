import { defineConfig } from 'vitest/config';

// The emulator suites whose point is volume or sustained load: they run last, after every faster
// suite has had its say (`npm test` still runs them; `npm run test:load` runs them alone).
const LOAD_TESTS = [
  'test/emulator/export-large.test.ts',
  'test/emulator/reconciliation.test.ts',
  'test/emulator/pubsub-hostile.test.ts',
  'test/emulator/http-rate-limit.test.ts',
];

// One runner, five suites. The emulator-backed suites (rules, emulator, e2e, load) share one
// emulator run and its data, so their files run one at a time and every test works in tenants of
// its own; `npm test` runs them in that order inside one `firebase emulators:exec`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['functions/src/**/*.spec.ts', 'packages/*/src/**/*.spec.ts', 'tools/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'rules',
          include: ['test/rules/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'emulator',
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
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'load',
          include: LOAD_TESTS,
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
