import { describe, expect, it } from 'vitest';
import { LIMITS } from './envelope';
import { RejectionError, type FieldError, type RejectionReason } from './errors';
import { assertNotHostile, decodePayload, parseJson, validateEnvelope, validateRawEnvelope } from './validate';

const NOW = new Date('2026-01-31T12:00:00.000Z');
type Json = Record<string, unknown>;

/** A valid update event; each case below breaks one rule of it. */
function validEnvelope(): Json {
  return {
    specVersion: '1.0',
    eventId: 'evt-1',
    eventType: 'repo.settings_updated',
    tenantId: 'acme_01',
    occurredAt: '2026-01-31T11:59:00Z',
    source: 'repo-service',
    sequence: 7,
    actor: { type: 'user', id: 'u-1', email: 'dev@acme.test', ip: '198.51.100.4', roles: ['admin'] },
    resource: { type: 'repository', id: 'r-1', name: 'api' },
    outcome: 'success',
    changes: { before: { defaultBranch: 'main' }, after: { defaultBranch: 'trunk' } },
    metadata: { reason: 'rename' },
    context: { correlationId: 'corr-1', requestId: 'req-1' },
  };
}

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
const json = (value: unknown): Uint8Array => bytesOf(JSON.stringify(value));
const withField = (patch: Json): Uint8Array => json({ ...validEnvelope(), ...patch });
const withActor = (patch: Json): Uint8Array => withField({ actor: { type: 'user', id: 'u-1', ...patch } });
const without = (field: string): Uint8Array => {
  const envelope = validEnvelope();
  delete envelope[field];
  return json(envelope);
};
/** Text nested `depth` levels deep inside metadata; built as text because JSON.stringify would overflow. */
const deepMetadata = (depth: number, open: string, close: string): Uint8Array => {
  const head = JSON.stringify(validEnvelope()).slice(0, -1);
  return bytesOf(`${head},"metadata":{"deep":${open.repeat(depth)}1${close.repeat(depth)}}}`);
};

function rejectionOf(action: () => unknown): { reason: RejectionReason; errors: readonly FieldError[] } {
  try {
    action();
  } catch (err) {
    if (err instanceof RejectionError) return { reason: err.reason, errors: err.errors };
    throw err;
  }
  throw new Error('expected a rejection, but the input was accepted');
}

type Case = readonly [name: string, input: () => Uint8Array, reason: RejectionReason, path: string, message: RegExp];

