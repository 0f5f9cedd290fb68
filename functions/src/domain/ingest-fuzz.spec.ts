import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG_EVENT_TYPES } from './catalog';
import { LIMITS } from './envelope';
import { REJECTION_REASONS } from './errors';
import { prepareEvent, type PipelineDeps, type PreparedEvent, type RawEvent } from './pipeline';
import { AUDIT_LOGS_COLLECTION, unstorableErrors } from './storable';
import { readTenantSettings } from './tenant';

// Sealing personal data is on by default and has its own spec (privacy/sealing.spec.ts); this
// spec is about settling hostile input and asserts actor fields in clear, so its tenant turns sealing off.
const CLEAR_TEXT = readTenantSettings({ privacy: { encryptPersonalData: false } }).settings;

// Property-based fuzzing of the whole pure ingest pipeline (decode, parse, validate, classify,
// redact, tokens, hash, storability). Every input, however malformed or hostile, must end as an
// entry Firestore can store or as a rejection with a known reason and field errors: never an
// exception (which the triggers would turn into a retry loop), and never in time out of
// proportion to a benign envelope of the same size.

const NOW = new Date('2026-06-01T12:00:00.000Z');
const deps: PipelineDeps = {
  now: () => NOW,
  tenantSettings: (id) => Promise.resolve(id === 'ghost' ? null : CLEAR_TEXT),
};
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const KNOWN_REASONS: ReadonlySet<string> = new Set(REJECTION_REASONS);
const encoder = new TextEncoder();

const identifier = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/);
const instant = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('2026-06-01T12:04:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const eventType = fc.oneof(
  fc.constantFrom(...CATALOG_EVENT_TYPES),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,10}(\.[a-z][a-z0-9_]{0,10}){1,3}$/),
);
const jsonObject = fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 });

/** Envelopes of the contract's shape: most are valid, some break a cross-field rule. */
const envelope = fc.record({
  specVersion: fc.constant('1.0'),
  eventId: identifier,
  eventType,
  tenantId: fc.constantFrom('acme', 'globex', 'ghost'),
  occurredAt: instant,
  source: fc.stringMatching(/^[a-z][a-z-]{0,20}$/),
  sequence: fc.option(fc.nat(), { nil: undefined }),
  actor: fc.record(
    {
      type: fc.constantFrom('user', 'service_account', 'system', 'anonymous'),
      id: identifier,
      email: fc.emailAddress(),
      ip: fc.oneof(fc.ipV4(), fc.ipV6()),
      roles: fc.array(identifier, { maxLength: 3 }),
    },
    { requiredKeys: ['type'] },
  ),
  resource: fc.record({ type: fc.constantFrom('repository', 'issue', 'user'), id: identifier }),
  outcome: fc.constantFrom('success', 'failure', 'denied'),
  changes: fc.record({ before: fc.option(jsonObject, { nil: null }), after: fc.option(jsonObject, { nil: null }) }),
  metadata: jsonObject,
});

/** One step of damage to an envelope: what producers, bugs and attackers send. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), key: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('set' as const), key: fc.string({ maxLength: 12 }), value: fc.anything() }),
  fc.record({ kind: fc.constant('deep' as const), levels: fc.integer({ min: 15, max: 2000 }) }),
  fc.record({
    kind: fc.constant('huge' as const),
    text: fc.constantFrom('@', 'a@', '4', ' ', 'Bearer ', '\u0000', 'é'),
  }),
  fc.record({
    kind: fc.constant('wideChanges' as const),
    keyLength: fc.integer({ min: 1, max: 100_000 }),
    leaves: fc.integer({ min: 1, max: 10_000 }),
  }),
  fc.record({ kind: fc.constant('proto' as const), where: fc.constantFrom('', 'metadata', 'changes.after') }),
  fc.record({ kind: fc.constant('number' as const), value: fc.oneof(fc.double(), fc.bigInt().map(String)) }),
  fc.record({ kind: fc.constant('unicode' as const), text: fc.string({ unit: 'binary', maxLength: 64 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function nest(levels: number): unknown {
  let node: unknown = 1;
  for (let i = 0; i < levels; i++) node = { n: node };
  return node;
}

/** Applies a mutation; returns raw bytes where the damage cannot be expressed as an object. */
function mutate(base: Record<string, unknown>, m: Mutation): RawEvent {
  const value: Record<string, unknown> = structuredClone(base);
  switch (m.kind) {
    case 'drop':
      delete value[m.key in value ? m.key : 'actor'];
      break;
    case 'set':
      value[m.key] = m.value;
      break;
    case 'deep':
      value.metadata = { deep: nest(m.levels) };
      break;
    case 'huge':
      value.metadata = { note: m.text.repeat(Math.floor(250_000 / m.text.length)) };
      break;
    case 'wideChanges': {
      const leaves = Object.fromEntries(Array.from({ length: m.leaves }, (_, i) => [`l${i}`, i]));
      value.changes = { before: null, after: { ['k'.repeat(m.keyLength)]: leaves } };
      value.eventType = 'repo.created';
      break;
    }
    case 'proto': {
      const text = JSON.stringify(value);
      const hostile = '"__proto__":{"polluted":true},';
      const at = m.where === '' ? 1 : text.indexOf('{', text.indexOf(`"${m.where.split('.').pop()!}":`)) + 1;
      return { bytes: encoder.encode(text.slice(0, at) + hostile + text.slice(at)) };
    }
    case 'number':
      value.sequence = m.value;
      break;
    case 'unicode':
      value.eventId = m.text;
      value.source = m.text;
      break;
  }
  return { bytes: encoder.encode(safeJson(value)) };
}

