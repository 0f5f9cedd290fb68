import { REDACTED, Redactor, type RedactionOptions } from './redact';

/** Rules for input that names no known tenant: the built-in keys and patterns, e-mails masked. */
export const DEFAULT_REDACTION: RedactionOptions = { extraKeys: [], maskEmails: true };

/** Root of the paths recorded for a raw payload, as they appear on the dead letter. */
export const RAW_PAYLOAD_PATH = 'rawPayload';

/** At most this many masked paths are recorded; a hostile payload can have thousands. */
const MAX_PATHS = 100;

export interface RawPayloadRedaction {
  /** The text to show; the input itself, unchanged, when nothing was masked. */
  text: string;
  /** What was masked: JSON paths under `rawPayload`, or, for text that is not JSON, `rawPayload.<key>` per masked key and `rawPayload` for patterns. Empty when nothing was. */
  paths: string[];
}

/**
 * Masks the secrets in the raw text of a payload that could not be stored, with the same rules as
 * stored entries. Text that parses as JSON is redacted as a value (secret keys, patterns inside
 * strings) and serialized again. Anything else (invalid or truncated JSON, bytes that were not
 * UTF-8) gets the string patterns plus a scan for `"key": value`, `key: value` and `key=value`
 * pairs with secret-looking keys. Text in which nothing matched comes back byte for byte.
 * Time is linear in the text.
 */
export function redactRawPayload(text: string, options: RedactionOptions): RawPayloadRedaction {
  const redactor = new Redactor(options);
  const fromJson = redactJson(text, redactor);
  if (fromJson !== undefined) return fromJson;

  const paths = new Set<string>();
  let out = maskKeyValues(text, redactor, paths);
  const masked = redactor.maskText(out);
  if (masked !== out) paths.add(RAW_PAYLOAD_PATH);
  out = masked;
  return paths.size === 0 ? { text, paths: [] } : { text: out, paths: [...paths].slice(0, MAX_PATHS) };
}

function redactJson(text: string, redactor: Redactor): RawPayloadRedaction | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  try {
    const redacted = redactor.redact(value, RAW_PAYLOAD_PATH);
    if (redactor.paths.length === 0) return { text, paths: [] };
    return { text: JSON.stringify(redacted), paths: redactor.paths.slice(0, MAX_PATHS) };
  } catch {
    // Nesting too deep for the recursive redactor (a hostile payload): scan it as text instead.
    redactor.paths.length = 0;
    return undefined;
  }
}

// A key and its separator: a double-quoted key not opened by an escaped quote, or a bare (or
// single-quoted) word. Both are bounded, and a bare key is tried only where a word starts, so each
// character is read a bounded number of times.
const KEY_AND_SEPARATOR =
  /(?:(?<!\\)"([^"\\\r\n]{1,128})"|(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,127})'?)[ \t\r\n]{0,32}[:=][ \t\r\n]{0,32}/g;
// Where a bare value ends: separators of JSON, query strings, headers and prose.
const VALUE_END = new Set([',', ';', '&', '}', ']', '"', "'", '<', '>', ' ', '\t', '\r', '\n']);

/** Replaces the value after each secret-looking key with the mask; records `rawPayload.<key>`. */
function maskKeyValues(text: string, redactor: Redactor, paths: Set<string>): string {
  const parts: string[] = [];
  let copied = 0;
  KEY_AND_SEPARATOR.lastIndex = 0;
  for (let match = KEY_AND_SEPARATOR.exec(text); match !== null; match = KEY_AND_SEPARATOR.exec(text)) {
    const key = match[1] ?? match[2] ?? '';
    if (!redactor.isSecretKey(key)) continue;
    const start = KEY_AND_SEPARATOR.lastIndex;
    const { end, quoted } = valueExtent(text, start);
    const value = text.slice(start, end);
    if (value === '' || value === 'null' || value === '""' || value === "''") continue;
    parts.push(text.slice(copied, start), quoted ? `"${REDACTED}"` : REDACTED);
    copied = end;
    KEY_AND_SEPARATOR.lastIndex = end;
    if (paths.size < MAX_PATHS) paths.add(`${RAW_PAYLOAD_PATH}.${key}`);
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * Where the value starting at `start` ends: a quoted string at its closing quote, an object or
 * array at its matching bracket, anything else at the next separator; the end of the text when
 * it was cut short.
 */
function valueExtent(text: string, start: number): { end: number; quoted: boolean } {
  const first = text.charAt(start);
  if (first === '"' || first === "'") return { end: stringEnd(text, start, first), quoted: true };
  if (first === '{' || first === '[') return { end: nestedEnd(text, start), quoted: true };
  let end = start;
  while (end < text.length && !VALUE_END.has(text.charAt(end))) end++;
  return { end, quoted: false };
}

/** Index just past the string opened by `quote` at `start`, honouring backslash escapes. */
function stringEnd(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\') i++;
    else if (c === quote) return i + 1;
  }
  return text.length;
}

/** Index just past the object or array opened at `start`, skipping strings inside it. */
function nestedEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') i = stringEnd(text, i, '"') - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
