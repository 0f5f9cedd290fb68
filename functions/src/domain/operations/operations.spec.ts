import { describe, expect, it } from 'vitest';
import { CommandError } from '../commands';
import { TRUNCATION_MARKER, ingestHealth, replayPayload } from './index';

describe('replayPayload', () => {
  it('gives back the stored bytes', () => {
    expect(Buffer.from(replayPayload('{"a":1}')).toString('utf8')).toBe('{"a":1}');
  });

  it('refuses truncated or missing payloads', () => {
    for (const value of [`{"a":"${'x'.repeat(10)}${TRUNCATION_MARKER}`, undefined, 42]) {
      expect(() => replayPayload(value)).toThrow(CommandError);
    }
  });
});

describe('ingestHealth', () => {
  it('computes events per minute and the dead-letter rate', () => {
    expect(
      ingestHealth({ windowMinutes: 10, stored: 990, deadLettered: 10, outboxPending: 0, outboxFailed: 0 }),
    ).toEqual({
      windowMinutes: 10,
      stored: 990,
      deadLettered: 10,
      outboxPending: 0,
      outboxFailed: 0,
      eventsPerMinute: 99,
      deadLetterRate: 0.01,
      status: 'ok',
    });
  });

  it('calls it degraded above 1% dead letters or with failed outbox documents, idle without traffic', () => {
    const base = { windowMinutes: 60, outboxPending: 0, outboxFailed: 0 };
    expect(ingestHealth({ ...base, stored: 98, deadLettered: 2 }).status).toBe('degraded');
    expect(ingestHealth({ ...base, stored: 100, deadLettered: 0, outboxFailed: 1 }).status).toBe('degraded');
    expect(ingestHealth({ ...base, stored: 0, deadLettered: 0 })).toMatchObject({ status: 'idle', deadLetterRate: 0 });
  });
});
