import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { emulatorDir } from './paths.mjs';

export const PROJECT_ID = 'demo-auditlog';

/**
 * Environment for every process that runs firebase-tools: the offline launchers (unless setup
 * fell back to downloads), no update checks, no metadata-server probing, and temp/config files
 * kept inside the project.
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
    TMPDIR: path.join(emulatorDir, 'tmp'),
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