// Malformed and hostile inputs: each is rejected with its own reason code and the field at fault.
const REJECTED: readonly Case[] = [
  ['plain text', () => bytesOf('hello'), 'invalid_json', '', /valid JSON/],
  ['truncated JSON', () => bytesOf('{"specVersion":"1.0",'), 'invalid_json', '', /valid JSON/],
  ['an empty payload', () => bytesOf(''), 'invalid_json', '', /valid JSON/],
  ['JSON with a trailing comma', () => bytesOf('{"a":1,}'), 'invalid_json', '', /valid JSON/],
  ['invalid UTF-8 bytes', () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'invalid_encoding', '', /UTF-8/],
  ['an encoded lone surrogate', () => new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), 'invalid_encoding', '', /UTF-8/],
  ['a JSON array', () => json([validEnvelope()]), 'schema_violation', '', /JSON object/],
  ['JSON null', () => bytesOf('null'), 'schema_violation', '', /JSON object/],
  ['a JSON string', () => json('event'), 'schema_violation', '', /JSON object/],
  ['a missing tenant', () => without('tenantId'), 'schema_violation', 'tenantId', /expected string/],
  ['a numeric tenant', () => withField({ tenantId: 42 }), 'schema_violation', 'tenantId', /expected string/],
  ['an empty tenant', () => withField({ tenantId: '' }), 'schema_violation', 'tenantId', /1-128 characters/],
  ['a tenant with a slash', () => withField({ tenantId: 'acme/../other' }), 'schema_violation', 'tenantId', /A-Z/],
  ['a tenant with a space', () => withField({ tenantId: 'acme corp' }), 'schema_violation', 'tenantId', /A-Z/],
  [
    'a tenant of 129 characters',
    () => withField({ tenantId: 't'.repeat(129) }),
    'schema_violation',
    'tenantId',
    /1-128/,
  ],
  ['a wrong spec version', () => withField({ specVersion: '2.0' }), 'schema_violation', 'specVersion', /"1.0"/],
  ['a numeric event id', () => withField({ eventId: 17 }), 'schema_violation', 'eventId', /expected string/],
  ['an empty event id', () => withField({ eventId: '' }), 'schema_violation', 'eventId', /not be empty/],
  [
    'an event id of 129 characters',
    () => withField({ eventId: 'e'.repeat(129) }),
    'schema_violation',
    'eventId',
    /128/,
  ],
  ['a NUL in the event id', () => withField({ eventId: 'evt\u0000' }), 'schema_violation', 'eventId', /control/],
  ['an escape in the source', () => withField({ source: 'svc\u001b[31m' }), 'schema_violation', 'source', /letters/],
  ['a newline in the actor id', () => withActor({ id: 'u-1\nadmin' }), 'schema_violation', 'actor.id', /control/],
  [
    'a DEL in the correlation id',
    () => withField({ context: { correlationId: 'c\u007f' } }),
    'schema_violation',
    'context.correlationId',
    /control/,
  ],
  [
    'an upper-case event type',
    () => withField({ eventType: 'Repo.Created' }),
    'schema_violation',
    'eventType',
    /lower_snake/,
  ],
  ['a one-part event type', () => withField({ eventType: 'login' }), 'schema_violation', 'eventType', /two parts/],
  [
    'a timestamp without zone',
    () => withField({ occurredAt: '2026-01-31T11:00:00' }),
    'schema_violation',
    'occurredAt',
    /zone/,
  ],
  ['a date without time', () => withField({ occurredAt: '2026-01-31' }), 'schema_violation', 'occurredAt', /ISO 8601/],
  ['a timestamp in words', () => withField({ occurredAt: 'yesterday' }), 'schema_violation', 'occurredAt', /ISO 8601/],
  ['a numeric timestamp', () => withField({ occurredAt: 1769860800000 }), 'schema_violation', 'occurredAt', /.+/],
  [
    'a timestamp 5 min 1 s ahead',
    () => withField({ occurredAt: '2026-01-31T12:05:01Z' }),
    'schema_violation',
    'occurredAt',
    /5 minutes in the future/,
  ],
  [
    'a timestamp ahead in another zone',
    () => withField({ occurredAt: '2026-01-31T14:10:00+02:00' }),
    'schema_violation',
    'occurredAt',
    /future/,
  ],
  ['a negative sequence', () => withField({ sequence: -1 }), 'schema_violation', 'sequence', /0 or more/],
  ['a fractional sequence', () => withField({ sequence: 1.5 }), 'schema_violation', 'sequence', /integer/],
  ['a sequence as text', () => withField({ sequence: '3' }), 'schema_violation', 'sequence', /number/],
  ['a missing actor', () => without('actor'), 'schema_violation', 'actor', /expected object/],
  ['an unknown actor type', () => withActor({ type: 'robot' }), 'schema_violation', 'actor.type', /one of user/],
  [
    'a user without id',
    () => withField({ actor: { type: 'user' } }),
    'schema_violation',
    'actor.id',
    /required for actor type user/,
  ],
  [
    'a service account without id',
    () => withField({ actor: { type: 'service_account' } }),
    'schema_violation',
    'actor.id',
    /required/,
  ],
  ['a malformed actor email', () => withActor({ email: 'not-an-email' }), 'schema_violation', 'actor.email', /email/],
  ['a malformed actor ip', () => withActor({ ip: '999.1.1.1' }), 'schema_violation', 'actor.ip', /IPv4 or IPv6/],
  [
    '51 roles',
    () => withActor({ roles: Array.from({ length: 51 }, (_, i) => `r${i}`) }),
    'schema_violation',
    'actor.roles',
    /50 roles/,
  ],
  ['a non-auth event without resource', () => without('resource'), 'schema_violation', 'resource', /except for auth/],
  [
    'a camel-case resource type',
    () => withField({ resource: { type: 'gitRepo', id: 'r' } }),
    'schema_violation',
    'resource.type',
    /lower_snake/,
  ],
  ['an unknown operation', () => withField({ operation: 'PATCH' }), 'schema_violation', 'operation', /CREATE/],
  ['an unknown outcome', () => withField({ outcome: 'ok' }), 'schema_violation', 'outcome', /success/],
  ['an unknown top-level field', () => withField({ severity: 'high' }), 'schema_violation', 'severity', /not a field/],
  ['an unknown actor field', () => withActor({ isAdmin: true }), 'schema_violation', 'actor.isAdmin', /not a field/],
  [
    'changes that are an array',
    () => withField({ changes: { before: [1], after: { a: 1 } } }),
    'schema_violation',
    'changes.before',
    /object/,
  ],
  ['metadata that is text', () => withField({ metadata: 'note' }), 'schema_violation', 'metadata', /object/],
  [
    'UPDATE without before',
    () => withField({ changes: { after: { a: 1 } } }),
    'schema_violation',
    'changes.before',
    /required for UPDATE/,
  ],
  [
    'UPDATE without after',
    () => withField({ changes: { before: { a: 1 }, after: null } }),
    'schema_violation',
    'changes.after',
    /required for UPDATE/,
  ],
  [
    'CREATE with before',
    () => withField({ eventType: 'repo.created', changes: { before: { a: 1 }, after: { a: 2 } } }),
    'schema_violation',
    'changes.before',
    /must be null for CREATE/,
  ],
  [
    'CREATE without after',
    () => withField({ operation: 'CREATE', changes: { before: null, after: null } }),
    'schema_violation',
    'changes.after',
    /required for CREATE/,
  ],
  [
    'DELETE with after',
    () => withField({ eventType: 'repo.deleted', changes: { before: { a: 1 }, after: { a: 1 } } }),
    'schema_violation',
    'changes.after',
    /must be null for DELETE/,
  ],
  [
    'DELETE without before',
    () => withField({ operation: 'DELETE', changes: { after: null } }),
    'schema_violation',
    'changes.before',
    /required for DELETE/,
  ],
  [
    'metadata over 64 KiB',
    () => withField({ metadata: { blob: 'x'.repeat(LIMITS.metadataBytes) } }),
    'schema_violation',
    'metadata',
    /65536 bytes/,
  ],
  [
    'a payload over 256 KiB',
    () => withField({ changes: { before: { a: '' }, after: { a: 'x'.repeat(LIMITS.envelopeBytes) } } }),
    'payload_too_large',
    '',
    /262144 bytes/,
  ],
  [
    '__proto__ at the top',
    () => bytesOf(JSON.stringify(validEnvelope()).replace(/^\{/, '{"__proto__":{"admin":true},')),
    'hostile_payload',
    '__proto__',
    /not allowed/,
  ],
  [
    '__proto__ deep in metadata',
    () => bytesOf(JSON.stringify(validEnvelope()).replace('"reason":', '"a":{"b":{"__proto__":{"x":1}}},"reason":')),
    'hostile_payload',
    'metadata.a.b.__proto__',
    /not allowed/,
  ],
  [
    'constructor in changes',
    () => withField({ changes: { before: { a: 1 }, after: { constructor: { prototype: 1 } } } }),
    'hostile_payload',
    'changes.after.constructor',
    /"constructor"/,
  ],
  [
    'prototype inside an array',
    () => withField({ metadata: { list: [{ ok: 1 }, { prototype: {} }] } }),
    'hostile_payload',
    'metadata.list[1].prototype',
    /"prototype"/,
  ],
  [
    'objects nested 33 deep',
    () => deepMetadata(LIMITS.maxDepth, '{"a":', '}'),
    'hostile_payload',
    `metadata.deep${'.a'.repeat(30)}`,
    /32 levels/,
  ],
  [
    'objects nested 10,000 deep',
    () => deepMetadata(10_000, '{"a":', '}'),
    'hostile_payload',
    `metadata.deep${'.a'.repeat(30)}`,
    /32 levels/,
  ],
  [
    'arrays nested 10,000 deep',
    () => deepMetadata(10_000, '[', ']'),
    'hostile_payload',
    `metadata.deep${'[0]'.repeat(30)}`,
    /32 levels/,
  ],
];

