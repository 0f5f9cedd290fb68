import type { TestProject } from 'vitest/node';
import { uniqueTenant } from './emulators';

// The demo history's tenants, named once per test run: the import (run first) and a later start
// (run last) work on the same history, so the later start finds the import's grace period long
// past instead of waiting it out. Either file alone still works: the later start imports what
// it does not find.

declare module 'vitest' {
  export interface ProvidedContext {
    /** The prefix of the demo history's tenants in this run. */
    historyPrefix: string;
  }
}

export default function provideHistoryPrefix(project: TestProject): void {
  project.provide('historyPrefix', uniqueTenant('hist'));
}
