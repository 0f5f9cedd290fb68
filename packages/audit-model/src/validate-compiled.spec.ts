import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actorSchema, changesSchema, contextSchema, envelopeSchema, resourceSchema } from './envelope';
import { compiledEnvelopeSchema } from './validate';

// Validation runs zod's compiled fast path of the envelope schema, and the runtime parser only
// for what the fast path does not accept. These tests hold the two to the same answer, and the
// same output, over the envelopes of the other specs, random valid envelopes and random
// mutations of them that break one rule or several.

type Json = Record<string, unknown>;

/** The generated fast path on its own: the parsed envelope, or INVALID where it hands over. */
const fastPath = z.core.compileFn(envelopeSchema);

/** mulberry32: deterministic, so a disagreement can be reproduced from the seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Valid envelopes of the other specs and fixtures (validate, pipeline, entry, test fixtures).
const SPEC_ENVELOPES: readonly Json[] = [
  {
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
  },
  {
    specVersion: '1.0',
    eventId: 'evt-1',
    eventType: 'repo.created',
    tenantId: 'acme_01',
    occurredAt: '2026-01-31T09:00:00.123-03:00',
    source: 'repo-service',
    actor: { type: 'user', id: 'u-1' },
    resource: { type: 'repository', id: 'r-1' },
    changes: { after: { name: 'api' } },
    metadata: { text: 'Ünïcødé 漢字 😀', proto: 1, constructorName: 'X', prototypes: [] },
  },
  {
    specVersion: '1.0',
    eventId: 'evt-2',
    eventType: 'auth.login.failed',
    tenantId: 'acme_01',
    occurredAt: '2026-01-31T12:05:00Z',
    source: 'auth',
    outcome: 'failure',
    operation: 'READ',
    actor: { type: 'anonymous', ip: '2001:db8::1' },
    changes: { before: null, after: null },
  },
  {
    specVersion: '1.0',
    eventId: 'evt-1',
    eventType: 'auth.password.changed',
    tenantId: 'acme',
    occurredAt: '2026-01-31T13:59:00+02:00',
    source: 'auth-service',
    sequence: 3,
    actor: { type: 'user', id: 'u-1', name: 'Jane Doe' },
    resource: { type: 'user', id: 'u-1' },
    changes: { before: { password: 'old-secret', mfa: true }, after: { password: 'new-secret', mfa: true } },
    metadata: { note: 'reset by jane@acme.test', salary: 100, secretPhrase: 'tokens-in-metadata' },
  },
  {
    specVersion: '1.0',
    eventId: '6f1c2d3e-0000-4000-8000-000000000001',
    eventType: 'repo.created',
    tenantId: 't_2',
    occurredAt: '2024-02-29T23:59:59.999Z',
    source: 'repo-service',
    actor: { type: 'user', id: 'u-alice', name: 'Alice Example', email: 'alice@example.com' },
    resource: { type: 'repository', id: 'r-1', name: 'widgets', path: 'org/widgets' },
    changes: { before: null, after: { name: 'widgets', visibility: 'private' } },
    context: { sessionId: 's-1' },
  },
];

// Values that pass their field, and values that probe the edges of each rule.
const VALID_EMAILS = ['a@b.co', 'dev@acme.test', "o'brien+ops@x.io", 'a_b-c@sub.example.co.uk', 'A@X.IO'];
const EMAILS = [
  ...VALID_EMAILS,
  '.a@b.co',
  'a..b@c.de',
  'a.@b.co',
  'a@b',
  'a@b.c',
  'a@-b.co',
  'ü@x.io',
  ' a@x.io',
  'a@x.io\n',
  'a@@x.io',
  `${'a'.repeat(310)}@example.com`,
  `${'a'.repeat(311)}@example.com`,
];
const VALID_IPS = ['203.0.113.7', '255.255.255.255', '::', '::1', '2001:db8::1', '2001:DB8::A', '::ffff:192.0.2.1'];
const IPS = [
  ...VALID_IPS,
  '256.1.1.1',
  '01.2.3.4',
  '1.2.3',
  '1.2.3.4\n',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1::2::3',
  'fe80::1%eth0',
  '::1\n',
  '::@1\\',
  'gggg::1',
  '[::1]',
  '::ffff:999.0.2.1',
];
const VALID_INSTANTS = [
  '2026-01-31T11:59:00Z',
  '2026-01-31T11:59:00.1+14:00',
  '2026-01-31T11:59:00.123456789-03:30',
  '2024-02-29T00:00:00Z',
  '2000-02-29T23:59:59Z',
];
const INSTANTS = [
  ...VALID_INSTANTS,
  '2023-02-29T00:00:00Z',
  '1900-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-01-31T24:00:00Z',
  '2026-01-31T11:59:60Z',
  '2026-01-31T11:59Z',
  '2026-01-31T11:59:00',
  '2026-01-31t11:59:00z',
  '2026-01-31 11:59:00Z',
  '2026-01-31T11:59:00+0200',
  '2026-01-31T11:59:00+24:00',
  '2026-01-31T11:59:00.Z',
  '2026-01-31',
  '+002026-01-31T00:00:00Z',
];
const CONTROL = ['\u0000', '\t', '\n', '\u001f', '\u007f'];
// Allowed: beyond the control range, a lone surrogate, a pair (two UTF-16 units).
const UNUSUAL = ['\u0080', '\u2028', '\ud800', '😀', 'é'];
const LENGTHS = [0, 1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024, 1025];
const WRONG_TYPES: readonly unknown[] = [0, -1, 1.5, true, null, [], ['x'], {}, { a: 1 }, '', 'x'];
const PATTERN_PROBES = [
  'repo.created',
  'a.b',
  'a1.b_2.c',
  'Repo.Created',
  'repo',
  'repo.',
  '.repo',
  'repo..x',
  'repo-x.y',
  'r',
  '1r',
  'r_1',
  'acme corp',
  'acme/../x',
  'a:b/c.d-e',
  '-x',
  '_x',
  'ä',
];
const NUMBERS: readonly unknown[] = [0, -0, 1, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e21, '3', Number.NaN, Infinity];

/** Free-form values for changes sides and metadata, plain or not. */
function freeForm(random: () => number): unknown {
  const options: Array<() => unknown> = [
    () => ({ a: 1, nested: { b: [1, 'two', null] } }),
    () => ({}),
    () => Object.assign(Object.create(null) as Json, { a: 1 }),
    () => null,
    () => [1, 2],
    () => 'text',
    () => 42,
    () => new Date(0),
    () => new Map([['a', 1]]),
    () =>
      new (class Custom {
        a = 1;
      })(),
  ];
  return options[Math.floor(random() * options.length)]!();
}

