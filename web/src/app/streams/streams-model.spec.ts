import { describe, expect, it } from 'vitest';
import { createSinkRequest, formatLag, replayInstant, streamRows, streamState } from './streams-model';

const at = (iso: string) => ({ toDate: () => new Date(iso) });

describe('streamRows', () => {
  it('reads health, ranks failing, behind, paused, healthy, and skips malformed documents', () => {
    const rows = streamRows([
      {
        id: 'ok',
        data: { name: 'B lake', url: 'https://b.example', status: 'active', health: { deliveredCount: 10 } },
      },
      {
        id: 'bad',
        data: {
          name: 'SIEM',
          url: 'https://siem.example',
          status: 'active',
          cursor: { recordedAt: at('2026-12-01T09:59:00Z'), logId: 'x' },
          health: {
            deliveredCount: 5,
            lagMs: 90_000,
            consecutiveFailures: 3,
            lastError: { message: 'HTTP 503', at: at('2026-12-01T10:00:00Z') },
            nextAttemptAt: at('2026-12-01T10:00:08Z'),
          },
        },
      },
      { id: 'slow', data: { name: 'A lake', url: 'https://a.example', status: 'active', health: { lagMs: 5_000 } } },
      {
        id: 'off',
        data: { name: 'Old', url: 'https://o.example', status: 'paused', health: { consecutiveFailures: 2 } },
      },
      { id: 'junk', data: { name: 7, url: 'https://x.example' } },
    ]);
    expect(rows.map((r) => [r.sinkId, r.state])).toEqual([
      ['bad', 'failing'],
      ['slow', 'behind'],
      ['off', 'paused'],
      ['ok', 'healthy'],
    ]);
    expect(rows[0]).toMatchObject({
      deliveredCount: 5,
      lagMs: 90_000,
      lastError: { message: 'HTTP 503', at: new Date('2026-12-01T10:00:00Z') },
      nextAttemptAt: new Date('2026-12-01T10:00:08Z'),
      position: new Date('2026-12-01T09:59:00Z'),
    });
    expect(rows[3]).toMatchObject({
      deliveredCount: 10,
      lagMs: 0,
      lastError: null,
      lastDeliveredAt: null,
      position: null,
    });
  });

  it('calls a paused stream paused whatever its failures', () => {
    expect(streamState({ status: 'paused', consecutiveFailures: 4, lagMs: 10 })).toBe('paused');
  });
});

describe('formatLag and replayInstant', () => {
  it('reads a lag in the largest unit that fits', () => {
    expect([0, 42_000, 180_000, 3_600_000, 7_500_000].map(formatLag)).toEqual([
      'caught up',
      '42 s',
      '3 min',
      '1 h',
      '2 h 5 min',
    ]);
  });

  it('turns a datetime-local value into an ISO instant and refuses anything else', () => {
    expect(replayInstant('2026-12-01T10:30')).toBe(new Date('2026-12-01T10:30').toISOString());
    expect(replayInstant('yesterday')).toBeNull();
    expect(replayInstant('')).toBeNull();
  });
});

describe('stream kinds', () => {
  it('shows where each kind delivers', () => {
    const rows = streamRows([
      { id: 'w', data: { name: 'W', url: 'https://w.example', status: 'active' } },
      { id: 'p', data: { name: 'P', kind: 'pubsub', topic: 'projects/p1/topics/t', status: 'active' } },
      { id: 's', data: { name: 'S', kind: 'storage', bucket: 'lake', prefix: 'streams/tenant=a/sink=s/' } },
      { id: 'x', data: { name: 'X', kind: 'storage' } },
    ]);
    expect(rows.map((r) => [r.sinkId, r.kind, r.destination])).toEqual([
      ['p', 'pubsub', 'projects/p1/topics/t'],
      ['s', 'storage', 'gs://lake/streams/tenant=a/sink=s/'],
      ['w', 'webhook', 'https://w.example'],
    ]);
  });

  it("sends the chosen kind's fields only", () => {
    const form = { name: 'N', url: 'https://u', topic: 't', bucket: 'b', prefix: '' };
    expect(createSinkRequest({ ...form, kind: 'webhook' })).toEqual({ kind: 'webhook', name: 'N', url: 'https://u' });
    expect(createSinkRequest({ ...form, kind: 'pubsub' })).toEqual({ kind: 'pubsub', name: 'N', topic: 't' });
    expect(createSinkRequest({ ...form, kind: 'storage' })).toEqual({ kind: 'storage', name: 'N', bucket: 'b' });
    expect(createSinkRequest({ ...form, kind: 'storage', prefix: ' raw/x ' })).toMatchObject({ prefix: 'raw/x' });
  });
});