/** JSON of a fuzzed value; values JSON cannot hold (bigint, cycles) become a plain string. */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return String(value);
  }
}

/** The invariant: storable entry, or a rejection with a known reason and field errors. */
function expectSettled(result: PreparedEvent): void {
  if (result.status === 'accepted') {
    expect(unstorableErrors(result.entry, AUDIT_LOGS_COLLECTION)).toEqual([]);
    expect(result.entry.hash).toMatch(/^[0-9a-f]{64}$/);
    return;
  }
  expect(KNOWN_REASONS.has(result.reason), result.reason).toBe(true);
  expect(result.errors.length).toBeGreaterThan(0);
}

/** Median time of `runs` runs of the pipeline on one input, in ms. */
async function medianMs(raw: RawEvent, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await prepareEvent(raw, { via: 'pubsub' }, deps);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/**
 * A benign envelope of about `bytes` bytes: a created record with many short fields, the
 * densest honest shape (the most keys per byte, which is what costs time per byte).
 */
function benignOfSize(bytes: number): RawEvent {
  const base = {
    specVersion: '1.0',
    eventId: 'benign-1',
    eventType: 'repo.created',
    tenantId: 'acme',
    occurredAt: '2026-06-01T11:00:00Z',
    source: 'repo-service',
    actor: { type: 'user', id: 'u-1' },
    resource: { type: 'repository', id: 'r-1' },
  };
  // Never over the envelope limit: a benign event that is refused unread would be no baseline.
  const target = Math.min(bytes, LIMITS.envelopeBytes);
  const encode = (count: number) => {
    const after = Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, i]));
    return encoder.encode(JSON.stringify({ ...base, changes: { before: null, after } }));
  };
  let count = Math.max(1, Math.floor(target / 16));
  let encoded = encode(count);
  while (encoded.byteLength > target && count > 1) {
    count = Math.max(1, Math.floor((count * target) / encoded.byteLength) - 1);
    encoded = encode(count);
  }
  return { bytes: encoded };
}

const sizeOf = (raw: RawEvent) => ('bytes' in raw ? raw.bytes.byteLength : safeJson(raw.value).length);

describe('ingest pipeline fuzzing', () => {
  it(`settles every generated envelope (seed ${SEED})`, { timeout: 600_000 }, async () => {
    console.log(`fuzz seed ${SEED}, ${RUNS} runs per property (FUZZ_SEED, FUZZ_RUNS to change)`);
    await fc.assert(
      fc.asyncProperty(envelope, async (e) => {
        expectSettled(await prepareEvent({ value: e }, { via: 'outbox' }, deps));
        expectSettled(await prepareEvent({ bytes: encoder.encode(JSON.stringify(e)) }, { via: 'http' }, deps));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(
    'settles mutated and hostile envelopes and arbitrary bytes, in time proportional to a benign one',
    { timeout: 600_000 },
    async () => {
      const slowest: Array<{ raw: RawEvent; ms: number; label: string }> = [];
      const record = async (raw: RawEvent, label: string) => {
        const start = performance.now();
        const result = await prepareEvent(raw, { via: 'pubsub' }, deps);
        slowest.push({ raw, ms: performance.now() - start, label });
        slowest.sort((a, b) => b.ms - a.ms).splice(8);
        expectSettled(result);
      };
      await fc.assert(
        fc.asyncProperty(envelope, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (e, ms) => {
          let raw: RawEvent = { value: e };
          for (const m of ms) raw = mutate('value' in raw ? (raw.value as Record<string, unknown>) : e, m);
          await record(raw, ms.map((m) => m.kind).join('+'));
        }),
        { seed: SEED + 1, numRuns: RUNS },
      );
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => record({ bytes }, 'bytes')),
        { seed: SEED + 2, numRuns: Math.floor(RUNS / 2) },
      );
      // The slowest inputs, measured again, against a benign envelope of the same size (at least
      // 16 KiB, below which both are dominated by fixed costs) measured now, in the same run.
      for (const { raw, label } of slowest) {
        const size = Math.max(sizeOf(raw), 16 * 1024);
        const [worst, benign] = [await medianMs(raw), await medianMs(benignOfSize(size))];
        console.log(`slow input ${label}, ${sizeOf(raw)} bytes: ${(worst / benign).toFixed(2)}× a benign envelope`);
        expect(worst / benign, `${label}: an input of ${sizeOf(raw)} bytes took ${worst.toFixed(1)} ms`).toBeLessThan(
          25,
        );
      }
    },
  );
});
