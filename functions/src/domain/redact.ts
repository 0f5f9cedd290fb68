import { sortStrings } from './sort';

/** What to mask beyond the built-in rules; from the tenant's settings. */
export interface RedactionOptions {
  extraKeys: readonly string[];
  maskEmails: boolean;
}

export const REDACTED = '[REDACTED]';

// Key names are compared lower-cased with `_` and `-` removed, so `api_key`, `apiKey` and
// `API-KEY` are one name. Long, distinctive words match anywhere in the key (`githubToken`);
// short ones only as the whole key, so `pin` does not mask `shipping`.
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'privatekey',
  'credential',
  'accesskey',
  'signature',
];
const SECRET_KEY_WHOLE = new Set(['pwd', 'pin', 'otp', 'ssn', 'cvv', 'cvc', 'auth']);

// Every pattern below takes time linear in the text, whatever the text: a producer, a
// change-captured document or any member writing the outbox controls up to 256 KiB of it.
// - An e-mail address has the lengths of RFC 5321: a local part of at most 64 characters, a
//   domain of at most 255, labels of at most 63. A match may only start where a run of
//   local-part characters starts (the look-behind), so each run is tried once instead of once
//   per character, and each "@" is reached from one start at most. The look-ahead refuses a
//   domain run longer than 255 characters before the labels are tried, which bounds the work
//   after each "@". Longer runs are not addresses and are left alone.
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?=[A-Za-z0-9.-]{4,255}(?![A-Za-z0-9.-]))(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}/g;
// - The scheme is a whole word and the white space after it is bounded. The credentials are
//   not: a bound would leave the tail of a long token unmasked. Their characters, the padding
//   and the white space are disjoint sets, so each character is read once and nothing is
//   backtracked.
const BEARER = /\b(Bearer|Basic)\s{1,32}([A-Za-z0-9\-._~+/]+=*)/gi;
// - 13 to 19 digits (at most 37 characters with separators), optionally grouped, starting with an issuer digit (2-6: Mastercard, Amex,
// Diners, JCB, Visa, Discover, UnionPay). Other leading digits are left alone, so a millisecond
// timestamp in text (1 in 10 passes the Luhn check) is not taken for a card.
const CARD_CANDIDATE = /\b[2-6](?:[ -]?\d){12,18}\b/g;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

interface KeyVerdict {
  normalized: string;
  builtIn: boolean;
}

// The same few hundred key names recur in every event, so their verdicts are kept. The cache
// is bounded, so a stream of made-up keys cannot grow it without limit.
const KEY_CACHE_LIMIT = 10_000;
const keyVerdicts = new Map<string, KeyVerdict>();

function keyVerdict(key: string): KeyVerdict {
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    const normalized = normalizeKey(key);
    const builtIn = SECRET_KEY_WHOLE.has(normalized) || SECRET_KEY_PARTS.some((part) => normalized.includes(part));
    verdict = { normalized, builtIn };
    if (keyVerdicts.size >= KEY_CACHE_LIMIT) keyVerdicts.clear();
    keyVerdicts.set(key, verdict);
  }
  return verdict;
}

/** Luhn checksum: separates card numbers from other long digit runs such as timestamps. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Basic credentials are base64 of `user:password` (RFC 7617). Checking for the colon keeps
 * ordinary words after "basic" ("the Basic plan") from being masked.
 */
function isBasicCredentials(text: string): boolean {
  return /^[A-Za-z0-9+/]+=*$/.test(text) && base64HasColon(text);
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Whether base64 text decodes to bytes holding a colon. Decoding in place, without a buffer per
 * candidate, keeps text made of nothing but "Basic x" pairs as cheap to scan as ordinary text.
 */
function base64HasColon(text: string): boolean {
  let bits = 0;
  let bitCount = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = BASE64_DIGITS.indexOf(text.charAt(i));
    if (digit < 0) return false;
    bits = ((bits << 6) | digit) & 0xfff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      if (((bits >> bitCount) & 0xff) === 0x3a) return true;
    }
  }
  return false;
}

