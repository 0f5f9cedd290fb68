import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import type { SequenceRange, StreamState } from '../domain/streams';
import { runGapDetection, type GapDetectorStore } from './gap-detector';
import type { EntryPage, ReadCursor } from './stream-store';

interface Entry {
  source: string;
  sequence: number;
  recordedAt: number;
  id: string;
}

/** The detector's store in memory, counting reads the way the Firestore adapter does. */
class MemoryStore implements GapDetectorStore {
  reads = 0;
  writes = 0;
  readonly entries: Entry[] = [];
  readonly states = new Map<string, { state: StreamState; attention: boolean }>();
  cursorOf: ReadCursor | null = null;

  add(source: string, sequences: number[], recordedAt: number): void {
    for (const sequence of sequences) {
      this.entries.push({ source, sequence, recordedAt, id: `${source}-${sequence}-${this.entries.length}` });
    }
  }
  tenants() {
    this.reads++;
    return Promise.resolve([{ id: 't', data: { gapDetection: { graceSeconds: 60 } } }]);
  }
  cursor() {
    this.reads++;
    return Promise.resolve(this.cursorOf);
  }
  saveCursor(_t: string, cursor: ReadCursor) {
    this.writes++;
    this.cursorOf = cursor;
    return Promise.resolve();
  }
  entriesAfter(_t: string, after: ReadCursor | null, until: Date, limit: number): Promise<EntryPage> {
    const key = (e: Entry) => `${String(e.recordedAt).padStart(15, '0')}|${e.id}`;
    const from = after ? `${String(after.recordedAt.toMillis()).padStart(15, '0')}|${after.logId}` : '';
    const page = this.entries
      .filter((e) => e.recordedAt < until.getTime() && key(e) > from)
      .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      .slice(0, limit);
    this.reads += Math.max(1, page.length);
    const bySource = new Map<string, number[]>();
    for (const e of page) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e.sequence]);
    const last = page[page.length - 1];
    return Promise.resolve({
      bySource,
      read: page.length,
      last: last ? { recordedAt: Timestamp.fromMillis(last.recordedAt), logId: last.id } : null,
    });
  }
  storedSequences(_t: string, source: string, range: SequenceRange) {
    const found = this.entries
      .filter((e) => e.source === source && e.sequence >= range.from && e.sequence <= range.to)
      .map((e) => e.sequence);
    this.reads += Math.max(1, found.length);
    return Promise.resolve(found);
  }
  streams(_t: string, sources: readonly string[]) {
    this.reads += sources.length;
    const out = new Map<string, StreamState>();
    for (const s of sources) if (this.states.has(s)) out.set(s, this.states.get(s)!.state);
    return Promise.resolve(out);
  }
  streamsNeedingAttention() {
    const list = [...this.states.values()].filter((s) => s.attention).map((s) => s.state);
    this.reads += Math.max(1, list.length);
    return Promise.resolve(list);
  }
  saveStream(state: StreamState, attention: boolean) {
    this.writes++;
    this.states.set(state.source, { state, attention });
    return Promise.resolve();
  }
}

const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (ms: number) => () => new Date(T0 + ms);

describe('gap detector run', () => {
  it('reads only entries recorded since its cursor, and writes one state document per stream', async () => {
    const store = new MemoryStore();
    store.add(
      'svc',
      Array.from({ length: 3000 }, (_, i) => i),
      T0 - 5000,
    );
    const emit = () => Promise.resolve('stored' as const);
    const first = await runGapDetection({ store, emit }, { now: at(0), settleMs: 0 });
    expect(first).toMatchObject({ entriesRead: 3000, streamsWritten: 1, reported: [] });
    expect(store.states.get('svc')!.state.contiguous).toBe(2999);

    store.add('svc', [3000, 3001], T0 + 1000);
    const second = await runGapDetection({ store, emit }, { now: at(2000), settleMs: 0 });
    expect(second.entriesRead).toBe(2);
    expect(second.reads).toBeLessThan(10);
    expect(second.writes).toBe(2);
  });

  it('reports a range once after the grace period, and keeps it pending while the report is rejected', async () => {
    const store = new MemoryStore();
    store.add('svc', [0, 1, 4], T0 - 1000);
    const outcomes: Array<'stored' | 'rejected'> = ['rejected', 'stored'];
    const emitted: Array<Record<string, unknown>> = [];
    const emit = (envelope: Record<string, unknown>) => {
      emitted.push(envelope);
      return Promise.resolve(outcomes.shift() ?? ('duplicate' as const));
    };
    expect((await runGapDetection({ store, emit }, { now: at(0), settleMs: 0 })).reported).toEqual([]);
    expect((await runGapDetection({ store, emit }, { now: at(60_000), settleMs: 0 })).reported).toEqual([]);
    const third = await runGapDetection({ store, emit }, { now: at(61_000), settleMs: 0 });
    expect(third.reported).toMatchObject([{ source: 'svc', from: 2, to: 3 }]);
    expect((await runGapDetection({ store, emit }, { now: at(62_000), settleMs: 0 })).reported).toEqual([]);
    expect(emitted).toHaveLength(2);
    expect(emitted[0]).toEqual(emitted[1]);
    expect(emitted[0]).toMatchObject({ eventId: 'gap:svc:2-3', occurredAt: new Date(T0).toISOString() });
  });

  it('does not report a range whose entries were committed behind the cursor, and closes reported ones that fill', async () => {
    const store = new MemoryStore();
    store.add('svc', [0, 3], T0 - 1000);
    const emit = () => Promise.resolve('stored' as const);
    await runGapDetection({ store, emit }, { now: at(0), settleMs: 0 });
    // Number 1 was stamped before the cursor but became visible only now: the cursor never sees it.
    store.add('svc', [1], T0 - 2000);
    const due = await runGapDetection({ store, emit }, { now: at(61_000), settleMs: 0 });
    expect(due.reported).toMatchObject([{ from: 2, to: 2 }]);
    store.add('svc', [2], T0 - 3000);
    const closing = await runGapDetection({ store, emit }, { now: at(62_000), settleMs: 0 });
    expect(closing.closed).toMatchObject([{ from: 2, to: 2 }]);
    expect(store.states.get('svc')).toMatchObject({ attention: false, state: { contiguous: 3 } });
  });
});
