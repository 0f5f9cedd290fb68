import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { emulatorDir } from './paths.mjs';

export const PROJECT_ID = 'demo-auditlog';

/**
 * A temp folder for one emulator run alone, removed when this process exits. The Storage emulator
 * keeps its blobs in `$TMPDIR/firebase/storage/blobs` and deletes that folder when it stops, and
 * the Functions emulator leaves one socket per worker there: two runs sharing a TMPDIR (two suites
 * side by side) would delete each other's files.
 */
export function runTempDir() {
  const parent = path.join(emulatorDir, 'tmp');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'run-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Environment for every process that runs firebase-tools: the offline launchers (unless setup
 * fell back to downloads), no update checks, no metadata-server probing, and temp/config files
 * kept inside the project, temp files in a folder of this run's own.
 */
export function emulatorEnv(base = process.env) {
  const bin = path.join(emulatorDir, 'bin');
  const modeFile = path.join(emulatorDir, 'mode');
  const offline = !existsSync(modeFile) || readFileSync(modeFile, 'utf8').trim() === 'offline';
  const env = {
    ...base,
    NO_UPDATE_NOTIFIER: '1',
    METADATA_SERVER_DETECTION: 'none',
    FIREBASE_CLI_DISABLE_UPDATE_CHECK: '1',
    GCLOUD_PROJECT: PROJECT_ID,
    TMPDIR: runTempDir(),
    XDG_CONFIG_HOME: path.join(emulatorDir, 'config'),
    // Seconds a new function worker may take to start before the Functions emulator abandons the
    // delivery (default 30): under a burst on two cores, starts take longer than that.
    FUNCTIONS_DISCOVERY_TIMEOUT: base.FUNCTIONS_DISCOVERY_TIMEOUT ?? '180',
  };
  if (offline) {
    env.FIRESTORE_EMULATOR_BINARY_PATH = path.join(bin, 'firestore-launcher.jar');
    env.PUBSUB_EMULATOR_BINARY_PATH = path.join(bin, 'pubsub-launcher.sh');
    env.STORAGE_EMULATOR_BINARY_PATH = path.join(bin, 'storage-rules-runtime.jar');
  }
  return env;
}
