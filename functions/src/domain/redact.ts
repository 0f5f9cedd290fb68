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

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

function isSecretKey(key: string, extraKeys: ReadonlySet<string>): boolean {
  const k = normalizeKey(key);
  return SECRET_KEY_WHOLE.has(k) || extraKeys.has(k) || SECRET_KEY_PARTS.some((part) => k.includes(part));
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

function maskString(value: string, maskEmails: boolean): string {
  let out = value;
  if (maskEmails && out.includes('@')) out = out.replace(EMAIL, '[REDACTED:email]');
  if (/bearer|basic/i.test(out)) out = out.replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  if (/\d{4}/.test(out)) {
    out = out.replace(CARD_CANDIDATE, (match) => {
      const digits = match.replace(/[ -]/g, '');
      return luhnValid(digits) ? '[REDACTED:card]' : match;
    });
  }
  return out;
}

/** Masks secrets in a JSON value, recording each masked path; returns a new value. */
export class Redactor {
  private readonly extraKeys: ReadonlySet<string>;
  readonly paths: string[] = [];

  constructor(private readonly options: RedactionOptions) {
    this.extraKeys = new Set(options.extraKeys.map(normalizeKey));
  }

  redact(value: unknown, path: string): unknown {
    if (typeof value === 'string') {
      const masked = maskString(value, this.options.maskEmails);
      if (masked !== value) this.paths.push(path);
      return masked;
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item, i) => this.redact(item, `${path}[${i}]`));
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}.${key}`;
      if (isSecretKey(key, this.extraKeys) && child !== null && child !== '') {
        out[key] = REDACTED;
        this.paths.push(childPath);
      } else {
        out[key] = this.redact(child, childPath);
      }
    }
    return out;
  }
}
