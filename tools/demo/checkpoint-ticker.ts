import type { CheckpointRunReport, RollupRunReport } from '@audit-log/model/callables';
import { callCallable, signInWithPassword } from './emulator-rest';
import { DEMO_PASSWORD, type DemoWorld } from './world';

/** ID tokens last an hour; a fresh sign-in well before that keeps every call authorised. */
const TOKEN_REFRESH_MS = 45 * 60_000;
const FIRST_RUN_AFTER_MS = 150_000;

/**
 * The emulators run no Cloud Scheduler, so `checkpointsScheduled` never fires under `npm start`.
 * This stands in for it: as the demo's platform admin it calls `runCheckpoints` for all tenants
 * once shortly after start and then every interval, as the schedule would. The console's
 * Integrity page and `npx audit-verify` then find the demo's entries signed, as they would in a
 * deployed project. Each tick also refreshes today's daily rollup (`runRollups`), which
 * `rollupsDaily` would only complete after midnight, so the dashboard's trends show live traffic.
 * Returns a function that stops it.
 */
export function startCheckpointTicker(world: DemoWorld, intervalMs: number, log: (line: string) => void): () => void {
  const admin = world.users.find((u) => u.platformAdmin);
  if (!admin) throw new Error('the demo world has no platform admin to run checkpoints as');
  let token: { idToken: string; at: number } | null = null;
  let running = false;

  async function idToken(): Promise<string> {
    if (token && Date.now() - token.at < TOKEN_REFRESH_MS) return token.idToken;
    const signedIn = await signInWithPassword(admin!.email, DEMO_PASSWORD);
    if (!signedIn.ok) throw new Error(`platform admin sign-in failed: ${signedIn.code}`);
    token = { idToken: signedIn.idToken, at: Date.now() };
    return token.idToken;
  }

  async function tick(): Promise<void> {
    // A run that outlasts the interval (a long backlog) is not started twice.
    if (running) return;
    running = true;
    try {
      const report = await callCallable<CheckpointRunReport>('runCheckpoints', {}, await idToken());
      const late = report.lateEntries.length > 0 ? `, ${report.lateEntries.length} late-entry reports` : '';
      const failed = report.failures.length > 0 ? `, ${report.failures.length} tenants failed` : '';
      log(`Checkpoints: ${report.checkpoints.length} signed across ${report.tenants} tenants${late}${failed}.`);
      // Today's rollup, so the dashboard's trends include the live traffic (the daily schedule
      // would only finish it after midnight).
      const today = new Date().toISOString().slice(0, 10);
      await callCallable<RollupRunReport>('runRollups', { from: today, to: today }, await idToken());
    } catch (err) {
      log(`Checkpoints: run failed (${err instanceof Error ? err.message : String(err)}); next try in one interval.`);
    } finally {
      running = false;
    }
  }

  // The first run waits out the job's grace period (120 s), so it signs the freshly seeded traffic.
  let timer: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    void tick();
    timer = setInterval(() => void tick(), intervalMs);
  }, FIRST_RUN_AFTER_MS);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
