import type { AuditEvent } from './builders';
import type { AuditSink, SendResult } from './sink';
import type { StreamWatermark, WatermarkSource } from './watermarks';

/** Delivery confirmation of one publisher (off unless given to the client). */
export interface ConfirmationOptions {
  /** Where watermarks come from: `new HttpWatermarks({ apiKey })`. */
  watermarks: WatermarkSource;
  /**
   * How long a published event may take to be stored before it is re-sent. Default 10 minutes.
   * Each further re-send of the same event waits twice as long as the one before, up to 16 times
   * the grace period.
   */
  graceMs?: number;
  /** Unconfirmed events kept at most; beyond it the oldest is given up (see `onGiveUp`). Default 10,000. */
  maxPending?: number;
  /** Checks run on their own this often (0: only when `check()`/`drain()` is called). Default `graceMs`. */
  checkIntervalMs?: number;
  /** Called for an event dropped from the bounded store before it was confirmed. */
  onGiveUp?: (event: AuditEvent) => void;
  /** Called when a check fails (network, 5xx); the events stay pending for the next check. */
  onCheckError?: (error: unknown) => void;
  clock?: () => number;
}

/** What confirmation has done so far. */
export interface ConfirmationStats {
  /** Events seen stored through the watermark. */
  confirmed: number;
  /** Re-sends of events that the watermark showed missing after the grace period. */
  resent: number;
  /** Distinct events re-sent at least once (their first delivery was lost). */
  resentEvents: number;
  /** Events dropped from the bounded store unconfirmed. */
  gaveUp: number;
  /** Events waiting for confirmation now. */
  pending: number;
}

interface Pending {
  event: AuditEvent;
  sentAt: number;
  /** Re-sends so far: each doubles the wait before the next one. */
  resends: number;
}

/**
 * Doublings of the grace period at most. A missing event is usually one the pipeline has not
 * reached yet, not one it lost: re-sending it at a fixed pace adds a copy to the backlog every
 * period and, when the pipeline is slower than the period, feeds the very overload that delays it.
 */
const MAX_BACKOFF_DOUBLINGS = 4;

/** Watermark pages read per stream and check: each page covers up to 1,000 stored numbers. */
const MAX_PAGES_PER_CHECK = 50;

const streamKey = (tenantId: string, source: string) => `${tenantId}\n${source}`;

/**
 * Confirms end to end that published events were stored, and re-sends those that were not. Wraps
 * a sink whose results say only "published" (Pub/Sub): each published event with a `sequence` is
 * kept (bounded) until the stream's watermark shows it stored; one still missing after the grace
 * period is published again (safe: events are idempotent). A transport that loses messages, such
 * as the Pub/Sub emulator under load or a misconfigured subscription, then loses nothing.
 */
export class ConfirmingSink implements AuditSink {
  private readonly streams = new Map<string, Map<number, Pending>>();
  private readonly graceMs: number;
  private readonly maxPending: number;
  private readonly clock: () => number;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private size = 0;
  private running: Promise<void> | undefined;
  private readonly counts = { confirmed: 0, resent: 0, resentEvents: 0, gaveUp: 0 };

  constructor(
    private readonly inner: AuditSink,
    private readonly options: ConfirmationOptions,
  ) {
    this.graceMs = options.graceMs ?? 10 * 60_000;
    this.maxPending = options.maxPending ?? 10_000;
    this.clock = options.clock ?? Date.now;
    const every = options.checkIntervalMs ?? this.graceMs;
    if (every > 0) {
      this.timer = setInterval(() => void this.check().catch((err: unknown) => options.onCheckError?.(err)), every);
      this.timer.unref();
    }
  }

  async send(events: readonly AuditEvent[]): Promise<SendResult[]> {
    const results = await this.inner.send(events);
    const now = this.clock();
    results.forEach((result, i) => {
      const event = events[i];
      if (event && result.status === 'published') this.track(event, now);
    });
    return results;
  }

  /** Counters, and the number of events still unconfirmed. */
  get stats(): ConfirmationStats {
    return { ...this.counts, pending: this.size };
  }