// Every string any of the patterns below could change has an "@", four digits in a row or a
// scheme name in any case. One search for the character and one pass for the rest turn away
// most text, which is then returned without further tests.
const DIGITS_OR_SCHEME = /\d{4}|b(?:earer|asic)/i;

function maskString(value: string, maskEmails: boolean): string {
  if (!value.includes('@') && !DIGITS_OR_SCHEME.test(value)) return value;
  const hasEmail = maskEmails && value.includes('@');
  const hasScheme = /bearer|basic/i.test(value);
  const hasDigits = /\d{4}/.test(value);
  if (!hasEmail && !hasScheme && !hasDigits) return value;
  let out = value;
  if (hasEmail) out = out.replace(EMAIL, '[REDACTED:email]');
  if (hasScheme) {
    out = out.replace(BEARER, (match, scheme: string, credentials: string) =>
      scheme.toLowerCase() === 'basic' && !isBasicCredentials(credentials) ? match : `${scheme} ${REDACTED}`,
    );
  }
  if (hasDigits) {
    out = out.replace(CARD_CANDIDATE, (match) => {
      const digits = match.replace(/[ -]/g, '');
      return luhnValid(digits) ? '[REDACTED:card]' : match;
    });
  }
  return out;
}

/**
 * Masks secrets in a JSON value, recording each masked path; returns a new value. Objects come
 * back with their keys in sorted order: the recorded paths then do not depend on the producer's
 * key order, and the entry hash can serialize the result without sorting it again.
 */
export class Redactor {
  private readonly extraKeys: ReadonlySet<string>;
  private readonly maskEmails: boolean;
  readonly paths: string[] = [];

  constructor(options: RedactionOptions) {
    this.extraKeys = new Set(options.extraKeys.map(normalizeKey));
    this.maskEmails = options.maskEmails;
  }

  /** The string with e-mail addresses (if the tenant masks them), credentials and card numbers masked. */
  maskText(value: string): string {
    return maskString(value, this.maskEmails);
  }

  redact(value: unknown, path: string): unknown {
    if (typeof value === 'string') {
      const masked = maskString(value, this.maskEmails);
      if (masked !== value) this.paths.push(path);
      return masked;
    }
    if (value === null || typeof value !== 'object') return value;
    return Array.isArray(value) ? this.redactArray(value, path) : this.redactRecord(value, path);
  }

  // The path of a child is built only where it is needed: to record a mask or to descend into
  // an object or array. Text that is left alone, most of it, costs no path at all.

  private redactArray(value: readonly unknown[], path: string): unknown[] {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'string') {
        const masked = maskString(item, this.maskEmails);
        if (masked !== item) this.paths.push(`${path}[${i}]`);
        out[i] = masked;
      } else if (item !== null && typeof item === 'object') {
        out[i] = Array.isArray(item)
          ? this.redactArray(item, `${path}[${i}]`)
          : this.redactRecord(item, `${path}[${i}]`);
      } else {
        out[i] = item;
      }
    }
    return out;
  }

  private redactRecord(value: object, path: string): Record<string, unknown> {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of sortStrings(Object.keys(record))) {
      const child = record[key];
      if (child !== null && child !== '' && this.isSecretKey(key)) {
        out[key] = REDACTED;
        this.paths.push(`${path}.${key}`);
      } else if (typeof child === 'string') {
        const masked = maskString(child, this.maskEmails);
        if (masked !== child) this.paths.push(`${path}.${key}`);
        out[key] = masked;
      } else if (child !== null && typeof child === 'object') {
        out[key] = Array.isArray(child)
          ? this.redactArray(child, `${path}.${key}`)
          : this.redactRecord(child, `${path}.${key}`);
      } else {
        out[key] = child;
      }
    }
    return out;
  }

  /** Whether values under this key are masked whole: a built-in secret name or a tenant extra key. */
  isSecretKey(key: string): boolean {
    const verdict = keyVerdict(key);
    return verdict.builtIn || (this.extraKeys.size > 0 && this.extraKeys.has(verdict.normalized));
  }
}
