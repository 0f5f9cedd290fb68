// When the tiering job tries a day again, and in which order it serves tenants. A day that fails
// (or kills the process: an out-of-memory crash cannot be caught, so an attempt counts from the
// moment it starts) waits longer after each attempt, so it is not retried first on every run;
// tenants are served least recently started first, so one whose work crashes the run goes to the
// back of the line and cannot starve the tenants after it run after run.

/** Consecutive attempts of a day that did not finish, and when the last one started. */
export interface DayAttempts {
  attempts: number;
  lastAttemptAtMs: number | null;
}

const HOUR_MS = 3_600_000;
/** The wait after the first unfinished attempt: the daily run after it tries again. */
export const DAY_RETRY_FIRST_DELAY_MS = 6 * HOUR_MS;
/** The longest wait: a day that keeps failing is still tried once a week. */
export const DAY_RETRY_MAX_DELAY_MS = 7 * 24 * HOUR_MS;

/** 6 h, 12 h, 24 h, 48 h, 96 h, then a week, after 1, 2, 3, ... unfinished attempts. */
export function dayRetryDelayMs(attempts: number): number {
  if (attempts <= 0) return 0;
  return Math.min(DAY_RETRY_FIRST_DELAY_MS * 2 ** (attempts - 1), DAY_RETRY_MAX_DELAY_MS);
}

/** When a day may be attempted again (null: now). */
export function dayDueAtMs(state: DayAttempts): number | null {
  if (state.attempts <= 0 || state.lastAttemptAtMs === null) return null;
  return state.lastAttemptAtMs + dayRetryDelayMs(state.attempts);
}

/** Tenants least recently started first (never started: first of all), ties by id. */
export function fairTenantOrder(tenantIds: readonly string[], lastStartedAtMs: ReadonlyMap<string, number>): string[] {
  return [...tenantIds].sort(
    (a, b) => (lastStartedAtMs.get(a) ?? 0) - (lastStartedAtMs.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
  );
}
