import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, type RedactionOptions } from './redact';

const DEFAULTS: RedactionOptions = { extraKeys: [], maskEmails: true };

function redact(value: unknown, options: RedactionOptions = DEFAULTS): { value: unknown; paths: string[] } {
  const redactor = new Redactor(options);
  const out = redactor.redact(value, 'metadata');
  return { value: out, paths: redactor.paths };
}

/** Redacts one string and returns the result. */
const text = (value: string, options?: RedactionOptions): unknown => redact({ note: value }, options).value;

describe('Redactor: secrets by key name', () => {
  it('masks the usual secret keys, in any spelling', () => {
    const { value, paths } = redact({
      password: 'hunter2',
      token: 't0k3n',
      apiKey: 'k-1',
      api_key: 'k-2',
      'API-KEY': 'k-3',
      authorization: 'anything',
      Authorization: 'anything',
      githubToken: 'ghp_x',
      clientSecret: 's',
      pin: '1234',
      ssn: '078-05-1120',
      sessionCookie: 'c',
    });
    expect(Object.values(value as Record<string, unknown>).every((v) => v === REDACTED)).toBe(true);
    expect(paths).toHaveLength(12);
    expect(paths).toContain('metadata.apiKey');
    expect(paths).toContain('metadata.API-KEY');
  });

  it('masks a secret key whatever its value holds', () => {
    const { value, paths } = redact({ credentials: { user: 'u', pass: 'p' }, token: 12345 });
    expect(value).toEqual({ credentials: REDACTED, token: REDACTED });
    expect(paths).toEqual(['metadata.credentials', 'metadata.token']);
  });

  it('masks nested keys and keys inside arrays, recording each path', () => {
    const { value, paths } = redact({
      request: { headers: { authorization: 'Bearer abc', accept: 'json' } },
      hooks: [{ url: 'https://x.test', secret: 's1' }, { url: 'https://y.test' }, { secret: 's3' }],
    });
    expect(value).toEqual({
      request: { headers: { authorization: REDACTED, accept: 'json' } },
      hooks: [{ url: 'https://x.test', secret: REDACTED }, { url: 'https://y.test' }, { secret: REDACTED }],
    });
    expect(paths).toEqual([
      'metadata.hooks[0].secret',
      'metadata.hooks[2].secret',
      'metadata.request.headers.authorization',
    ]);
  });

  it('leaves null and empty secrets alone (nothing to hide, nothing recorded)', () => {
    const { value, paths } = redact({ password: null, token: '' });
    expect(value).toEqual({ password: null, token: '' });
    expect(paths).toEqual([]);
  });

  it('does not mask keys that only look alike', () => {
    const input = { author: 'jane', shipping: 'ups', authority: 'ca', spinner: true, tokenizerVersion: 3 };
    const { value, paths } = redact(input);
    // "tokenizerVersion" contains "token": long words match anywhere, by design.
    expect(value).toEqual({ ...input, tokenizerVersion: REDACTED });
    expect(paths).toEqual(['metadata.tokenizerVersion']);
  });

  it('adds the tenant extra keys, normalized like the built-in ones', () => {
    const options: RedactionOptions = { extraKeys: ['internal_ref', 'Salary'], maskEmails: true };
    const { value, paths } = redact({ internalRef: 'x', INTERNAL_REF: 'y', salary: 100, ref: 'z' }, options);
    expect(value).toEqual({ internalRef: REDACTED, INTERNAL_REF: REDACTED, salary: REDACTED, ref: 'z' });
    expect(paths).toEqual(['metadata.INTERNAL_REF', 'metadata.internalRef', 'metadata.salary']);
    // The extra keys belong to that tenant only.
    expect(redact({ salary: 100 }).value).toEqual({ salary: 100 });
  });
});

