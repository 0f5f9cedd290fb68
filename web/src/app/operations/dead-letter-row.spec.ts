import { describe, expect, it } from 'vitest';
import { toDeadLetterRow } from './dead-letter-row';

const RECEIVED = new Date('2026-03-01T10:00:00Z');
const at = { toDate: () => RECEIVED, toMillis: () => RECEIVED.getTime() };

function letter(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reason: 'schema_violation',
    message: 'the event breaks the envelope schema',
    errors: Array.from({ length: 7 }, (_, i) => ({ path: `f${i}`, message: 'is required' })),
    rawPayload: '{}',
    source: 'http',
    receivedAt: at,
    tenantId: 'acme',
    ...over,
  };
}

describe('toDeadLetterRow', () => {
  it('lists a letter with its reason, first field errors and replay state', () => {
    const row = toDeadLetterRow('d1', letter({ status: 'replayed', replayAttempts: 2, replayLogId: 'log-9' }));
    expect(row).toMatchObject({
      id: 'd1',
      reason: 'schema_violation',
      source: 'http',
      receivedAt: RECEIVED,
      status: 'replayed',
      replayAttempts: 2,
      replayLogId: 'log-9',
    });
    expect(row.errors.map((e) => e.path)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
  });

  it('lists a malformed letter too, naming the document and the field to mend', () => {
    const row = toDeadLetterRow('d2', letter({ source: 'email', replayAttempts: 'three' }));
    expect(row).toMatchObject({ id: 'd2', reason: 'malformed_document', source: 'email', receivedAt: RECEIVED });
    expect(row.message).toBe(
      'malformed document audit_dead_letters/d2: source: must be one of "pubsub", "outbox", "http", is "email"; ' +
        'replayAttempts: must be a number, is a string',
    );
    expect(row.errors).toEqual([
      { path: 'source', message: 'must be one of "pubsub", "outbox", "http", is "email"' },
      { path: 'replayAttempts', message: 'must be a number, is a string' },
    ]);
  });
});
