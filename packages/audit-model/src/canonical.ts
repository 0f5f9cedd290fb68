/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no
 * white space, strings and numbers as `JSON.stringify` writes them, `undefined` members omitted.
 * Equal values always give equal text, whatever their key order, so the text can be hashed.
 * Values that JSON cannot represent (NaN, Infinity, functions, bigint) are refused, not coerced.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot canonicalize non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      // Where the value is already in canonical order (the pipeline builds entries that way),
      // the native serializer writes exactly the canonical text, several times faster.
      if (inCanonicalOrder(value)) return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        if (out.length > 1) out += ',';
        out += `${JSON.stringify(key)}:${canonicalJson(member)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`cannot canonicalize a value of type ${typeof value}`);
  }
}

/**
 * Whether `JSON.stringify(value)` already is the canonical text: plain objects whose keys are in
 * strictly ascending UTF-16 order, arrays, strings, booleans, null and finite numbers, all the
 * way down. Anything else (another prototype or `toJSON`, NaN, bigint, a function, a hole)
 * answers false and takes the general path, which sorts or refuses it.
 */
function inCanonicalOrder(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !canonicalMember(value[i])) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    // Integer-like keys are enumerated first in numeric order, which this check also catches.
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && !canonicalMember(member)) return false;
  }
  return true;
}

function canonicalMember(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      return value === null || inCanonicalOrder(value);
    default:
      return false;
  }
}