describe('validateRawEnvelope: rejections', () => {
  it('has at least 30 malformed or hostile cases', () => {
    expect(REJECTED.length).toBeGreaterThanOrEqual(30);
  });

  it.each(REJECTED)('rejects %s', (_name, input, reason, path, message) => {
    const bytes = input();
    const { reason: actual, errors } = rejectionOf(() => validateRawEnvelope(bytes, NOW));
    expect(actual).toBe(reason);
    const error = errors.find((e) => e.path === path);
    expect(error, `no error at "${path}" in ${JSON.stringify(errors)}`).toBeDefined();
    expect(error?.message).toMatch(message);
  });

  it('reports every broken field at once', () => {
    const { reason, errors } = rejectionOf(() =>
      validateRawEnvelope(withField({ tenantId: 'a b', eventId: '', outcome: 'maybe' }), NOW),
    );
    expect(reason).toBe('schema_violation');
    expect(errors.map((e) => e.path).sort()).toEqual(['eventId', 'outcome', 'tenantId']);
  });

  it('reports the contract rules that depend on several fields together', () => {
    const bytes = json({
      ...validEnvelope(),
      actor: { type: 'system' },
      resource: undefined,
      occurredAt: '2027-01-01T00:00:00Z',
      changes: { before: null, after: { a: 1 } },
    });
    const { errors } = rejectionOf(() => validateRawEnvelope(bytes, NOW));
    expect(errors.map((e) => e.path).sort()).toEqual(['actor.id', 'changes.before', 'occurredAt', 'resource']);
  });
});

