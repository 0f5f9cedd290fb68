/**
 * Running the reactions to one stored entry (repeated-denials anomaly, alerts, review deadline)
 * in one trigger invocation instead of one trigger each. Pure: the reactions and the completion
 * ledger are passed in, so the rules below are unit-tested without Firebase.
 *
 * - All due reactions start at once: a slow one (a webhook waits inline for a few seconds) does
 *   not hold back the others' effects, and one failing does not stop the others.
 * - A failure is reported back so the adapter rethrows and the platform redelivers the event.
 *   On that redelivery every reaction runs again unless the ledger says it completed.
 * - Most reactions are repeat-safe (deterministic ids written with `create()`, transactions that
 *   leave an existing value alone): running them again after they completed changes nothing, so
 *   they need no ledger. A reaction that is not (the anomaly counter counts every denial past the
 *   threshold, without keeping its id) has its completion recorded in the ledger when a sibling
 *   fails, and the ledger is read only for entries such a reaction is due for, so the common path
 *   costs no extra read or write.
 */

/** The reactions to a stored entry, named in log lines and in the ledger. */
export const REACTION_NAMES = ['anomaly', 'alerts', 'review-deadline'] as const;
export type ReactionName = (typeof REACTION_NAMES)[number];

/** One reaction, bound to the entry it reacts to. */
export interface DueReaction {
  readonly name: ReactionName;
  /** Running it again after it completed has no further effect. */
  readonly repeatSafe: boolean;
  run(): Promise<unknown>;
}

/** Durable record of the reactions that completed for an entry, kept across redeliveries. */
export interface CompletionLedger {
  completed(logId: string): Promise<readonly ReactionName[]>;
  /** Adds to what is recorded (never removes). */
  record(logId: string, names: readonly ReactionName[]): Promise<void>;
}

export interface ReactionFailure {
  name: ReactionName;
  error: unknown;
}

export interface ReactionsReport {
  /** Completed by this run. */
  completed: ReactionName[];
  /** Skipped because the ledger says an earlier delivery completed them. */
  skipped: ReactionName[];
  failed: ReactionFailure[];
  /** Set when the completions of a failed run could not be recorded (they will run again). */
  ledgerError?: unknown;
}

/** Thrown by the trigger when any reaction failed, so the event is delivered again. */
export class ReactionsFailedError extends Error {
  override readonly name = 'ReactionsFailedError';
  constructor(
    readonly logId: string,
    readonly failures: readonly ReactionFailure[],
  ) {
    super(`reactions to ${logId} failed: ${failures.map((f) => `${f.name} (${String(f.error)})`).join('; ')}`, {
      cause: failures[0]?.error,
    });
  }
}

/** The reaction names a stored ledger value lists (anything else in it is ignored). */
export function ledgerNames(value: unknown): ReactionName[] {
  if (!Array.isArray(value)) return [];
  return REACTION_NAMES.filter((name) => value.includes(name));
}

/**
 * Runs the due reactions of one entry concurrently and reports what happened; never throws for
 * a reaction's failure (the caller decides), only when the ledger cannot be read (nothing has
 * run then, so the whole delivery can simply be retried).
 */
export async function runReactions(
  logId: string,
  due: readonly DueReaction[],
  ledger: CompletionLedger,
): Promise<ReactionsReport> {
  const needsLedger = due.some((r) => !r.repeatSafe);
  const done = needsLedger ? await ledger.completed(logId) : [];
  const skipped = due.filter((r) => done.includes(r.name)).map((r) => r.name);
  const pending = due.filter((r) => !done.includes(r.name));
  // Each reaction is started inside its own promise, so even one that throws synchronously only
  // fails itself.
  const results = await Promise.allSettled(pending.map((r) => Promise.resolve().then(() => r.run())));
  const report: ReactionsReport = { completed: [], skipped, failed: [] };
  results.forEach((result, i) => {
    const name = pending[i]!.name;
    if (result.status === 'fulfilled') report.completed.push(name);
    else report.failed.push({ name, error: result.reason });
  });
  if (report.failed.length > 0 && needsLedger && report.completed.length > 0) {
    try {
      await ledger.record(logId, report.completed);
    } catch (err) {
      report.ledgerError = err;
    }
  }
  return report;
}
