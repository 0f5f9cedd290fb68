import { describe, expect, it } from 'vitest';
import {
  ReactionsFailedError,
  ledgerNames,
  runReactions,
  type CompletionLedger,
  type DueReaction,
  type ReactionName,
} from './reactions';

/** An in-memory ledger with the real interface. */
class MemoryLedger implements CompletionLedger {
  readonly done = new Map<string, Set<ReactionName>>();
  reads = 0;
  writes = 0;
  failWrites = false;
  completed(logId: string): Promise<readonly ReactionName[]> {
    this.reads++;
    return Promise.resolve([...(this.done.get(logId) ?? [])]);
  }
  record(logId: string, names: readonly ReactionName[]): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error('ledger unavailable'));
    this.writes++;
    const set = this.done.get(logId) ?? new Set();
    for (const n of names) set.add(n);
    this.done.set(logId, set);
    return Promise.resolve();
  }
}

/** A reaction that counts its effects, and fails while `failing` is set. */
function counting(name: ReactionName, repeatSafe: boolean) {
  const state = { runs: 0, failing: false };
  const reaction: DueReaction = {
    name,
    repeatSafe,
    run: () => {
      if (state.failing) return Promise.reject(new Error(`${name} unavailable`));
      state.runs++;
      return Promise.resolve();
    },
  };
  return { reaction, state };
}

describe('runReactions', () => {
  it('runs every due reaction concurrently: one waiting on another does not deadlock', async () => {
    let reviewDone!: () => void;
    const reviewed = new Promise<void>((resolve) => (reviewDone = resolve));
    const order: string[] = [];
    const due: DueReaction[] = [
      // Started first, finishes only after the review reaction's effect: sequential running would hang.
      { name: 'alerts', repeatSafe: true, run: () => reviewed.then(() => order.push('alerts')) },
      {
        name: 'review-deadline',
        repeatSafe: true,
        run: () => {
          order.push('review-deadline');
          reviewDone();
          return Promise.resolve();
        },
      },
    ];
    const report = await runReactions('log-1', due, new MemoryLedger());
    expect(order).toEqual(['review-deadline', 'alerts']);
    expect(report).toEqual({ completed: ['alerts', 'review-deadline'], skipped: [], failed: [] });
  });

  it('lets the others complete when one fails, synchronously or not, and reports the failure', async () => {
    const anomaly = counting('anomaly', true);
    const throwing: DueReaction = {
      name: 'alerts',
      repeatSafe: true,
      run: () => {
        throw new Error('boom');
      },
    };
    const review = counting('review-deadline', true);
    const report = await runReactions('log-1', [anomaly.reaction, throwing, review.reaction], new MemoryLedger());
    expect(report.completed).toEqual(['anomaly', 'review-deadline']);
    expect(report.failed.map((f) => [f.name, String(f.error)])).toEqual([['alerts', 'Error: boom']]);
    expect([anomaly.state.runs, review.state.runs]).toEqual([1, 1]);
  });

  it('records a failed run and skips on redelivery what completed, when a reaction is not repeat-safe', async () => {
    const ledger = new MemoryLedger();
    const anomaly = counting('anomaly', false);
    const alerts = counting('alerts', true);
    const review = counting('review-deadline', true);
    const due = [anomaly.reaction, alerts.reaction, review.reaction];
    review.state.failing = true;

    const first = await runReactions('log-1', due, ledger);
    expect(first.failed.map((f) => f.name)).toEqual(['review-deadline']);
    expect([...ledger.done.get('log-1')!]).toEqual(['anomaly', 'alerts']);

    review.state.failing = false;
    const redelivered = await runReactions('log-1', due, ledger);
    expect(redelivered).toEqual({ completed: ['review-deadline'], skipped: ['anomaly', 'alerts'], failed: [] });
    expect([anomaly.state.runs, alerts.state.runs, review.state.runs]).toEqual([1, 1, 1]);
    // A successful run writes nothing: the ledger is for retries only.
    expect(ledger.writes).toBe(1);
  });

  it('neither reads nor writes the ledger when every due reaction is repeat-safe', async () => {
    const ledger = new MemoryLedger();
    const alerts = counting('alerts', true);
    const review = counting('review-deadline', true);
    alerts.state.failing = true;
    const report = await runReactions('log-1', [alerts.reaction, review.reaction], ledger);
    expect(report.failed.map((f) => f.name)).toEqual(['alerts']);
    expect([ledger.reads, ledger.writes]).toEqual([0, 0]);
  });

  it('reports a ledger that cannot be written, so the caller can log that completed reactions will repeat', async () => {
    const ledger = new MemoryLedger();
    ledger.failWrites = true;
    const anomaly = counting('anomaly', false);
    const review = counting('review-deadline', true);
    review.state.failing = true;
    const report = await runReactions('log-1', [anomaly.reaction, review.reaction], ledger);
    expect(String(report.ledgerError)).toBe('Error: ledger unavailable');
    expect(report.completed).toEqual(['anomaly']);
  });
});

describe('ReactionsFailedError and ledgerNames', () => {
  it('names every failed reaction and keeps the first error as the cause', () => {
    const cause = new Error('deadline exceeded');
    const error = new ReactionsFailedError('log-1', [
      { name: 'alerts', error: cause },
      { name: 'anomaly', error: 'x' },
    ]);
    expect(error.message).toBe('reactions to log-1 failed: alerts (Error: deadline exceeded); anomaly (x)');
    expect(error.cause).toBe(cause);
  });

  it('reads only known reaction names from a stored ledger value', () => {
    expect(ledgerNames(['alerts', 'nope', 'anomaly'])).toEqual(['anomaly', 'alerts']);
    expect(ledgerNames(undefined)).toEqual([]);
  });
});
