import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateApiKey,
  hashApiKey,
  keyFromAuthorization,
  parseApiKey,
  requireScope,
  verifyApiKey,
  type ApiKeyRecord,
  type RandomBytes,
} from './api-keys';
import { ApiError } from './errors';

/** A deterministic "random" source: bytes 0, 1, 2, ... so the key is a golden value. */
const counting: RandomBytes = (size) => Uint8Array.from({ length: size }, (_, i) => i);

function recordOf(key: ReturnType<typeof generateApiKey>, status: ApiKeyRecord['status'] = 'active'): ApiKeyRecord {
  return {
    keyId: key.keyId,
    tenantId: key.tenantId,
    name: 'ci',
    hash: key.hash,
    displayPrefix: key.displayPrefix,
    status,
    createdBy: 'u-admin',
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
  return undefined;
}

describe('generateApiKey', () => {
  it('builds alk_<tenant>.<16 hex id>.<43 base64url secret> from the injected bytes', () => {
    const key = generateApiKey('acme_co-1', counting);
    expect(key.keyId).toBe('0001020304050607');
    expect(key.key).toBe('alk_acme_co-1.0001020304050607.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8');
    expect(key.displayPrefix).toBe('alk_acme_co-1.0001020304050607');
    expect(key.key.startsWith(`${key.displayPrefix}.`)).toBe(true);
  });

  it('stores only the SHA-256 of the whole key', () => {
    const key = generateApiKey('t1', counting);
    expect(key.hash).toBe(createHash('sha256').update(key.key).digest('hex'));
    expect(hashApiKey(key.key)).toBe(key.hash);
    expect(key.hash).not.toContain(key.key.split('.')[2]);
  });

  it('refuses a random source that returns too few bytes', () => {
    expect(() => generateApiKey('t1', (size) => new Uint8Array(size - 1))).toThrow(/too few bytes/);
  });
});

describe('parseApiKey and keyFromAuthorization', () => {
  const key = generateApiKey('tenant-a', counting).key;

  it('splits a key into tenant and key id', () => {
    expect(parseApiKey(key)).toEqual({ key, tenantId: 'tenant-a', keyId: '0001020304050607' });
  });

  it.each([
    ['', 'empty'],
    ['alk_tenant-a.0001020304050607', 'no secret'],
    ['alk_ten.ant.0001020304050607.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', 'dot in tenant'],
    ['xyz_tenant-a.0001020304050607.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', 'other prefix'],
    ['alk_tenant-a.000102030405060G.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', 'non-hex id'],
  ])('returns null for %j (%s)', (text) => {
    expect(parseApiKey(text)).toBeNull();
  });

  it('reads "Bearer <key>" in any case of the scheme', () => {
    expect(keyFromAuthorization(`Bearer ${key}`).tenantId).toBe('tenant-a');
    expect(keyFromAuthorization(`bearer ${key}`).keyId).toBe('0001020304050607');
  });

  it.each([undefined, '', `Basic ${key}`, 'Bearer', 'Bearer not-a-key', `Bearer ${key} extra`])(
    'refuses %j as missing_api_key',
    (header) => {
      expect(codeOf(() => keyFromAuthorization(header))).toBe('missing_api_key');
    },
  );
});

describe('verifyApiKey', () => {
  const key = generateApiKey('tenant-a', counting);
  const presented = parseApiKey(key.key)!;

  it('accepts the right key of an active record; a record without scopes keeps both', () => {
    expect(verifyApiKey(presented, recordOf(key))).toEqual({
      tenantId: 'tenant-a',
      keyId: key.keyId,
      scopes: ['ingest', 'read'],
    });
  });

  it('refuses a route outside the key scopes with insufficient_scope', () => {
    const principal = verifyApiKey(presented, { ...recordOf(key), scopes: ['read'] });
    expect(() => requireScope(principal, 'read')).not.toThrow();
    expect(codeOf(() => requireScope(principal, 'ingest'))).toBe('insufficient_scope');
  });

  it('treats an unknown key and a wrong secret alike (invalid_api_key)', () => {
    const forged = parseApiKey(key.key.slice(0, -1) + (key.key.endsWith('A') ? 'B' : 'A'))!;
    expect(codeOf(() => verifyApiKey(presented, null))).toBe('invalid_api_key');
    expect(codeOf(() => verifyApiKey(forged, recordOf(key)))).toBe('invalid_api_key');
  });

  it('refuses a record of another tenant or key id even with a matching hash', () => {
    expect(codeOf(() => verifyApiKey(presented, { ...recordOf(key), tenantId: 'tenant-b' }))).toBe('invalid_api_key');
    expect(codeOf(() => verifyApiKey(presented, { ...recordOf(key), keyId: 'ffffffffffffffff' }))).toBe(
      'invalid_api_key',
    );
  });

  it('discloses revocation only to the holder of the real secret', () => {
    const forged = parseApiKey(key.key.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x')))!;
    expect(codeOf(() => verifyApiKey(presented, recordOf(key, 'revoked')))).toBe('api_key_revoked');
    expect(codeOf(() => verifyApiKey(forged, recordOf(key, 'revoked')))).toBe('invalid_api_key');
  });
});
