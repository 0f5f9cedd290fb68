import { describe, expect, it } from 'vitest';
import { AUTH_SOURCE, authEventEnvelope, resolveAuthTenant, type AuthEventInput } from './auth-events';
import { buildEntry } from './pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from './tenant';
import { validateEnvelope } from './validate';

const NOW = new Date('2026-03-01T12:00:05.000Z');
const options = { defaultTenantId: 'platform', now: NOW };

function entryOf(input: AuthEventInput) {
  const envelope = authEventEnvelope(input, options);
  return buildEntry(validateEnvelope(envelope, NOW), CLEAR_TEXT_TENANT_SETTINGS, { via: 'outbox' });
}

describe('authEventEnvelope', () => {
  it('maps a sign-in to auth.user.login in the tenant of the custom claims', () => {
    const entry = entryOf({
      kind: 'signedIn',
      eventId: 'AbC123_-',
      timestamp: 'Sun, 01 Mar 2026 12:00:00 GMT',
      uid: 'u1',
      email: 'ann@example.com',
      displayName: 'Ann',
      customClaims: { tenantId: 'acme', role: 'admin' },
      ipAddress: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      signInMethod: 'password',
      locale: 'en',
    });
    expect(entry).toMatchObject({
      eventType: 'auth.user.login',
      eventId: 'auth.user.login:AbC123_-',
      category: 'AUTHENTICATION',
      level: 'INFO',
      operation: 'EXECUTE',
      tenantId: 'acme',
      source: AUTH_SOURCE,
      occurredAt: '2026-03-01T12:00:00.000Z',
      actor: {
        type: 'user',
        id: 'u1',
        name: 'Ann',
        email: 'ann@example.com',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
        roles: ['admin'],
      },
      resource: { type: 'user', id: 'u1' },
      metadata: { tenantFrom: 'claims', signInMethod: 'password', locale: 'en' },
    });
  });

  it('maps a new user to auth.user.created in the default tenant when no claim names one', () => {
    const entry = entryOf({ kind: 'created', eventId: 'e2', uid: 'u2', ipAddress: '', userAgent: '\n' });
    expect(entry).toMatchObject({
      eventType: 'auth.user.created',
      operation: 'CREATE',
      tenantId: 'platform',
      occurredAt: NOW.toISOString(),
      actor: { type: 'user', id: 'u2' },
      metadata: { tenantFrom: 'default' },
    });
    // Values the schema would refuse are dropped, never allowed to sink the event.
    expect(entry.actor.ip).toBeUndefined();
    expect(entry.actor.userAgent).toBeUndefined();
  });

  it('drops an invalid email and address rather than producing an invalid event', () => {
    const envelope = authEventEnvelope(
      { kind: 'signedIn', uid: 'u3', email: 'not-an-email', ipAddress: 'localhost' },
      options,
    );
    expect(() => validateEnvelope(envelope, NOW)).not.toThrow();
    expect(envelope.actor).toEqual({ type: 'user', id: 'u3' });
  });

  it('derives a stable event id when the platform gives none', () => {
    const input: AuthEventInput = { kind: 'signedIn', uid: 'u4', timestamp: 'Sun, 01 Mar 2026 12:00:00 GMT' };
    const a = authEventEnvelope(input, options).eventId;
    expect(authEventEnvelope(input, options).eventId).toBe(a);
    expect(a).toMatch(/^auth\.user\.login:[0-9a-f]{40}$/);
    expect(authEventEnvelope({ ...input, uid: 'u5' }, options).eventId).not.toBe(a);
  });
});

describe('resolveAuthTenant', () => {
  it('prefers the claim, then the Identity Platform tenant, then the default', () => {
    expect(resolveAuthTenant({ customClaims: { tenantId: 'acme' }, identityTenantId: 'gcip-1' }, 'p')).toEqual({
      tenantId: 'acme',
      from: 'claims',
    });
    expect(resolveAuthTenant({ customClaims: { tenantId: 'bad tenant!' }, identityTenantId: 'gcip-1' }, 'p')).toEqual({
      tenantId: 'gcip-1',
      from: 'identity_platform',
    });
    expect(resolveAuthTenant({ identityTenantId: null }, 'p')).toEqual({ tenantId: 'p', from: 'default' });
  });
});