describe('validateRawEnvelope: metadata size', () => {
  it('measures metadata as serialized, even when the raw text is much shorter', () => {
    // 3,300 × "1e20," is about 16 KiB of raw text but about 72 KiB once serialized.
    const numbers = `[${Array.from({ length: 3300 }, () => '1e20').join(',')}]`;
    const text = JSON.stringify(validEnvelope()).replace('"reason":"rename"', `"n":${numbers}`);
    expect(text.length).toBeLessThan(LIMITS.metadataBytes / 2);
    const { reason, errors } = rejectionOf(() => validateRawEnvelope(bytesOf(text), NOW));
    expect(reason).toBe('schema_violation');
    expect(errors).toEqual([{ path: 'metadata', message: 'must be at most 65536 bytes serialized' }]);
  });
});

describe('validateRawEnvelope: accepted input', () => {
  it('returns the envelope with the operation derived from the event type', () => {
    const envelope = validateRawEnvelope(withField({}), NOW);
    expect(envelope.operation).toBe('UPDATE');
    expect(envelope.tenantId).toBe('acme_01');
    expect(envelope.changes).toEqual({ before: { defaultBranch: 'main' }, after: { defaultBranch: 'trunk' } });
  });

  it('applies defaults: outcome success, missing change sides null', () => {
    const input = validEnvelope();
    delete input.outcome;
    input.eventType = 'repo.created';
    input.changes = { after: { name: 'api' } };
    const envelope = validateRawEnvelope(json(input), NOW);
    expect(envelope.outcome).toBe('success');
    expect(envelope.operation).toBe('CREATE');
    expect(envelope.changes).toEqual({ before: null, after: { name: 'api' } });
  });

  it('derives the operation from compound verbs, so their change sides follow the right rule', () => {
    const removed = { eventType: 'org.team_deleted', resource: { type: 'team', id: 't-1' } };
    const deleted = validateRawEnvelope(
      withField({ ...removed, changes: { before: { name: 'ops' }, after: null } }),
      NOW,
    );
    expect(deleted.operation).toBe('DELETE');
    const added = { eventType: 'org.member_added', changes: { before: null, after: { role: 'member' } } };
    expect(validateRawEnvelope(withField(added), NOW).operation).toBe('CREATE');
  });

  it('keeps a stated operation over the derived one', () => {
    const envelope = validateRawEnvelope(withField({ eventType: 'repo.created', operation: 'EXECUTE' }), NOW);
    expect(envelope.operation).toBe('EXECUTE');
  });

  it('accepts READ and EXECUTE events with any change sides', () => {
    expect(() =>
      validateRawEnvelope(withField({ operation: 'READ', changes: { before: null, after: null } }), NOW),
    ).not.toThrow();
  });

  it('accepts auth events without resource and anonymous actors without id', () => {
    const input = validEnvelope();
    delete input.resource;
    delete input.changes;
    input.eventType = 'auth.login.failed';
    input.outcome = 'failure';
    input.actor = { type: 'anonymous', ip: '2001:db8::1' };
    const envelope = validateRawEnvelope(json(input), NOW);
    expect(envelope.resource).toBeUndefined();
    expect(envelope.operation).toBe('EXECUTE');
  });

  it('accepts a timestamp exactly 5 minutes ahead and any zone', () => {
    expect(() => validateRawEnvelope(withField({ occurredAt: '2026-01-31T12:05:00Z' }), NOW)).not.toThrow();
    expect(() => validateRawEnvelope(withField({ occurredAt: '2026-01-31T09:00:00.123-03:00' }), NOW)).not.toThrow();
  });

  it('accepts nesting right at the limit and keys that merely contain forbidden words', () => {
    expect(() => validateRawEnvelope(deepMetadata(LIMITS.maxDepth - 2, '{"a":', '}'), NOW)).not.toThrow();
    const keys = { proto: 1, constructorName: 'X', prototypes: [] };
    expect(() => validateRawEnvelope(withField({ metadata: keys }), NOW)).not.toThrow();
  });

  it('accepts text in any script, and metadata just under 64 KiB', () => {
    const text = 'Ünïcødé 漢字 😀';
    const envelope = validateRawEnvelope(withField({ metadata: { text } }), NOW);
    expect(envelope.metadata).toEqual({ text });
    const blob = 'x'.repeat(LIMITS.metadataBytes - '{"blob":""}'.length);
    expect(() => validateRawEnvelope(withField({ metadata: { blob } }), NOW)).not.toThrow();
  });
});

