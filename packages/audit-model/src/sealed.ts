/**
 * Markers of personal data sealed per data subject (docs/privacy.md), shared by the functions,
 * which seal and open values, and the console, which shows them.
 */

/** Every sealed value is a string that starts so: `enc:v1:<keyId>:<iv>:<ciphertext+tag>`. */
export const CIPHERTEXT_PREFIX = 'enc:v1:';

/** Shown for a value whose data subject's key was destroyed (erasure). */
export const ERASED = '[erased]';

/** Shown for a value whose key exists but does not open it (tampering). */
export const UNDECRYPTABLE = '[undecryptable]';

/** Shown for a sealed value to a reader who may not, or did not yet, open it. */
export const SEALED = '[encrypted]';

/** Whether a stored value is sealed (cheap: a prefix test). */
export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(CIPHERTEXT_PREFIX);
}

/** Whether any value of a JSON tree is sealed. */
export function holdsCiphertext(value: unknown): boolean {
  if (isCiphertext(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(holdsCiphertext);
}

/** A JSON tree with every sealed value replaced by `replace(value)`; the tree itself when none is. */
export function replaceCiphertexts<T>(value: T, replace: (ciphertext: string) => unknown): T {
  if (isCiphertext(value)) return replace(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => replaceCiphertexts(item, replace));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  let out: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const mapped = replaceCiphertexts(item, replace);
    if (mapped !== item) out ??= { ...(value as Record<string, unknown>) };
    if (out) out[key] = mapped;
  }
  return (out ?? value) as T;
}
