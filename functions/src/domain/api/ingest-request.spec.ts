import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import {
  HTTP_INGEST_LIMITS,
  assertOwnTenant,
  deadLetterIdFor,
  eventIdOf,
  parseIngestBody,
  requestKeyFor,
  summarizeResults,
  type EventResult,
} from './ingest-request';

const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
const event = (i: number, tenantId = 't1') => ({ eventId: `e-${i}`, tenantId, eventType: 'repo.created' });

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('parseIngestBody', () => {
  it('reads a lone envelope and a batch', () => {
    expect(parseIngestBody(bytes(event(1)))).toEqual({ kind: 'single', events: [event(1)] });
    expect(parseIngestBody(bytes({ events: [event(1), event(2)] }))).toEqual({
      kind: 'batch',
      events: [event(1), event(2)],
    });
  });

  it('reports malformed JSON with the parser message at the root', () => {
    const err = thrown(() => parseIngestBody(bytes('{"eventId": ')));
    expect(err.code).toBe('invalid_json');
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]).toMatchObject({ path: '' });
    expect(err.errors[0]?.message).toMatch(/^must be valid JSON \(.+\)$/);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(thrown(() => parseIngestBody(Uint8Array.from([0x7b, 0xff, 0x7d]))).code).toBe('invalid_json');
  });

  it.each([['[]'], ['"text"'], ['null'], ['42']])('refuses %s as neither shape', (body) => {
    const err = thrown(() => parseIngestBody(bytes(body)));
    expect(err.code).toBe('invalid_body');
    expect(err.errors[0]?.path).toBe('');
  });

  it('refuses a malformed batch with field errors', () => {
    expect(thrown(() => parseIngestBody(bytes({ events: 'x' }))).errors).toEqual([
      { path: 'events', message: 'must be an array of event envelopes' },
    ]);
    expect(thrown(() => parseIngestBody(bytes({ events: [] }))).errors).toEqual([
      { path: 'events', message: 'must hold at least one event' },
    ]);
    expect(thrown(() => parseIngestBody(bytes({ events: [event(1)], extra: 1 }))).code).toBe('invalid_body');
  });

  it('refuses more than 500 events as payload_too_large', () => {
    const events = Array.from({ length: HTTP_INGEST_LIMITS.maxEvents + 1 }, (_, i) => event(i));
    const err = thrown(() => parseIngestBody(bytes({ events })));
    expect(err.code).toBe('payload_too_large');
    expect(err.errors).toEqual([{ path: 'events', message: 'must hold at most 500 events (got 501)' }]);
    expect(parseIngestBody(bytes({ events: events.slice(1) })).events).toHaveLength(500);
  });

  it('refuses a body over the byte limit before parsing it', () => {
    const err = thrown(() => parseIngestBody(new Uint8Array(HTTP_INGEST_LIMITS.maxBodyBytes + 1)));
    expect(err.code).toBe('payload_too_large');
  });

  it('refuses a lone envelope or a batch member over 256 KiB, naming it', () => {
    const big = { ...event(1), metadata: { blob: 'x'.repeat(HTTP_INGEST_LIMITS.maxEventBytes) } };
    expect(thrown(() => parseIngestBody(bytes(big))).code).toBe('payload_too_large');
    const err = thrown(() => parseIngestBody(bytes({ events: [event(0), big] })));
    expect(err.errors).toEqual([{ path: 'events[1]', message: 'must be at most 262144 bytes serialized' }]);
  });
});

describe('assertOwnTenant', () => {
  it('passes events of the key tenant and leaves a missing tenant to validation', () => {
    expect(() => assertOwnTenant({ kind: 'batch', events: [event(1), { eventId: 'x' }, 'junk'] }, 't1')).not.toThrow();
  });

  it('refuses the whole request when any event names another tenant', () => {
    const err = thrown(() => assertOwnTenant({ kind: 'batch', events: [event(1), event(2, 't2')] }, 't1'));
    expect(err.code).toBe('tenant_mismatch');
    expect(err.errors).toEqual([{ path: 'events[1].tenantId', message: "must be the API key's tenant" }]);
    const single = thrown(() => assertOwnTenant({ kind: 'single', events: [event(1, 't2')] }, 't1'));
    expect(single.errors[0]?.path).toBe('tenantId');
  });
});

describe('request keys and dead-letter ids', () => {
  it('prefers a well-formed X-Request-Id, else hashes the body', () => {
    expect(requestKeyFor('req-1', bytes('{}'))).toBe('id:req-1');
    expect(requestKeyFor('bad id with spaces', bytes('{}'))).toBe(
      'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
  });

  it('is stable per tenant, request and index, and differs otherwise', () => {
    const id = deadLetterIdFor('t1', 'id:r', 3);
    expect(id).toMatch(/^http-[0-9a-f]{32}-3$/);
    expect(deadLetterIdFor('t1', 'id:r', 3)).toBe(id);
    expect(deadLetterIdFor('t2', 'id:r', 3)).not.toBe(id);
    expect(deadLetterIdFor('t1', 'id:s', 3)).not.toBe(id);
    expect(deadLetterIdFor('t1', 'id:r', 4)).not.toBe(id);
  });

  it('reads a usable event id only', () => {
    expect(eventIdOf({ eventId: 'e' })).toBe('e');
    expect(eventIdOf({ eventId: 7 })).toBeUndefined();
    expect(eventIdOf(null)).toBeUndefined();
  });
});

describe('summarizeResults (the mixed-batch rule)', () => {
  const stored: EventResult = { index: 1, eventId: 'b', status: 'stored', logId: 'L1' };
  const duplicate: EventResult = { index: 2, eventId: 'c', status: 'duplicate', logId: 'L2' };
  const rejected: EventResult = {
    index: 0,
    eventId: 'a',
    status: 'rejected',
    reason: 'schema_violation',
    message: 'envelope does not match the contract',
    errors: [{ path: 'actor.id', message: 'must not be empty' }],
    deadLetterId: 'http-x-0',
  };

  it('accepts a batch with at least one stored or duplicate event, in index order', () => {
    expect(summarizeResults('batch', [duplicate, rejected, stored])).toEqual({
      accepted: 2,
      rejected: 1,
      results: [rejected, stored, duplicate],
    });
    expect(summarizeResults('batch', [duplicate]).accepted).toBe(1);
  });

  it('refuses a request in which every event was rejected, with paths from the body root', () => {
    const other: EventResult = { ...rejected, index: 1, reason: 'unknown_tenant', message: 'no tenant', errors: [] };
    const err = thrown(() => summarizeResults('batch', [rejected, other]));
    expect(err.code).toBe('invalid_events');
    expect(err.errors).toEqual([
      { path: 'events[0].actor.id', message: 'must not be empty' },
      { path: 'events[1]', message: 'no tenant' },
    ]);
    expect(err.details.extra).toMatchObject({ accepted: 0, rejected: 2 });
    expect(thrown(() => summarizeResults('single', [rejected])).errors).toEqual([
      { path: 'actor.id', message: 'must not be empty' },
    ]);
  });
});
