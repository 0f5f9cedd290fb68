#!/usr/bin/env node
// Builds, into the git-ignored .emulators/ folder, the files firebase-tools would otherwise
// download: a launcher jar for the gcloud Firestore emulator, a launcher script for the gcloud
// Pub/Sub emulator and a stand-in for the Storage rules runtime. Idempotent: a file is rebuilt
// only when its inputs changed. Where the gcloud components are missing but the network works,
// firebase-tools downloads its own emulators; where neither works, it stops and says what is missing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { emulatorDir, projectRoot } from './paths.mjs';

const FIRESTORE_MAIN = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';

function sdkRoot() {
  if (process.env.CLOUDSDK_ROOT_DIR && existsSync(process.env.CLOUDSDK_ROOT_DIR)) {
    return process.env.CLOUDSDK_ROOT_DIR;
  }
  try {
    return execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

function has(command) {
  try {
    execFileSync(command, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes `content` to `file` only when it differs, so reruns do nothing. */
function writeIfChanged(file, content, mode) {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return false;
  writeFileSync(file, content);
  if (mode) chmodSync(file, mode);
  return true;
}

function buildFirestoreLauncher(root, binDir, workDir) {
  const gcloudJar = path.join(root, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar');
  if (!existsSync(gcloudJar)) return `Firestore emulator jar (${gcloudJar})`;
  const manifest = `Main-Class: ${FIRESTORE_MAIN}\nClass-Path: file:${gcloudJar}\n`;
  const manifestFile = path.join(workDir, 'firestore.manifest');
  const jar = path.join(binDir, 'firestore-launcher.jar');
  if (writeIfChanged(manifestFile, manifest) || !existsSync(jar)) {
    rmSync(jar, { force: true });
    execFileSync('jar', ['cfm', jar, manifestFile], { stdio: 'inherit' });
  }
  return null;
}

function buildPubSubLauncher(root, binDir) {
  const start = path.join(root, 'platform/pubsub-emulator/bin/cloud-pubsub-emulator');
  if (!existsSync(start)) return `Pub/Sub emulator (${start})`;
  writeIfChanged(path.join(binDir, 'pubsub-launcher.sh'), `#!/bin/sh\nexec "${start}" "$@"\n`, 0o755);
  return null;
}

function buildStorageRulesStandIn(binDir, workDir) {
  const source = path.join(projectRoot, 'tools/emulators/rules-runtime/RulesRuntimeStandIn.java');
  const digest = createHash('sha256').update(readFileSync(source)).digest('hex');
  const stamp = path.join(workDir, 'rules-runtime.sha256');
  const jar = path.join(binDir, 'storage-rules-runtime.jar');
  if (existsSync(jar) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  const classes = path.join(workDir, 'rules-runtime-classes');
  rmSync(classes, { recursive: true, force: true });
  mkdirSync(classes, { recursive: true });
  execFileSync('javac', ['-d', classes, source], { stdio: 'inherit' });
  rmSync(jar, { force: true });
  execFileSync('jar', ['cfe', jar, 'RulesRuntimeStandIn', '-C', classes, '.'], { stdio: 'inherit' });
  writeFileSync(stamp, digest);
}

async function networkReachable() {
  try {
    const res = await fetch('https://firebase.google.com/', {
      method: 'HEAD',
      signal: AbortSignal.timeout(4000),
    });
    return res.status > 0;
  } catch {
    return false;
  }
}

async function main() {
  const binDir = path.join(emulatorDir, 'bin');
  const workDir = path.join(emulatorDir, 'work');
  for (const dir of [binDir, workDir, path.join(emulatorDir, 'tmp'), path.join(emulatorDir, 'config')]) {
    mkdirSync(dir, { recursive: true });
  }
  const missing = [];
  if (!has('java')) missing.push('Java 17 or newer (`java` on PATH)');
  if (!has('javac')) missing.push('a JDK (`javac` and `jar` on PATH) to build the launchers');
  const root = sdkRoot();
  if (!root) missing.push('google-cloud-cli (`gcloud` on PATH)');
  if (missing.length === 0) {
    const absent = [buildFirestoreLauncher(root, binDir, workDir), buildPubSubLauncher(root, binDir)].filter(Boolean);
    missing.push(...absent);
    buildStorageRulesStandIn(binDir, workDir);
  }
  const mode = missing.length === 0 ? 'offline' : 'download';
  if (mode === 'download' && !(await networkReachable())) {
    console.error(
      [
        'Cannot prepare the Firebase emulators: these are missing and there is no network to download them:',
        ...missing.map((m) => `  - ${m}`),
        'Install the Debian packages google-cloud-cli, google-cloud-cli-firestore-emulator and',
        'google-cloud-cli-pubsub-emulator and a JDK 17 (openjdk-17-jdk-headless), then run `npm install` again.',
      ].join('\n'),
    );
    process.exit(1);
  }
  writeFileSync(path.join(emulatorDir, 'mode'), mode);
  if (mode === 'download') {
    console.warn(`[emulators] falling back to firebase-tools downloads; missing locally: ${missing.join('; ')}`);
  } else {
    console.log(`[emulators] offline launchers ready in ${path.relative(projectRoot, binDir)}/`);
  }
}

await main();
