#!/usr/bin/env node
// `npm start`: the whole audit log alive on one machine, offline. Takes the emulator lock, builds
// the model, the functions and the SDK, boots the Firebase emulators (which load the functions),
// seeds the demo organisations, runs the demo traffic, serves the console when web/ has one, and
// prints the URLs, the demo accounts and a live summary. Ctrl-C stops everything and exits 0.
// Environment: DEMO_RATE (demo actions per second, default 3), DEMO_HISTORY=0 (no imported
// history), AUDIT_FIREBASE_CONFIG (another emulator configuration than firebase.json, e.g. with
// other ports).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorEnv, PROJECT_ID } from './emulators/env.mjs';
import { emulatorDir, projectRoot } from './emulators/paths.mjs';
import {
  acquireLock,
  descendantsOf,
  isAlive,
  portOpen,
  signalGroup,
  waitForExit,
  waitForPids,
} from './start/processes.mjs';

const LOCK_FILE = '/tmp/firebase-audit-log-emulators.lock';
const EMULATORS = ['auth', 'firestore', 'pubsub', 'functions', 'storage'];
// The emulator configuration: firebase.json, or another file with other ports.
const CONFIG_FILE = path.resolve(projectRoot, process.env.AUDIT_FIREBASE_CONFIG ?? 'firebase.json');
const emulatorConfig = JSON.parse(readFileSync(CONFIG_FILE, 'utf8')).emulators;
const PORTS = {
  hub: emulatorConfig.hub?.port ?? 4400,
  logging: emulatorConfig.logging?.port ?? 4500,
  auth: emulatorConfig.auth.port,
  firestore: emulatorConfig.firestore.port,
  'firestore ws': emulatorConfig.firestore.websocketPort ?? 9150,
  pubsub: emulatorConfig.pubsub.port,
  functions: emulatorConfig.functions.port,
  storage: emulatorConfig.storage.port,
};
const CONSOLE_PORT = 4200;
const FUNCTIONS_URL = `http://127.0.0.1:${PORTS.functions}/${PROJECT_ID}/us-central1`;
const READY_TIMEOUT_MS = 240_000;
const logDir = path.join(emulatorDir, 'start');
const log = (name) => path.join(logDir, `${name}.log`);

/** Every child we start, by role, so shutdown can stop each one in order. */
const children = { lock: null, lockWait: [], build: null, firebase: null, web: null, demo: null };
let lock = null;
let stopping = false;

const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts a child in its own process group, its output appended to a log file (or inherited). */
function start(command, args, { cwd = projectRoot, env = process.env, logName } = {}) {
  const out = logName ? openSync(log(logName), 'w') : 'inherit';
  return spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
}

async function build() {
  say('Building the model, the functions and the publisher SDK…');
  children.build = start('npm', ['run', 'build'], { logName: 'build' });
  const code = await new Promise((resolve) => children.build.once('exit', (c) => resolve(c ?? 1)));
  children.build = null;
  if (code !== 0) throw new Error(`npm run build failed:\n${tail(log('build'))}`);
}

async function emulatorsReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stopping) return;
    const firebase = children.firebase;
    if (firebase.exitCode !== null || firebase.signalCode !== null) {
      throw new Error(`the emulators exited during start-up:\n${tail(log('emulators'))}`);
    }
    try {
      const running = await (await fetch(`http://127.0.0.1:${PORTS.hub}/emulators`)).json();
      const allUp = EMULATORS.every((name) => name in running);
      // The hub lists an emulator as soon as it listens; the functions are loaded when firebase
      // says all emulators are ready.
      if (allUp && tail(log('emulators'), 200).includes('All emulators ready')) return;
    } catch {
      // The hub is not up yet.
    }
    await sleep(500);
  }
  throw new Error(`the emulators were not ready after ${READY_TIMEOUT_MS / 1000} s:\n${tail(log('emulators'))}`);
}

async function startConsole() {
  const webDir = path.join(projectRoot, 'web');
  if (!existsSync(path.join(webDir, 'package.json'))) return;
  if (!existsSync(path.join(webDir, 'node_modules'))) {
    say(`Console: web/node_modules is missing; run \`npm install --prefix web\` to serve it next time.`);
    return;
  }
  children.web = start('npm', ['start'], { cwd: webDir, logName: 'console' });
  const deadline = Date.now() + 300_000;
  while (!stopping && Date.now() < deadline) {
    if (children.web.exitCode !== null) {
      say(`Console stopped during start-up; see ${path.relative(projectRoot, log('console'))}`);
      return;
    }
    if (await portOpen(CONSOLE_PORT)) {
      say(`Console ready: http://127.0.0.1:${CONSOLE_PORT}  (sign in with a demo account above)`);
      return;
    }
    await sleep(1000);
  }
}

