import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CIPHERTEXT_PREFIX,
  CiphertextError,
  ciphertextKeyId,
  decryptValue,
  encryptValue,
  isCiphertext,
  parseCiphertext,
  type DataKey,
} from './ciphertext';

const KEY: DataKey = { keyId: 'c3ViamVjdC1yZWYtMDAwMQ.1', key: Buffer.alloc(32, 7) };

function problemOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof CiphertextError) return err.problem;
    throw err;
  }
  return undefined;
}

describe('personal-data ciphertext', () => {
  it('has a stable, self-describing format (golden value)', () => {
    // Fixed key, fixed value: the synthetic IV makes the output a function of both, so a change
    // of format, algorithm or IV derivation shows here before it reaches stored entries.
    expect(encryptValue('ada@example.com', KEY)).toBe(
      'enc:v1:c3ViamVjdC1yZWYtMDAwMQ.1:xl4lxwU_EqZNpKsp:JvN0ggXx961Ti1JPApApr4dr7XClURSuGFetLtWHEQHD',
    );
  });

  it('is AES-256-GCM over the JSON value with the key id as additional data', () => {
    const text = encryptValue({ street: '1 Main St' }, KEY);
    const [, , keyId, iv, body] = text.split(':');
    const bytes = Buffer.from(body!, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', KEY.key, Buffer.from(iv!, 'base64url'));
    decipher.setAAD(Buffer.from(keyId!, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
    expect(JSON.parse(plain.toString('utf8'))).toEqual({ street: '1 Main St' });
  });

  it('round-trips strings, numbers and objects with their types', () => {
    for (const value of ['x', '', 42, true, null, { a: [1, 'b'] }, 'ünïcødé 日本']) {
      const text = encryptValue(value, KEY);
      expect(isCiphertext(text)).toBe(true);
      expect(text.startsWith(CIPHERTEXT_PREFIX)).toBe(true);
      expect(ciphertextKeyId(text)).toBe(KEY.keyId);
      expect(decryptValue(text, KEY)).toEqual(value);
    }
  });

  it('gives equal values under one key equal ciphertexts, and different values different IVs', () => {
    expect(encryptValue('same', KEY)).toBe(encryptValue('same', KEY));
    const a = parseCiphertext(encryptValue('one', KEY));
    const b = parseCiphertext(encryptValue('two', KEY));
    expect(a.iv.equals(b.iv)).toBe(false);
  });

  it('keeps a string apart from a value whose JSON is that string, cached or not', () => {
    // Strings are cached by their text, other values by their JSON: "42" and 42 share a text.
    for (let pass = 0; pass < 2; pass++) {
      const asString = encryptValue('42', KEY);
      const asNumber = encryptValue(42, KEY);
      expect(asString).not.toBe(asNumber);
      expect(decryptValue(asString, KEY)).toBe('42');
      expect(decryptValue(asNumber, KEY)).toBe(42);
    }
    // A fresh key object (no cache) gives the same ciphertext as the cached one.
    expect(encryptValue('42', { ...KEY, key: Buffer.from(KEY.key) })).toBe(encryptValue('42', KEY));
  });

  it('refuses a wrong key with a clear error', () => {
    const text = encryptValue('ada@example.com', KEY);
    const other: DataKey = { keyId: KEY.keyId, key: randomBytes(32) };
    expect(problemOf(() => decryptValue(text, other))).toBe('wrong_key_or_tampered');
    expect(() => decryptValue(text, other)).toThrow(/does not verify/);
  });

  it('refuses a key of another id, and a ciphertext moved under another key id', () => {
    const text = encryptValue('ada@example.com', KEY);
    expect(problemOf(() => decryptValue(text, { keyId: 'other.1', key: KEY.key }))).toBe('wrong_key_or_tampered');
    const moved = text.replace(KEY.keyId, 'c3ViamVjdC1yZWYtMDAwMQ.2');
    expect(problemOf(() => decryptValue(moved, { keyId: 'c3ViamVjdC1yZWYtMDAwMQ.2', key: KEY.key }))).toBe(
      'wrong_key_or_tampered',
    );
  });

  it('refuses a flipped bit anywhere in the tag, body or IV', () => {
    const text = encryptValue('ada@example.com', KEY);
    const { iv, body } = parseCiphertext(text);
    const flip = (bytes: Buffer, at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = copy[at]! ^ 1;
      return copy;
    };
    const rebuild = (i: Buffer, b: Buffer) =>
      `${CIPHERTEXT_PREFIX}${KEY.keyId}:${i.toString('base64url')}:${b.toString('base64url')}`;
    expect(problemOf(() => decryptValue(rebuild(iv, flip(body, body.length - 1)), KEY))).toBe('wrong_key_or_tampered');
    expect(problemOf(() => decryptValue(rebuild(iv, flip(body, 0)), KEY))).toBe('wrong_key_or_tampered');
    expect(problemOf(() => decryptValue(rebuild(flip(iv, 3), body), KEY))).toBe('wrong_key_or_tampered');
  });

  it('refuses malformed ciphertexts as malformed', () => {
    for (const text of [
      'ada@example.com',
      'enc:v1:',
      'enc:v1:key.1:abc',
      'enc:v1:key.1:!!!:abc',
      'enc:v1:key.1:AAAA:AAAA',
      'enc:v1:bad key:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA',
      'enc:v1:key.1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:extra',
    ]) {
      expect(
        problemOf(() => decryptValue(text, KEY)),
        text,
      ).toBe('malformed');
    }
  });

  it('refuses to write under an invalid key id', () => {
    expect(() => encryptValue('x', { keyId: 'a:b', key: KEY.key })).toThrow(/invalid data key id/);
  });
});
