import { describe, expect, it } from 'vitest';
import { REDACTED } from './redact';
import { DEFAULT_REDACTION, redactRawPayload } from './redact-raw';

const TENANT = { extraKeys: ['salary'], maskEmails: true };

describe('redactRawPayload: payloads that parse as JSON', () => {
  it('masks secret keys and patterns, records their paths under rawPayload', () => {
    const text = JSON.stringify({ eventType: 'Bad', metadata: { password: 'p', salary: 1, note: 'Bearer abcdef' } });
    const { text: out, paths } = redactRawPayload(text, TENANT);
    expect(JSON.parse(out)).toEqual({
      eventType: 'Bad',
      metadata: { note: `Bearer ${REDACTED}`, password: REDACTED, salary: REDACTED },
    });
    expect(paths).toEqual(['rawPayload.metadata.note', 'rawPayload.metadata.password', 'rawPayload.metadata.salary']);
  });

  it('uses the tenant extra keys only when given', () => {
    expect(redactRawPayload('{"salary":1}', DEFAULT_REDACTION)).toEqual({ text: '{"salary":1}', paths: [] });
  });

  it('returns text without secrets byte for byte', () => {
    const text = '{ "b": 1,\n  "a": "plain" }';
    expect(redactRawPayload(text, TENANT)).toEqual({ text, paths: [] });
  });

  it('falls back to the text scan when nesting is too deep to walk', () => {
    const text = `{"password":"p","n":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const { text: out, paths } = redactRawPayload(text, TENANT);
    expect(out).not.toContain('"p"');
    expect(paths).toContain('rawPayload.password');
  });
});

describe('redactRawPayload: payloads that do not parse', () => {
  it.each([
    ['a truncated JSON string', '{"a":1,"password": "hunter2', `{"a":1,"password": "${REDACTED}"`],
    ['a number', '{"x":{"pin": 1234,"y":2', `{"x":{"pin": ${REDACTED},"y":2`],
    ['a nested object', '{"credentials":{"user":"u","pass":"s"},"z":1', `{"credentials":"${REDACTED}","z":1`],
    ['a query string', 'GET /?token=abc123&page=2', `GET /?token=${REDACTED}&page=2`],
    ['a header-like line', 'api_key: k-123\nok', `api_key: ${REDACTED}\nok`],
    ['single quotes', "{'secret': 'x y z'", `{'secret': "${REDACTED}"`],
    ['a tenant extra key', 'salary=93000 x', `salary=${REDACTED} x`],
  ])('masks the value of a secret key in %s', (_name, text, expected) => {
    expect(redactRawPayload(text, TENANT).text).toBe(expected);
  });

  it('masks patterns anywhere in the text and records what it masked', () => {
    const { text, paths } = redactRawPayload('{"note":"mail jane@example.com, Bearer abc.def", "token":"t"', TENANT);
    expect(text).toBe(`{"note":"mail [REDACTED:email], Bearer ${REDACTED}", "token":"${REDACTED}"`);
    expect(paths).toEqual(['rawPayload.token', 'rawPayload']);
  });

  it('leaves keys that only look alike, and empty or null values, alone', () => {
    const text = '{"author":"jane","tokenizer.x" "shipping=ups", "password": null, "pin": ""';
    expect(redactRawPayload(text, TENANT)).toEqual({ text, paths: [] });
  });

  it('handles text with replacement characters from bytes that were not UTF-8', () => {
    const text = '{\uFFFD"password":"s"\uFFFD';
    expect(redactRawPayload(text, TENANT).text).toBe(`{\uFFFD"password":"${REDACTED}"\uFFFD`);
  });

  it('takes time linear in the text (hostile key scans against benign text of the same size)', () => {
    const size = 256 * 1024;
    const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const median = (text: string) => {
      redactRawPayload(text, TENANT);
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = process.hrtime.bigint();
        redactRawPayload(text, TENANT);
        samples.push(Number(process.hrtime.bigint() - start));
      }
      return samples.sort((a, b) => a - b)[2]!;
    };
    const benign = median(fill('{"user":"jane","action":"login","token": "abc", "page": 2}, '));
    const hostile = {
      quotes: fill('"'),
      'long quoted words': fill(`"${'k'.repeat(127)}`),
      'long bare words': fill(`${'k'.repeat(127)} `),
      'keys without values': fill('"k":'),
      'white space after a key': fill(`k${' '.repeat(40)}`),
      'unclosed secret values': fill('password="'),
      'unclosed nested secrets': fill('secret:{'),
      'escaped quotes': fill('\\"'),
    };
    const ratios = Object.fromEntries(Object.entries(hostile).map(([name, text]) => [name, median(text) / benign]));
    expect(Math.max(...Object.values(ratios)), JSON.stringify(ratios)).toBeLessThanOrEqual(10);
  });
});
