import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository (the Firebase project). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Git-ignored folder for emulator launchers, temp files and firebase-tools config. */
export const emulatorDir = path.join(projectRoot, '.emulators');