function banner() {
  say('');
  say(`Audit log running on the Firebase emulators (project ${PROJECT_ID}, offline):`);
  say(`  Auth        http://127.0.0.1:${PORTS.auth}`);
  say(`  Firestore   http://127.0.0.1:${PORTS.firestore}`);
  say(`  Pub/Sub     127.0.0.1:${PORTS.pubsub}   topic audit-events`);
  say(`  Storage     http://127.0.0.1:${PORTS.storage}`);
  say(`  HTTP API    POST ${FUNCTIONS_URL}/api/v1/events   (OpenAPI: ${FUNCTIONS_URL}/api/v1/openapi.json)`);
  if (existsSync(path.join(projectRoot, 'web', 'package.json'))) {
    say(`  Console     http://127.0.0.1:${CONSOLE_PORT}   (starting…)`);
  }
  say(`  Logs        ${path.relative(projectRoot, logDir)}/{emulators,console,build}.log`);
  say('Press Ctrl-C to stop.');
  say('');
}

function startDemo() {
  const env = {
    ...process.env,
    GCLOUD_PROJECT: PROJECT_ID,
    FIRESTORE_EMULATOR_HOST: `127.0.0.1:${PORTS.firestore}`,
    PUBSUB_EMULATOR_HOST: `127.0.0.1:${PORTS.pubsub}`,
    FIREBASE_AUTH_EMULATOR_HOST: `127.0.0.1:${PORTS.auth}`,
    FIREBASE_STORAGE_EMULATOR_HOST: `127.0.0.1:${PORTS.storage}`,
    METADATA_SERVER_DETECTION: 'none',
  };
  const rate = process.env.DEMO_RATE ?? '3';
  // DEMO_HISTORY=0 leaves out the 120 days of imported history (and its tiering).
  const history = process.env.DEMO_HISTORY === '0' ? ['--no-history'] : [];
  const args = ['--import', 'tsx', 'tools/demo/main.ts', '--continuous', '--rate', rate, ...history];
  children.demo = start(process.execPath, args, { env });
  children.demo.once('exit', (code) => {
    if (!stopping) {
      say(`The demo traffic stopped unexpectedly (exit ${code}).`);
      void shutdown(1);
    }
  });
}

/** Stops one child group: a polite signal, then SIGKILL after `ms`. */
async function stopChild(child, signal, ms) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child.pid, signal);
  if (!(await waitForExit(child, ms))) {
    signalGroup(child.pid, 'SIGKILL');
    await waitForExit(child, 5_000);
  }
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say('\nStopping…');
  await stopChild(children.demo, 'SIGTERM', 15_000);
  await stopChild(children.web, 'SIGTERM', 10_000);
  await stopChild(children.build, 'SIGTERM', 5_000);
  const firebase = children.firebase;
  if (firebase && firebase.exitCode === null && firebase.signalCode === null) {
    // The Java emulators run in process groups of their own: note them before firebase-tools
    // stops them, to make sure afterwards that none is left behind.
    const spawned = descendantsOf(firebase.pid);
    firebase.kill('SIGINT');
    if (!(await waitForExit(firebase, 60_000))) signalGroup(firebase.pid, 'SIGKILL');
    let left = await waitForPids(spawned, 10_000);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    left = await waitForPids(left, 5_000);
    if (left.length > 0) say(`Could not stop processes ${left.join(', ')}.`);
  }
  for (const child of children.lockWait) if (isAlive(child.pid)) signalGroup(child.pid, 'SIGTERM');
  lock?.release();
  say(code === 0 ? 'Stopped.' : 'Stopped after an error.');
  process.exit(code);
}

async function main() {
  mkdirSync(logDir, { recursive: true });
  lock = await acquireLock(
    LOCK_FILE,
    () => say(`Another emulator run (tests or a benchmark) holds ${LOCK_FILE}; waiting for it to finish…`),
    (child) => children.lockWait.push(child),
  );
  if (stopping) return;
  const busy = [];
  for (const [name, port] of Object.entries(PORTS)) if (await portOpen(port)) busy.push(`${name} ${port}`);
  if (busy.length > 0) throw new Error(`ports already in use (${busy.join(', ')}): stop the other emulator run first`);

  await build();
  if (stopping) return;
  say(`Starting the emulators (${EMULATORS.join(', ')}); this takes 30-60 s…`);
  const firebase = path.join(projectRoot, 'node_modules/.bin/firebase');
  const args = ['emulators:start', '--config', CONFIG_FILE, '--only', EMULATORS.join(','), '--project', PROJECT_ID];
  children.firebase = start(firebase, args, {
    env: emulatorEnv(),
    logName: 'emulators',
  });
  await emulatorsReady();
  if (stopping) return;
  banner();
  startDemo();
  void startConsole();
}

// Ctrl-C under `npm start` arrives twice (from the terminal, and forwarded by npm): only a
// signal well after the first one is news.
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stopping) {
      if (Date.now() - firstSignalAt > 1000) say('Still stopping (the emulators take a few seconds)…');
      return;
    }
    firstSignalAt = Date.now();
    void shutdown(0);
  });
}
main().catch((err) => {
  if (stopping) return;
  say(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
