import { describe, expect, it } from 'vitest';
import { entryHash, type AuditEntry } from './entry';
import { logIdFor } from './ids';
import type { TransportContext } from './metadata';
import { buildEntry, prepareEvent, type PipelineDeps, type PreparedEvent, type RawEvent } from './pipeline';
import { REDACTED } from './redact';
import { DEFAULT_TENANT_SETTINGS, readTenantSettings, type TenantSettings } from './tenant';
import { validateEnvelope } from './validate';

const NOW = new Date('2026-01-31T12:00:00.000Z');
const PUBSUB: TransportContext = { via: 'pubsub' };

/** In-memory stand-in for the tenant store and the clock. */
class FakeDeps implements PipelineDeps {
  readonly lookups: string[] = [];
  constructor(
    private readonly tenants: ReadonlyMap<string, TenantSettings>,
    private readonly clock: Date = NOW,
  ) {}
  now(): Date {
    return this.clock;
  }
  tenantSettings(tenantId: string): Promise<TenantSettings | null> {
    this.lookups.push(tenantId);
    return Promise.resolve(this.tenants.get(tenantId) ?? null);
  }
}

// Sealing personal data is on by default and has its own spec (privacy/sealing.spec.ts); this spec
// asserts the built entry's fields in clear, so its tenants turn sealing off.
const CLEAR_TEXT = readTenantSettings({ privacy: { encryptPersonalData: false } }).settings;
const ACME = readTenantSettings({
  privacy: { encryptPersonalData: false },
  classification: { overrides: [{ match: 'issue.*', level: 'WARNING' }] },
  redaction: { extraKeys: ['salary'] },
  // The auth service imports history over Pub/Sub: its events may be of any age.
  ingest: { backfillSources: ['auth-service'] },
}).settings;
const deps = () =>
  new FakeDeps(
    new Map([
      ['acme', ACME],
      ['plain', CLEAR_TEXT],
    ]),
  );

function envelope(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
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
    ...patch,
  };
}

const bytes = (value: unknown): RawEvent => ({ bytes: new TextEncoder().encode(JSON.stringify(value)) });

function accepted(result: PreparedEvent): AuditEntry {
  if (result.status !== 'accepted') throw new Error(`expected acceptance, got ${JSON.stringify(result)}`);
  return result.entry;
}