describe('validateEnvelope: already-parsed values (outbox documents)', () => {
  it('applies the same rules', () => {
    const { reason, errors } = rejectionOf(() => validateEnvelope({ ...validEnvelope(), tenantId: 'a/b' }, NOW));
    expect(reason).toBe('schema_violation');
    expect(errors[0]?.path).toBe('tenantId');
  });

  it('refuses an envelope over 256 KiB', () => {
    const huge = { ...validEnvelope(), changes: { before: { a: '' }, after: { a: 'x'.repeat(LIMITS.envelopeBytes) } } };
    expect(rejectionOf(() => validateEnvelope(huge, NOW)).reason).toBe('payload_too_large');
  });

  it('refuses a value that JSON cannot hold as a permanent rejection, not a crash', () => {
    const cyclic: Json = { ...validEnvelope(), metadata: {} };
    (cyclic.metadata as Json).self = cyclic.metadata;
    expect(rejectionOf(() => validateEnvelope(cyclic, NOW)).reason).toBe('hostile_payload');
    const big = { ...validEnvelope(), metadata: { n: 10n } };
    const { reason, errors } = rejectionOf(() => validateEnvelope(big, NOW));
    expect(reason).toBe('schema_violation');
    expect(errors[0]?.message).toMatch(/representable as JSON/);
  });

  it('refuses a 10,000-deep object without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(rejectionOf(() => validateEnvelope({ ...validEnvelope(), metadata: deep }, NOW)).reason).toBe(
      'hostile_payload',
    );
  });
});

describe('the validation steps', () => {
  it('decodePayload refuses more bytes than the limit before decoding', () => {
    expect(rejectionOf(() => decodePayload(new Uint8Array(LIMITS.envelopeBytes + 1))).reason).toBe('payload_too_large');
    expect(decodePayload(bytesOf('{"a":"é"}'))).toBe('{"a":"é"}');
  });

  it('parseJson reports the parser message', () => {
    const { errors } = rejectionOf(() => parseJson('{'));
    expect(errors[0]?.message).toMatch(/^must be valid JSON \(.+\)$/);
  });

  it('assertNotHostile accepts scalars and plain data', () => {
    expect(() => assertNotHostile(null)).not.toThrow();
    expect(() => assertNotHostile({ a: [1, { b: 'c' }] })).not.toThrow();
  });
});

describe('already-parsed values (outbox documents)', () => {
  const now = new Date('2026-01-31T12:00:00Z');
  const base = () => ({
    specVersion: '1.0',
    eventId: 'e-1',
    eventType: 'repo.created',
    tenantId: 't1',
    occurredAt: '2026-01-31T11:59:00Z',
    source: 'repo-service',
    actor: { type: 'user', id: 'u1', name: undefined },
    resource: { type: 'repository', id: 'r1' },
  });

  it('drops undefined members, as JSON would', () => {
    const envelope = validateEnvelope(base(), now);
    expect('name' in envelope.actor).toBe(false);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'refuses %s with a schema violation',
    (bad) => {
      expect(() => validateEnvelope({ ...base(), metadata: { ratio: bad } }, now)).toThrow(
        expect.objectContaining({ reason: 'schema_violation' }) as Error,
      );
    },
  );
});