// Every field the schema knows, by object; mutations pick among them.
const FIELDS: ReadonlyArray<readonly [path: readonly string[], keys: readonly string[]]> = [
  [[], Object.keys(envelopeSchema.shape)],
  [['actor'], Object.keys(actorSchema.shape)],
  [['resource'], Object.keys(resourceSchema.shape)],
  [['changes'], Object.keys(changesSchema.shape)],
  [['context'], Object.keys(contextSchema.shape)],
];

function generator(seed: number) {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number) => random() < p;
  const text = () => pick(['x', 'api', 'Jane Doe', 'evt-1', 'r-9', 'é漢😀']) + pick(['', '-1', ' two', '_3']);

  /** A random envelope that the schema accepts; optional fields present or not. */
  function validEnvelope(): Json {
    const envelope: Json = {
      specVersion: '1.0',
      eventId: text(),
      eventType: pick(['repo.created', 'auth.user.login', 'org.member_added', 'pr.review_requested', 'a.b_c.d']),
      tenantId: pick(['acme', 'T-1', 'x_y', 't'.repeat(128)]),
      occurredAt: pick(VALID_INSTANTS),
      source: pick(['repo-service', 'a', 'svc:v1/x.y_z-w', 's'.repeat(64)]),
      actor: { type: pick(['user', 'service_account', 'system', 'anonymous']) },
    };
    const actor = envelope.actor as Json;
    if (chance(0.7)) actor.id = text();
    if (chance(0.5)) actor.name = text();
    if (chance(0.5)) actor.email = pick(VALID_EMAILS);
    if (chance(0.5)) actor.ip = pick(VALID_IPS);
    if (chance(0.3)) actor.userAgent = 'Mozilla/5.0 (X11; Linux x86_64)';
    if (chance(0.3)) actor.roles = Array.from({ length: pick([0, 1, 50]) }, (_, i) => `r${i}`);
    if (chance(0.5)) envelope.sequence = pick([0, 7, 2 ** 53 - 1]);
    if (chance(0.7)) envelope.resource = { type: 'repository', id: text(), ...(chance(0.5) ? { name: text() } : {}) };
    if (chance(0.3)) envelope.operation = pick(['CREATE', 'UPDATE', 'DELETE', 'READ', 'EXECUTE']);
    if (chance(0.6)) envelope.outcome = pick(['success', 'failure', 'denied']);
    if (chance(0.6)) {
      const changes: Json = {};
      if (chance(0.7)) changes.before = chance(0.5) ? null : { a: 1 };
      if (chance(0.7)) changes.after = chance(0.5) ? null : { a: 2, b: { c: [1] } };
      envelope.changes = changes;
    }
    if (chance(0.5)) envelope.metadata = { note: text(), n: 1, list: [text()] };
    if (chance(0.4)) envelope.context = { correlationId: text(), ...(chance(0.5) ? { requestId: 'req-1' } : {}) };
    return envelope;
  }

  /** A value meant to break (or to just pass) the field it replaces. */
  function probeFor(key: string): unknown {
    if (chance(0.25)) return pick(WRONG_TYPES);
    if (key === 'email') return pick(EMAILS);
    if (key === 'ip') return pick(IPS);
    if (key === 'occurredAt') return pick(INSTANTS);
    if (key === 'sequence') return pick(NUMBERS);
    if (key === 'before' || key === 'after' || key === 'metadata') return freeForm(random);
    if (key === 'roles') return Array.from({ length: pick([0, 1, 50, 51]) }, () => probeText());
    if (key === 'type' || key === 'outcome' || key === 'operation') {
      return pick(['user', 'User', 'robot', '', 'success', 'ok', 'CREATE', 'create', 'repository', 'Repo']);
    }
    if (key === 'specVersion') return pick(['1.0', '1', '2.0', 1]);
    return chance(0.4) ? pick(PATTERN_PROBES) : probeText();
  }

  /** Text at a boundary length, or with a control or otherwise unusual character in it. */
  function probeText(): string {
    const base = pick(['a', 'é', '😀']).repeat(pick(LENGTHS));
    if (chance(0.5)) return base;
    const at = Math.floor(random() * (base.length + 1));
    return base.slice(0, at) + pick(chance(0.6) ? CONTROL : UNUSUAL) + base.slice(at);
  }

  /** Applies 1 to 3 mutations: replace, remove or set undefined, or add an unknown key. */
  function mutate(source: Json): Json {
    const envelope = structuredClone(source);
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const [path, keys] = pick(FIELDS);
      let target: unknown = envelope;
      for (const segment of path) target = (target as Json)[segment];
      if (target === null || typeof target !== 'object' || Array.isArray(target)) continue;
      const record = target as Json;
      const roll = random();
      if (roll < 0.7) record[pick(keys)] = probeFor(pick(keys));
      else if (roll < 0.8) delete record[pick(keys)];
      else if (roll < 0.85) record[pick(keys)] = undefined;
      else if (roll < 0.95) record[pick(['severity', 'Type', '', 'ID', 'toString'])] = 1;
      // An own "__proto__" key, as JSON.parse creates it.
      else Object.assign(record, JSON.parse('{"__proto__":{"admin":true}}') as Json);
    }
    return envelope;
  }

  return { validEnvelope, mutate, chance };
}

