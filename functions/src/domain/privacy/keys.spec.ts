import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptValue, encryptValue } from './ciphertext';
import { DataKeyCache, dataKeyId, KeyEncryptionKey, parseDataKeyId } from './keys';

const SECRET = Buffer.alloc(32, 1).toString('base64');

describe('key-encryption key', () => {
  const kek = new KeyEncryptionKey(SECRET);

  it('wraps a data key so that only the same KEK, tenant and key id unwrap it', () => {
    const dataKey = KeyEncryptionKey.newDataKey(dataKeyId(kek.subjectRef('acme', 'u-1'), 1));
    const wrapped = kek.wrap('acme', dataKey);
    expect(wrapped).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(wrapped).not.toContain(dataKey.key.toString('base64url'));
    const unwrapped = kek.unwrap('acme', dataKey.keyId, wrapped);
    expect(unwrapped.key.equals(dataKey.key)).toBe(true);
    expect(decryptValue(encryptValue('x', dataKey), unwrapped)).toBe('x');

    expect(() => kek.unwrap('other', dataKey.keyId, wrapped)).toThrow(/does not unwrap/);
    expect(() => kek.unwrap('acme', `${dataKey.keyId}0`, wrapped)).toThrow(/does not unwrap/);
    const otherKek = new KeyEncryptionKey(randomBytes(32).toString('base64'));
    expect(() => otherKek.unwrap('acme', dataKey.keyId, wrapped)).toThrow(/does not unwrap/);
    expect(() => kek.unwrap('acme', dataKey.keyId, 'v2.x.y')).toThrow(/not a v1 wrapped key/);
  });

  it('refuses a secret that is not 32 bytes', () => {
    expect(() => new KeyEncryptionKey('short')).toThrow(/32 bytes/);
  });

  it('names a subject by a reference that names nobody, stable and per tenant', () => {
    const ref = kek.subjectRef('acme', 'u-1');
    expect(ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ref).not.toContain('u-1');
    expect(kek.subjectRef('acme', 'u-1')).toBe(ref);
    expect(kek.subjectRef('globex', 'u-1')).not.toBe(ref);
    expect(parseDataKeyId(dataKeyId(ref, 3))).toEqual({ subjectRef: ref, generation: 3 });
  });

  it('gives a blind index of the normalised e-mail, scoped to the tenant and the KEK', () => {
    const token = kek.blindIndex('acme', 'Ada@Example.com ');
    expect(token).toMatch(/^pii:[A-Za-z0-9_-]{22}$/);
    expect(token.toLowerCase()).not.toContain('ada');
    expect(kek.blindIndex('acme', 'ada@example.com')).toBe(token);
    expect(kek.blindIndex('globex', 'ada@example.com')).not.toBe(token);
    expect(kek.blindIndex('acme', 'grace@example.com')).not.toBe(token);
    expect(new KeyEncryptionKey(randomBytes(32).toString('base64')).blindIndex('acme', 'ada@example.com')).not.toBe(
      token,
    );
  });
});

describe('data key cache', () => {
  const key = (id: string) => ({ keyId: id, key: Buffer.alloc(32) });

  it('evicts the least recently used key beyond its capacity', () => {
    const cache = new DataKeyCache(2, 60_000);
    cache.set('a.1', key('a.1'));
    cache.set('b.1', key('b.1'));
    expect(cache.get('a.1')?.keyId).toBe('a.1');
    cache.set('c.1', key('c.1'));
    expect(cache.get('b.1')).toBeUndefined();
    expect(cache.get('a.1')?.keyId).toBe('a.1');
    expect(cache.size).toBe(2);
  });

  it('forgets keys after their time-to-live, and a subject at once', () => {
    let now = 0;
    const cache = new DataKeyCache(10, 1000, () => now);
    cache.set('a.1', key('a.1'));
    cache.set('a.2', key('a.2'));
    cache.set('b.1', null);
    expect(cache.get('b.1')).toBeNull();
    cache.forgetSubject('a');
    expect(cache.get('a.1')).toBeUndefined();
    expect(cache.get('a.2')).toBeUndefined();
    now = 1001;
    expect(cache.get('b.1')).toBeUndefined();
  });
});
