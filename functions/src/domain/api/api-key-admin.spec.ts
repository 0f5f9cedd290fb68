import { describe, expect, it } from 'vitest';
import { classify } from '../classify';
import { validateEnvelope } from '../validate';
import {
  apiKeyCreatedEvent,
  apiKeyRevokedEvent,
  createApiKeyInputSchema,
  parseCallableInput,
  requireTenantAdmin,
  revokeApiKeyInputSchema,
  type ApiKeyAuditInput,
} from './api-key-admin';
import { ApiError } from './errors';

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('requireTenantAdmin', () => {
  it('accepts an admin of a tenant and keeps uid, tenant and email', () => {
    expect(requireTenantAdmin({ uid: 'u1', token: { tenantId: 't1', role: 'admin', email: 'a@example.com' } })).toEqual(
      {
        uid: 'u1',
        tenantId: 't1',
        email: 'a@example.com',
      },
    );
  });

  it('refuses a caller who is not signed in', () => {
    expect(thrown(() => requireTenantAdmin(undefined)).code).toBe('unauthenticated');
  });

  it.each([
    { tenantId: 't1', role: 'auditor' },
    { tenantId: 't1', role: 'member' },
    { role: 'admin' },
    { tenantId: '', role: 'admin' },
    { platformAdmin: true, role: 'admin' },
  ])('refuses claims %j', (token) => {
    expect(thrown(() => requireTenantAdmin({ uid: 'u1', token })).code).toBe('permission_denied');
  });
});

describe('callable inputs', () => {
  it('takes the scopes an admin names, both by default, and refuses unknown ones on `scopes`', () => {
    const parse = (scopes: unknown) => parseCallableInput(createApiKeyInputSchema, { name: 'k', scopes });
    expect(parse(['read']).scopes).toEqual(['read']);
    expect(parse(['read', 'ingest', 'read']).scopes).toEqual(['ingest', 'read']);
    expect(thrown(() => parse(['admin'])).errors[0]?.path).toMatch(/^scopes/);
    expect(thrown(() => parse([])).errors[0]?.path).toBe('scopes');
  });

  it('trims the key name and refuses empty, long or extra input with field errors', () => {
    expect(parseCallableInput(createApiKeyInputSchema, { name: '  ci  ' })).toEqual({
      name: 'ci',
      scopes: ['ingest', 'read'],
    });
    expect(thrown(() => parseCallableInput(createApiKeyInputSchema, { name: ' ' })).errors).toEqual([
      { path: 'name', message: 'must not be empty' },
    ]);
    expect(thrown(() => parseCallableInput(createApiKeyInputSchema, { name: 'x'.repeat(101) })).errors[0]?.path).toBe(
      'name',
    );
    expect(thrown(() => parseCallableInput(createApiKeyInputSchema, null)).errors[0]?.path).toBe('name');
    expect(thrown(() => parseCallableInput(createApiKeyInputSchema, { name: 'a', tenantId: 'x' })).code).toBe(
      'invalid_argument',
    );
  });

  it('requires a 16 hex character key id to revoke', () => {
    expect(parseCallableInput(revokeApiKeyInputSchema, { keyId: '0123456789abcdef' })).toEqual({
      keyId: '0123456789abcdef',
    });
    expect(thrown(() => parseCallableInput(revokeApiKeyInputSchema, { keyId: '../x' })).errors).toEqual([
      { path: 'keyId', message: 'must be the 16 hex characters of a key id' },
    ]);
  });
});

describe('audit events of key management', () => {
  const input: ApiKeyAuditInput = {
    admin: { uid: 'u-admin', tenantId: 't1', email: 'admin@example.com' },
    keyId: '0123456789abcdef',
    name: 'ci',
    displayPrefix: 'alk_t1.0123456789abcdef',
    occurredAt: '2026-01-31T12:00:00.000Z',
  };
  const now = new Date('2026-01-31T12:00:01Z');

  it('builds a valid CREATE event, classified as SYSTEM_CONFIGURATION, without the secret', () => {
    const event = apiKeyCreatedEvent(input);
    const valid = validateEnvelope(event, now);
    expect(valid).toMatchObject({
      eventId: 'api-key-created-0123456789abcdef',
      eventType: 'config.api_key.created',
      source: 'audit-api',
      operation: 'CREATE',
      actor: { type: 'user', id: 'u-admin', email: 'admin@example.com' },
      resource: { type: 'api_key', id: '0123456789abcdef', name: 'ci' },
    });
    expect(classify(valid).category).toBe('SYSTEM_CONFIGURATION');
    expect(JSON.stringify(event)).not.toMatch(/hash/);
  });

  it('builds a valid UPDATE event for a revocation with the status change', () => {
    const valid = validateEnvelope(apiKeyRevokedEvent(input), now);
    expect(valid.operation).toBe('UPDATE');
    expect(valid.changes).toEqual({
      before: { name: 'ci', displayPrefix: 'alk_t1.0123456789abcdef', status: 'active' },
      after: { name: 'ci', displayPrefix: 'alk_t1.0123456789abcdef', status: 'revoked' },
    });
  });

  it('gives a repeated revocation the same event, so it is stored once', () => {
    expect(apiKeyRevokedEvent(input)).toEqual(apiKeyRevokedEvent({ ...input }));
  });
});