interface Disagreement {
  input: unknown;
  runtime: unknown;
  fast: unknown;
}

/** Runs both paths; returns what differs (nothing, if they agree) and whether the runtime accepted. */
function compare(input: unknown): { disagreement?: Disagreement; accepted: boolean } {
  const runtime = envelopeSchema.safeParse(input);
  const fast = fastPath(input);
  const compiled = compiledEnvelopeSchema().safeParse(input);
  const same = runtime.success
    ? fast !== z.INVALID &&
      compiled.success &&
      isStrictlyEqual(fast, runtime.data) &&
      isStrictlyEqual(compiled.data, runtime.data) &&
      JSON.stringify(fast) === JSON.stringify(runtime.data)
    : fast === z.INVALID && !compiled.success && isStrictlyEqual(compiled.error.issues, runtime.error.issues);
  const disagreement = same ? undefined : { input, runtime, fast: fast === z.INVALID ? 'INVALID' : fast };
  return { accepted: runtime.success, ...(disagreement ? { disagreement } : {}) };
}

function isStrictlyEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
    return true;
  } catch {
    return false;
  }
}

describe('the compiled envelope schema', () => {
  it('compiles without handing any part to the runtime parser', () => {
    expect(() => z.compile(envelopeSchema, { strict: true })).not.toThrow();
  });

  it('accepts every valid envelope of the specs on the fast path, with the runtime output', () => {
    for (const envelope of SPEC_ENVELOPES) {
      expect(compare(envelope)).toEqual({ accepted: true });
    }
  });

  it('outputs what the runtime does, defaults included, for random valid envelopes', { timeout: 60_000 }, () => {
    const { validEnvelope } = generator(1);
    const defaulted = { outcome: 0, before: 0, after: 0 };
    for (let i = 0; i < 2000; i++) {
      const envelope = validEnvelope();
      expect(compare(envelope)).toEqual({ accepted: true });
      const parsed = fastPath(envelope) as Json;
      if (envelope.outcome === undefined && parsed.outcome === 'success') defaulted.outcome++;
      const changes = envelope.changes as Json | undefined;
      const out = parsed.changes as Json | undefined;
      if (changes && changes.before === undefined && out?.before === null) defaulted.before++;
      if (changes && changes.after === undefined && out?.after === null) defaulted.after++;
    }
    // Every default was exercised, many times over.
    expect(Math.min(defaulted.outcome, defaulted.before, defaulted.after)).toBeGreaterThan(50);
  });

  // ~8,000 comparisons: a second or two on a quiet machine, far more on a loaded one; the
  // default 5 s would make a busy machine fail a test about correctness.
  it('agrees with the runtime on accept, reject, output and issues for random mutations', { timeout: 60_000 }, () => {
    const { validEnvelope, mutate } = generator(2);
    const bases = [...SPEC_ENVELOPES, ...Array.from({ length: 300 }, validEnvelope)];
    const disagreements: Disagreement[] = [];
    let accepted = 0;
    let rejected = 0;
    for (const base of bases) {
      for (let i = 0; i < 25; i++) {
        const result = compare(mutate(base));
        if (result.disagreement) disagreements.push(result.disagreement);
        if (result.accepted) accepted++;
        else rejected++;
      }
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    // Both answers are well represented, so agreement is not agreement on one answer only.
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(3000);
  });

  it('agrees on every edge value of every field, one field at a time', () => {
    const disagreements: Disagreement[] = [];
    const values: readonly unknown[] = [
      ...EMAILS,
      ...IPS,
      ...INSTANTS,
      ...PATTERN_PROBES,
      ...WRONG_TYPES,
      ...NUMBERS,
      ...LENGTHS.flatMap((n) => ['a'.repeat(n), '😀'.repeat(n)]),
      ...[...CONTROL, ...UNUSUAL].map((c) => `a${c}b`),
      undefined,
    ];
    const base = SPEC_ENVELOPES[0]!;
    for (const [path, keys] of FIELDS) {
      for (const key of keys) {
        for (const value of values) {
          const envelope = structuredClone(base);
          let target = envelope;
          for (const segment of path) target = target[segment] as Json;
          target[key] = value;
          const result = compare(envelope);
          if (result.disagreement) disagreements.push(result.disagreement);
        }
      }
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
  });

  it('does not take over the input: strict objects come back as copies', () => {
    const input = structuredClone(SPEC_ENVELOPES[0]!);
    const output = compiledEnvelopeSchema().parse(input);
    expect(output).not.toBe(input);
    expect(output.actor).not.toBe(input.actor);
    expect(output.actor.roles).not.toBe((input.actor as Json).roles);
    expect(input).toStrictEqual(SPEC_ENVELOPES[0]);
  });
});