describe('Redactor: secrets by pattern', () => {
  it('masks email addresses inside text', () => {
    expect(text('mail jane.doe+ops@example.co.uk or bob@corp.test now')).toEqual({
      note: 'mail [REDACTED:email] or [REDACTED:email] now',
    });
  });

  it('masks addresses of every legal length (RFC 5321: local part 64, label 63, domain 255)', () => {
    const local = 'l'.repeat(64);
    const label = 'd'.repeat(63);
    const longDomain = `${[label, label, label].join('.')}.${'e'.repeat(59)}.com`;
    expect(longDomain).toHaveLength(255);
    expect(text(`to ${local}@${label}.com.`)).toEqual({ note: 'to [REDACTED:email].' });
    expect(text(`to ${local}@${longDomain}`)).toEqual({ note: 'to [REDACTED:email]' });
    expect(text('"jane@example.com",<ops@corp.test>')).toEqual({ note: '"[REDACTED:email]",<[REDACTED:email]>' });
  });

  it('leaves alone what is longer than any address can be', () => {
    for (const value of [
      `${'l'.repeat(65)}@example.com`,
      `jane@${'d'.repeat(64)}.com`,
      `jane@${'d.'.repeat(130)}com`,
    ]) {
      expect(text(value)).toEqual({ note: value });
    }
  });

  it('keeps email addresses when the tenant turns email masking off', () => {
    expect(text('jane@example.com', { extraKeys: [], maskEmails: false })).toEqual({ note: 'jane@example.com' });
  });

  it('masks bearer tokens and basic credentials', () => {
    expect(text('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_x')).toEqual({
      note: `Authorization: Bearer ${REDACTED}`,
    });
    expect(text('curl -H "authorization: bearer abc123=="')).toEqual({
      note: `curl -H "authorization: bearer ${REDACTED}"`,
    });
    // dXNlcjpwYXNz is base64 of "user:pass".
    expect(text('Basic dXNlcjpwYXNz')).toEqual({ note: `Basic ${REDACTED}` });
  });

  it('does not take ordinary words after "basic" for credentials', () => {
    expect(text('Upgraded from the Basic plan to Pro')).toEqual({ note: 'Upgraded from the Basic plan to Pro' });
    expect(text('basic settings changed')).toEqual({ note: 'basic settings changed' });
  });

  it.each([
    ['Visa', '4111111111111111'],
    ['Visa, grouped by spaces', '4111 1111 1111 1111'],
    ['Visa, grouped by dashes', '4111-1111-1111-1111'],
    ['Mastercard', '5555555555554444'],
    ['Mastercard 2-series', '2223003122003222'],
    ['American Express', '378282246310005'],
    ['Discover', '6011111111111117'],
  ])('masks a %s card number', (_name, card) => {
    const { value, paths } = redact({ note: `paid with ${card} today` });
    expect(value).toEqual({ note: 'paid with [REDACTED:card] today' });
    expect(paths).toEqual(['metadata.note']);
  });

  it.each([
    ['a number failing the Luhn check', '4111111111111112'],
    ['a millisecond timestamp that passes the Luhn check', '1769860800001'],
    ['an ISBN-13', '9780306406157'],
    ['a 12-digit id', '411111111111'],
    ['a 20-digit id', '41111111111111111111'],
    ['a phone number', '+1 555 123 4567'],
    ['an order number with letters', 'ORD-4111111111111111X'],
  ])('leaves %s untouched', (_name, digits) => {
    const { value, paths } = redact({ note: `ref ${digits}` });
    expect(value).toEqual({ note: `ref ${digits}` });
    expect(paths).toEqual([]);
  });

  it('leaves numbers (as opposed to text) alone', () => {
    expect(redact({ amount: 4111111111111111 }).value).toEqual({ amount: 4111111111111111 });
  });

  it('masks patterns in array items and records their index', () => {
    const { value, paths } = redact({ cc: ['a@b.test', 'plain'] });
    expect(value).toEqual({ cc: ['[REDACTED:email]', 'plain'] });
    expect(paths).toEqual(['metadata.cc[0]']);
  });
});

describe('Redactor: behaviour', () => {
  it('returns a new value and never changes its input', () => {
    const input = { password: 'p', nested: { note: 'x@y.test' } };
    const copy = structuredClone(input);
    const { value } = redact(input);
    expect(input).toEqual(copy);
    expect(value).not.toBe(input);
  });

  it('returns objects with sorted keys, and paths that do not depend on the input key order', () => {
    const a = redact({ z: { token: 't', b: 'x@y.test' }, a: 1, m: ['Bearer abcdefgh'] });
    const b = redact({ m: ['Bearer abcdefgh'], a: 1, z: { b: 'x@y.test', token: 't' } });
    expect(Object.keys(a.value as object)).toEqual(['a', 'm', 'z']);
    expect(Object.keys((a.value as { z: object }).z)).toEqual(['b', 'token']);
    expect(JSON.stringify(a.value)).toBe(JSON.stringify(b.value));
    expect(a.paths).toEqual(['metadata.m[0]', 'metadata.z.b', 'metadata.z.token']);
    expect(b.paths).toEqual(a.paths);
  });

  it('passes scalars and null through', () => {
    expect(redact(null).value).toBeNull();
    expect(redact(42).value).toBe(42);
    expect(redact(true).value).toBe(true);
  });

  it('accumulates paths over several calls on one redactor', () => {
    const redactor = new Redactor(DEFAULTS);
    redactor.redact({ password: 'a' }, 'changes.before');
    redactor.redact({ password: 'b' }, 'changes.after');
    expect(redactor.paths).toEqual(['changes.before.password', 'changes.after.password']);
  });
});
