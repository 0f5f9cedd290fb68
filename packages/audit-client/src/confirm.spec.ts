import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './builders';
import { ConfirmingSink } from './confirm';
import type { AuditSink, SendResult } from './sink';
import type { StreamWatermark, WatermarkSource } from './watermarks';

/** A transport that answers "published" for everything and stores only what `keep` allows. */
class LossyTransport implements AuditSink, WatermarkSource {
  readonly stored = new Set<number>();
  sends = 0;
  constructor(private readonly keep: (sequence: number, attempt: number) => boolean) {}
  private readonly attempts = new Map<number, number>();

  send(events: readonly AuditEvent[]): Promise<SendResult[]> {
    this.sends += events.length;
    for (const e of events) {
      const attempt = (this.attempts.get(e.sequence!) ?? 0) + 1;
      this.attempts.set(e.sequence!, attempt);
      if (this.keep(e.sequence!, attempt)) this.stored.add(e.sequence!);
    }
    return Promise.resolve(events.map((e) => ({ eventId: e.eventId, status: 'published' as const })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The server's answer, with a small page so paging is exercised. */
  watermark(_tenantId: string, source: string, from: number): Promise<StreamWatermark> {
    let contiguous = -1;
    while (this.stored.has(contiguous + 1)) contiguous++;
    const scannedFrom = Math.max(from, contiguous + 1);
    const page = [...this.stored]
      .filter((n) => n >= scannedFrom)
      .sort((a, b) => a - b)
      .slice(0, 10);
    const missing = [];
    let next = scannedFrom;
    for (const n of page) {
      if (n > next) missing.push({ from: next, to: n - 1 });
      next = n + 1;
    }
    return Promise.resolve({
      source,
      highestContiguous: contiguous,
      scannedFrom,
      scannedThrough: page.length > 0 ? page[page.length - 1]! : scannedFrom - 1,
      missing,
      complete: page.length < 10,
    });
  }
}

const event = (sequence: number): AuditEvent =>
  ({ eventId: `e-${sequence}`, tenantId: 't', source: 'svc', sequence }) as unknown as AuditEvent;

function setup(keep: (sequence: number, attempt: number) => boolean, options: { maxPending?: number } = {}) {
  let now = 0;
  const transport = new LossyTransport(keep);
  const given: AuditEvent[] = [];
  const sink = new ConfirmingSink(transport, {
    watermarks: transport,
    graceMs: 1000,
    checkIntervalMs: 0,
    clock: () => now,
    onGiveUp: (e) => given.push(e),
    ...options,
  });
  return { sink, transport, given, advance: (ms: number) => (now += ms) };
}

describe('delivery confirmation', () => {
  it('re-sends exactly the events a lossy transport dropped, once the grace period is over', async () => {
    const { sink, transport, advance } = setup((n, attempt) => attempt > 1 || n % 7 !== 3);
    await sink.send(Array.from({ length: 100 }, (_, i) => event(i)));
    const dropped = Array.from({ length: 100 }, (_, i) => i).filter((n) => n % 7 === 3).length;

    await sink.check();
    expect(sink.stats).toMatchObject({ confirmed: 100 - dropped, resent: 0, pending: dropped });

    advance(1000);
    await sink.check();
    expect(sink.stats).toMatchObject({ resent: dropped, resentEvents: dropped });
    await sink.check();
    expect(sink.stats).toMatchObject({ confirmed: 100, pending: 0, resent: dropped });
    expect(transport.stored.size).toBe(100);
  });

  it('does not re-send within the grace period, nor events it could not yet see', async () => {
    const { sink, transport } = setup(() => false);
    await sink.send([event(0), event(1)]);
    await sink.check();
    expect(transport.sends).toBe(2);
    expect(sink.stats.pending).toBe(2);
  });

  it('waits twice as long before each further re-send, so a slow pipeline is not flooded with copies', async () => {
    // Nothing is stored yet: the pipeline is behind, not losing. Re-sends must thin out.
    const { sink, transport, advance } = setup(() => false);
    await sink.send([event(0)]);
    const resendsAt: number[] = [];
    for (let t = 0; t < 32_000; t += 500) {
      const before = transport.sends;
      await sink.check();
      if (transport.sends > before) resendsAt.push(t);
      advance(500);
    }
    // Grace 1 s: re-sent at 1 s, then after 2 s, 4 s, 8 s, then every 16 s (the cap).
    expect(resendsAt).toEqual([1000, 3000, 7000, 15_000, 31_000]);
    expect(sink.stats).toMatchObject({ resent: 5, resentEvents: 1, pending: 1 });
  });

  it('keeps a bounded number of unconfirmed events and says which it gave up', async () => {
    const { sink, given } = setup(() => false, { maxPending: 3 });
    await sink.send([event(0), event(1), event(2), event(3), event(4)]);
    expect(sink.stats).toMatchObject({ pending: 3, gaveUp: 2 });
    expect(given.map((e) => e.sequence)).toEqual([0, 1]);
  });

  it('ignores results that are already stored (HTTP) and events without a sequence', async () => {
    const stored: AuditSink = {
      send: (events) => Promise.resolve(events.map((e) => ({ eventId: e.eventId, status: 'stored' as const }))),
      close: () => Promise.resolve(),
    };
    const sink = new ConfirmingSink(stored, { watermarks: new LossyTransport(() => true), checkIntervalMs: 0 });
    await sink.send([event(1), { ...event(2), sequence: undefined }]);
    expect(sink.stats.pending).toBe(0);
  });
});
