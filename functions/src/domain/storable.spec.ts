import { describe, expect, it } from 'vitest';
import { prepareEvent, type PipelineDeps, type PreparedEvent } from './pipeline';
import { FIRESTORE_LIMITS, nestingDepth, storedEntryBytes, valueBytes } from './storable';
import { readTenantSettings } from './tenant';

// Sealing personal data is on by default and has its own spec (privacy/sealing.spec.ts); this
// spec is about storage limits and asserts actor fields in clear, so its tenant turns sealing off.
const CLEAR_TEXT = readTenantSettings({ privacy: { encryptPersonalData: false } }).settings;

const NOW = new Date('2026-01-31T12:00:00.000Z');
const deps: PipelineDeps = { now: () => NOW, tenantSettings: () => Promise.resolve(CLEAR_TEXT) };

function envelope(patch: Record<string, unknown>): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: 'evt-1',
    eventType: 'repo.created',
    tenantId: 'acme',
    occurredAt: '2026-01-31T11:59:00Z',
    source: 'repo-service',
    actor: { type: 'user', id: 'u-1' },
    resource: { type: 'repository', id: 'r-1' },
    changes: { before: null, after: { name: 'api' } },
    ...patch,
  };
}

/** A map nested `levels` deep (`{n: {n: … {n: 1}}}` has `levels` levels). */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { n: 1 };
  for (let i = 1; i < levels; i++) value = { n: value };
  return value;
}

const leaves = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`l${i}`, 1]));

// With the backfill capability: the instants below are far older than any tenant's backdating bound.
const prepare = (patch: Record<string, unknown>) =>
  prepareEvent({ value: envelope(patch) }, { via: 'http', backfill: true }, deps);

function rejection(result: PreparedEvent) {
  if (result.status !== 'rejected') throw new Error('expected a rejection');
  return result;
}

describe('Firestore storage size', () => {
  it('follows the documented rules for every value type', () => {
    expect(valueBytes('abc')).toBe(4);
    expect(valueBytes('é')).toBe(3);
    expect(valueBytes(true)).toBe(1);
    expect(valueBytes(null)).toBe(1);
    expect(valueBytes(42.5)).toBe(8);
    expect(valueBytes(['a', 1])).toBe(2 + 8);
    expect(valueBytes({ ab: 'c', d: { e: false } })).toBe(3 + 2 + (2 + (2 + 1)));
  });

  it('counts nesting levels the way the Admin SDK does', () => {
    expect(nestingDepth('x')).toBe(0);
    expect(nestingDepth({ a: 1 })).toBe(1);
    expect(nestingDepth({ a: [{ b: 1 }] })).toBe(3);
    expect(nestingDepth(nested(20))).toBe(20);
  });

  it('measures an entry with its document name, its timestamps and the 32 bytes of overhead', async () => {
    const result = await prepare({});
    if (result.status !== 'accepted') throw new Error('expected acceptance');
    const { entry } = result;
    const name = 'audit_logs'.length + 1 + entry.logId.length + 1 + 16;
    let fields = 'recordedAt'.length + 1 + 8;
    for (const [key, value] of Object.entries(entry)) {
      fields += key.length + 1 + (key === 'occurredAt' ? 8 : valueBytes(value));
    }
    expect(storedEntryBytes(entry, 'audit_logs')).toBe(name + fields + 32);
  });
});

describe('events Firestore cannot store are refused before any write', () => {
  it('refuses an instant before 0001-01-01, naming occurredAt', async () => {
    const result = rejection(await prepare({ occurredAt: '0000-01-01T00:00:00Z' }));
    expect(result.reason).toBe('schema_violation');
    expect(result.errors).toEqual([expect.objectContaining({ path: 'occurredAt' })]);
    expect((await prepare({ occurredAt: '0001-01-01T00:00:00Z' })).status).toBe('accepted');
  });

  it('refuses a small envelope whose changed field paths alone could not fit, without building them', async () => {
    // 10.5 KB sent: one long key over 1,000 leaves; every changed field repeats the key.
    const after = { ['k'.repeat(1400)]: leaves(1000) };
    expect(Buffer.byteLength(JSON.stringify(after))).toBeLessThan(16 * 1024);
    const result = rejection(await prepare({ changes: { before: null, after } }));
    expect(result.reason).toBe('unstorable');
    expect(result.errors).toEqual([
      expect.objectContaining({ path: 'changes', message: expect.stringMatching(/changed field paths/) as unknown }),
    ]);
  });

  it('refuses an entry whose changed fields fit but which is over 1 MiB once stored', async () => {
    const after = { ['k'.repeat(1040)]: leaves(1000) };
    const result = rejection(await prepare({ changes: { before: null, after } }));
    expect(result.reason).toBe('unstorable');
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: expect.stringContaining('changedFields') as unknown,
        message: expect.stringMatching(/1048576/) as unknown,
      }),
    ]);
  });

  it('refuses nesting deeper than Firestore allows, counting the levels the entry adds', async () => {
    // `changes` is one level of the stored entry above the producer's `after` map.
    const atLimit = await prepare({ changes: { before: null, after: nested(FIRESTORE_LIMITS.nestingDepth - 1) } });
    expect(atLimit.status).toBe('accepted');
    const tooDeep = rejection(
      await prepare({ changes: { before: null, after: nested(FIRESTORE_LIMITS.nestingDepth) } }),
    );
    expect(tooDeep.reason).toBe('unstorable');
    expect(tooDeep.errors).toEqual([
      expect.objectContaining({ path: 'changes', message: expect.stringMatching(/21 levels/) as unknown }),
    ]);
    const deepMetadata = rejection(await prepare({ metadata: nested(FIRESTORE_LIMITS.nestingDepth + 1) }));
    expect(deepMetadata.errors.map((e) => e.path)).toEqual(['metadata']);
  });
});
