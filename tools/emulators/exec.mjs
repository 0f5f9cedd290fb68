#!/usr/bin/env node
// The one emulator entry point for tests and benchmarks: starts the whole suite once with
// `firebase emulators:exec`, runs the given command against it, and exits with its status.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { emulatorEnv, PROJECT_ID } from './env.mjs';
import { projectRoot } from './paths.mjs';

export const EMULATORS = 'auth,firestore,pubsub,functions,storage';

const command = process.argv.slice(2).join(' ');
if (!command) {
  console.error('usage: node tools/emulators/exec.mjs "<command to run against the emulators>"');
  process.exit(2);
}
const firebase = path.join(projectRoot, 'node_modules/.bin/firebase');
const child = spawn(firebase, ['emulators:exec', '--only', EMULATORS, '--project', PROJECT_ID, command], {
  cwd: projectRoot,
  env: emulatorEnv(),
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
