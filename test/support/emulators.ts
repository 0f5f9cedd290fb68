import { PubSub } from '@google-cloud/pubsub';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';

export const PROJECT_ID = 'demo-auditlog';

/** Fails fast, with the fix, when a suite is run without the emulators around it. */
export function requireEmulators(...names: Array<'FIRESTORE' | 'PUBSUB' | 'FIREBASE_AUTH' | 'FIREBASE_STORAGE'>): void {
  const missing = names.filter((n) => !process.env[`${n}_EMULATOR_HOST`]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.map((n) => `${n}_EMULATOR_HOST`).join(', ')} not set: run this suite through ` +
        '`npm run test:emulator` (or node tools/emulators/exec.mjs "<command>").',
    );
  }
}

let app: App | undefined;
/** An Admin SDK app bound to the emulators, shared by the suite. */
export function adminApp(): App {
  requireEmulators('FIRESTORE');
  app ??= initializeApp({ projectId: PROJECT_ID }, `test-${process.pid}-${Date.now()}`);
  return app;
}

export function adminDb(): Firestore {
  return getFirestore(adminApp());
}

export async function closeAdminApp(): Promise<void> {
  if (app) await deleteApp(app);
  app = undefined;
}

let pubsub: PubSub | undefined;
export function pubsubClient(): PubSub {
  requireEmulators('PUBSUB');
  pubsub ??= new PubSub({ projectId: PROJECT_ID });
  return pubsub;
}

/**
 * Polls `probe` until it returns a value that `done` accepts, or fails after `timeoutMs` with
 * the last value seen. Tests wait on conditions, never on fixed sleeps.
 */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describeLast(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The last value a wait saw, for its time-out message: whole up to 8,000 characters (a stream's
 * gap list or a report runs past a few hundred, and the part cut off is the part that says why).
 */
function describeLast(last: unknown): string {
  const text = JSON.stringify(last) ?? String(last);
  return text.length <= 8_000 ? text : `${text.slice(0, 8_000)}… (${text.length} characters)`;
}

/** A tenant id unique to this run, so suites never see each other's data. */
export function uniqueTenant(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
