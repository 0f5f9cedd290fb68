import { describe, expect, it } from 'vitest';
import { CATALOG_EVENT_TYPES, EVENT_CATALOG, EVENT_TYPE_ALIASES, canonicalEventType } from './catalog';
import { sameEvent } from './entry';
import type { TransportContext } from './metadata';
import { deriveOperation } from './operation';
import { prepareEvent, type PipelineDeps, type PreparedEvent, type RawEvent } from './pipeline';
import { readTenantSettings } from './tenant';

// Sealing personal data is on by default and has its own spec (privacy/sealing.spec.ts); this
// spec is about event aliases and asserts actor fields in clear, so its tenant turns sealing off.
const CLEAR_TEXT = readTenantSettings({ privacy: { encryptPersonalData: false } }).settings;

// The specification's auth events, by name.
const SPEC_AUTH_EVENTS = [
  'auth.user.login',
  'auth.user.logout',
  'auth.login.failed',
  'auth.password.changed',
  'auth.mfa.enabled',
  'auth.mfa.disabled',
  'auth.token.refreshed',
  'auth.session.expired',
  'auth.permission.changed',
  'auth.role.changed',
  'auth.email.verified',
];

describe('the catalog names the auth events as the specification does', () => {
  it('lists every auth event of the specification', () => {
    for (const type of SPEC_AUTH_EVENTS) expect(CATALOG_EVENT_TYPES, type).toContain(type);
  });

  it('no longer lists the earlier names, which are aliases of catalog types', () => {
    expect(EVENT_TYPE_ALIASES).toEqual({ 'auth.login': 'auth.user.login', 'auth.logout': 'auth.user.logout' });
    for (const [alias, type] of Object.entries(EVENT_TYPE_ALIASES)) {
      expect(EVENT_CATALOG, alias).not.toHaveProperty([alias]);
      expect(CATALOG_EVENT_TYPES).toContain(type);
      // The operation was derived before the name was resolved: it must not depend on the name.
      expect(deriveOperation(alias)).toBe(deriveOperation(type));
    }
  });

  it('maps an alias to its canonical name and leaves every other type alone', () => {
    expect(canonicalEventType('auth.login')).toBe('auth.user.login');
    expect(canonicalEventType('auth.logout')).toBe('auth.user.logout');
    for (const type of [
      'auth.user.login',
      'auth.login.failed',
      'auth.login.x',
      'repo.created',
      'toString',
      '__proto__',
    ]) {
      expect(canonicalEventType(type)).toBe(type);
    }
  });
});

describe('ingest stores an alias under the canonical name', () => {
  const NOW = new Date('2026-03-01T12:00:00.000Z');
  const deps: PipelineDeps = {
    now: () => NOW,
    tenantSettings: (tenantId) => Promise.resolve(tenantId === 'acme' ? CLEAR_TEXT : null),
  };
  const signIn = (eventType: string) => ({
    specVersion: '1.0',
    eventId: 'login-1',
    eventType,
    tenantId: 'acme',
    occurredAt: '2026-03-01T11:59:00.000Z',
    source: 'session-service',
    actor: { type: 'user', id: 'u-1' },
    metadata: { method: 'password' },
  });
  const entryOf = async (raw: RawEvent, via: TransportContext['via']) => {
    const result: PreparedEvent = await prepareEvent(raw, { via }, deps);
    if (result.status !== 'accepted') throw new Error(JSON.stringify(result));
    return result.entry;
  };
  const bytes = (value: unknown): RawEvent => ({ bytes: new TextEncoder().encode(JSON.stringify(value)) });

  it.each(['pubsub', 'http', 'outbox'] as const)('over %s, as the same entry as the canonical name', async (via) => {
    const raw = (value: unknown) => (via === 'outbox' ? { value } : bytes(value));
    const alias = await entryOf(raw(signIn('auth.login')), via);
    const canonical = await entryOf(raw(signIn('auth.user.login')), via);
    expect(alias.eventType).toBe('auth.user.login');
    expect(alias).toEqual(canonical);
    expect(alias.searchTokens).toContain('auth.user.login');
    expect(alias.searchTokens).not.toContain('auth.login');
    // Same id, same hash, same event: a second delivery under the other name is a duplicate.
    expect(sameEvent(alias, canonical)).toBe(true);
    const logout = await entryOf(raw({ ...signIn('auth.logout'), eventId: 'logout-1' }), via);
    expect(logout).toMatchObject({ eventType: 'auth.user.logout', category: 'AUTHENTICATION', level: 'INFO' });
  });
});