describe('prepareEvent', () => {
  it('builds an entry whose hash verifies', async () => {
    const entry = accepted(await prepareEvent(bytes(envelope()), PUBSUB, deps()));
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(entry)).toBe(entry.hash);
    // A stored entry goes through JSON-like storage; the hash must survive that.
    expect(entryHash(JSON.parse(JSON.stringify(entry)) as AuditEntry)).toBe(entry.hash);
    expect(entryHash({ ...entry, level: 'CRITICAL' })).not.toBe(entry.hash);
  });

  it('fills the derived fields of the contract', async () => {
    const entry = accepted(await prepareEvent(bytes(envelope()), PUBSUB, deps()));
    expect(entry.logId).toBe(logIdFor('acme', 'auth-service', 'evt-1'));
    expect(entry.occurredAt).toBe('2026-01-31T11:59:00.000Z');
    const utc = accepted(
      await prepareEvent(bytes(envelope({ occurredAt: '2024-02-29T23:59:59.999Z' })), PUBSUB, deps()),
    );
    expect(utc.occurredAt).toBe('2024-02-29T23:59:59.999Z');
    const short = accepted(await prepareEvent(bytes(envelope({ occurredAt: '2026-01-31T11:00:00Z' })), PUBSUB, deps()));
    expect(short.occurredAt).toBe('2026-01-31T11:00:00.000Z');
    expect(entry.operation).toBe('UPDATE');
    expect(entry.outcome).toBe('success');
    expect(entry.category).toBe('AUTHENTICATION');
    expect(entry.level).toBe('INFO');
    expect(entry.requiresReview).toBe(false);
    // Review state is never part of the entry: it lives in audit_reviews.
    expect(entry).not.toHaveProperty('reviewStatus');
    expect(entry.sequence).toBe(3);
  });

  it('computes changedFields before redaction and records the masked paths', async () => {
    const entry = accepted(await prepareEvent(bytes(envelope()), PUBSUB, deps()));
    // After redaction both passwords read [REDACTED]; the change is still recorded.
    expect(entry.changes).toEqual({
      before: { password: REDACTED, mfa: true },
      after: { password: REDACTED, mfa: true },
    });
    expect(entry.changedFields).toEqual(['password']);
    expect(entry.metadata).toEqual({ note: 'reset by [REDACTED:email]', salary: REDACTED, secretPhrase: REDACTED });
    expect([...entry.redactions].sort()).toEqual([
      'changes.after.password',
      'changes.before.password',
      'metadata.note',
      'metadata.salary',
      'metadata.secretPhrase',
    ]);
  });

  it("applies the tenant's own settings only to that tenant", async () => {
    const event = envelope({ eventType: 'issue.created', changes: undefined, resource: { type: 'issue', id: 'i-1' } });
    const acme = accepted(await prepareEvent(bytes(event), PUBSUB, deps()));
    const plain = accepted(await prepareEvent(bytes({ ...event, tenantId: 'plain' }), PUBSUB, deps()));
    expect(acme.level).toBe('WARNING');
    expect(plain.level).toBe('INFO');
    expect(acme.metadata?.salary).toBe(REDACTED);
    expect(plain.metadata?.salary).toBe(100);
    expect(plain.logId).not.toBe(acme.logId);
  });

  it('indexes structured fields only, never changes or metadata', async () => {
    const entry = accepted(await prepareEvent(bytes(envelope()), PUBSUB, deps()));
    expect(entry.searchTokens).toEqual(expect.arrayContaining(['u-1', 'jane', 'auth-service', 'password']));
    for (const leaked of ['old-secret', 'new-secret', 'tokens-in-metadata', 'jane@acme.test', 'reset']) {
      expect(entry.searchTokens).not.toContain(leaked);
    }
  });

  it('adds what the transport knows, and leaves absent optional fields out', async () => {
    const event = envelope({ sequence: undefined, resource: undefined, changes: undefined, metadata: undefined });
    const transport: TransportContext = { via: 'http', callerIp: '203.0.113.5', requestId: 'req-9' };
    const entry = accepted(await prepareEvent(bytes(event), transport, deps()));
    expect(entry.actor).toEqual({ type: 'user', id: 'u-1', name: 'Jane Doe', ip: '203.0.113.5' });
    expect(entry.context).toEqual({ requestId: 'req-9' });
    for (const field of ['sequence', 'resource', 'changes', 'metadata']) expect(entry).not.toHaveProperty(field);
    expect(Object.values(entry)).not.toContain(undefined);
    expect(entryHash(entry)).toBe(entry.hash);
  });

  it('gives the same entry for a redelivery', async () => {
    const first = accepted(await prepareEvent(bytes(envelope()), PUBSUB, deps()));
    const later = new FakeDeps(new Map([['acme', ACME]]), new Date('2026-01-31T12:03:00Z'));
    const again = accepted(await prepareEvent(bytes(envelope()), PUBSUB, later));
    expect(again).toEqual(first);
  });

  it('accepts an already-parsed outbox document the same way', async () => {
    const fromBytes = accepted(await prepareEvent(bytes(envelope()), { via: 'outbox' }, deps()));
    const fromValue = accepted(await prepareEvent({ value: envelope() }, { via: 'outbox' }, deps()));
    expect(fromValue).toEqual(fromBytes);
  });

  it('rejects an unknown tenant after looking it up', async () => {
    const fake = deps();
    const result = await prepareEvent(bytes(envelope({ tenantId: 'nobody' })), PUBSUB, fake);
    expect(result).toEqual({
      status: 'rejected',
      reason: 'unknown_tenant',
      message: 'tenant "nobody" does not exist',
      errors: [{ path: 'tenantId', message: 'must name an existing tenant' }],
      tenantId: 'nobody',
      eventId: 'evt-1',
    });
    expect(fake.lookups).toEqual(['nobody']);
  });

  it('rejects invalid input without a tenant lookup, naming the tenant and event when it can', async () => {
    const fake = deps();
    const result = await prepareEvent(bytes(envelope({ occurredAt: '2026-01-31T12:30:00Z' })), PUBSUB, fake);
    expect(result).toMatchObject({
      status: 'rejected',
      reason: 'schema_violation',
      tenantId: 'acme',
      eventId: 'evt-1',
      errors: [{ path: 'occurredAt', message: 'must not be more than 5 minutes in the future' }],
    });
    expect(fake.lookups).toEqual([]);
    const outbox = await prepareEvent({ value: envelope({ actor: { type: 'user' } }) }, { via: 'outbox' }, fake);
    expect(outbox).toMatchObject({ status: 'rejected', reason: 'schema_violation', tenantId: 'acme' });
  });

  it('rejects bytes that are not JSON without naming a tenant', async () => {
    const result = await prepareEvent({ bytes: new TextEncoder().encode('{"tenantId":') }, PUBSUB, deps());
    expect(result.status).toBe('rejected');
    if (result.status === 'rejected') {
      expect(result.reason).toBe('invalid_json');
      expect(result.tenantId).toBeUndefined();
    }
  });

  it('lets a transient failure of a dependency throw, so the delivery is retried', async () => {
    const failing: PipelineDeps = {
      now: () => NOW,
      tenantSettings: () => Promise.reject(new Error('firestore unavailable')),
    };
    await expect(prepareEvent(bytes(envelope()), PUBSUB, failing)).rejects.toThrow('firestore unavailable');
  });
});

describe('buildEntry', () => {
  it('refuses to build a clear-text entry for a tenant that seals (the default) when given no seal', () => {
    const valid = validateEnvelope(envelope(), NOW);
    expect(() => buildEntry(valid, DEFAULT_TENANT_SETTINGS, PUBSUB)).toThrow(/encrypts personal data/);
    expect(buildEntry(valid, CLEAR_TEXT, PUBSUB).actor).toEqual(valid.actor);
  });

  it('classifies from the change itself', () => {
    const valid = validateEnvelope(
      {
        ...envelope({ eventType: 'repo.visibility_changed', resource: { type: 'repository', id: 'r-1' } }),
        changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
        metadata: undefined,
      },
      NOW,
    );
    const entry = buildEntry(valid, CLEAR_TEXT, PUBSUB);
    expect(entry).toMatchObject({
      category: 'SYSTEM_CONFIGURATION',
      level: 'CRITICAL',
      requiresReview: true,
      changedFields: ['visibility'],
      redactions: [],
    });
    expect(entryHash(entry)).toBe(entry.hash);
  });
});