  /**
   * Asks the watermark of every stream with unconfirmed events, forgets the confirmed ones and
   * re-sends those missing for longer than the grace period. Concurrent calls share one check.
   */
  check(): Promise<void> {
    this.running ??= this.checkAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * Checks until every event is confirmed or `timeoutMs` passes (then resolves with what is still
   * pending). Call before `close()` when a process must not exit with unconfirmed events.
   */
  async drain({ timeoutMs = 2 * this.graceMs, intervalMs = 1000 } = {}): Promise<ConfirmationStats> {
    const deadline = this.clock() + timeoutMs;
    for (;;) {
      await this.check();
      if (this.size === 0 || this.clock() >= deadline) return this.stats;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.inner.close();
  }

  private track(event: AuditEvent, now: number): void {
    if (event.sequence === undefined) return;
    const key = streamKey(event.tenantId, event.source);
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = new Map<number, Pending>()));
    if (stream.has(event.sequence)) return;
    stream.set(event.sequence, { event, sentAt: now, resends: 0 });
    this.size++;
    while (this.size > this.maxPending) this.giveUpOldest();
  }

  private giveUpOldest(): void {
    let oldest: { key: string; sequence: number; at: number } | undefined;
    for (const [key, stream] of this.streams) {
      // Maps keep insertion order: the first entry of each stream is its oldest.
      const first = stream.entries().next().value;
      if (first && (!oldest || first[1].sentAt < oldest.at)) oldest = { key, sequence: first[0], at: first[1].sentAt };
    }
    if (!oldest) return;
    const stream = this.streams.get(oldest.key)!;
    const dropped = stream.get(oldest.sequence)!;
    this.forget(oldest.key, stream, oldest.sequence);
    this.counts.gaveUp++;
    this.options.onGiveUp?.(dropped.event);
  }

  private forget(key: string, stream: Map<number, Pending>, sequence: number): void {
    if (stream.delete(sequence)) this.size--;
    if (stream.size === 0) this.streams.delete(key);
  }

  private async checkAll(): Promise<void> {
    for (const [key, stream] of [...this.streams]) {
      try {
        await this.checkStream(key, stream);
      } catch (err) {
        this.options.onCheckError?.(err);
      }
    }
  }

  private async checkStream(key: string, stream: Map<number, Pending>): Promise<void> {
    const [tenantId, source] = key.split('\n') as [string, string];
    const missing: Pending[] = [];
    let from = Math.min(...stream.keys());
    for (let page = 0; page < MAX_PAGES_PER_CHECK && stream.size > 0; page++) {
      const mark = await this.options.watermarks.watermark(tenantId, source, from);
      if (!mark) return;
      const undecided = this.apply(key, stream, mark, missing);
      if (mark.complete || !undecided) break;
      // The next page starts past what this one saw (missing events stay pending below it).
      from = mark.scannedThrough + 1;
    }
    const now = this.clock();
    const due = missing.filter((p) => now - p.sentAt >= this.waitBeforeResend(p) && stream.has(p.event.sequence!));
    if (due.length === 0) return;
    await this.inner.send(due.map((p) => p.event));
    for (const p of due) {
      if (p.resends === 0) this.counts.resentEvents++;
      p.resends++;
      p.sentAt = now;
      this.counts.resent++;
    }
  }

  /** The grace period, doubled for every re-send so far (bounded). */
  private waitBeforeResend(pending: Pending): number {
    return this.graceMs * 2 ** Math.min(pending.resends, MAX_BACKOFF_DOUBLINGS);
  }

  /** Settles what the watermark decides; returns true when events above what it saw remain. */
  private apply(key: string, stream: Map<number, Pending>, mark: StreamWatermark, missing: Pending[]): boolean {
    let undecided = false;
    const isMissing = (n: number) => mark.missing.some((r) => r.from <= n && n <= r.to);
    for (const [sequence, pending] of [...stream]) {
      if (
        sequence <= mark.highestContiguous ||
        (sequence >= mark.scannedFrom && sequence <= mark.scannedThrough && !isMissing(sequence))
      ) {
        this.forget(key, stream, sequence);
        this.counts.confirmed++;
      } else if (sequence > mark.scannedThrough && !mark.complete) {
        undecided = true;
      } else if (!missing.includes(pending)) {
        missing.push(pending);
      }
    }
    return undecided;
  }
}
