type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Structural equality of JSON values (arrays by position, objects by key set). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bArr = b as unknown[];
    return a.length === bArr.length && a.every((item, i) => jsonEqual(item, bArr[i]));
  }
  const aKeys = Object.keys(a);
  const bObj = b as Json;
  return (
    aKeys.length === Object.keys(bObj).length && aKeys.every((k) => k in bObj && jsonEqual((a as Json)[k], bObj[k]))
  );
}

function join(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function leafPaths(value: Json, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(value)) {
    const path = join(prefix, key);
    if (isPlainObject(child) && Object.keys(child).length > 0) leafPaths(child, path, out);
    else out.push(path);
  }
}

function diffInto(before: Json, after: Json, prefix: string, out: string[]): void {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const path = join(prefix, key);
    const b = before[key];
    const a = after[key];
    if (isPlainObject(b) && isPlainObject(a)) diffInto(b, a, path, out);
    else if (!jsonEqual(a, b)) out.push(path);
  }
}

/**
 * The deep, dotted paths that differ between `before` and `after`. Arrays count as one value
 * (a reordered label list is one changed field, not one per index). A create lists every leaf of
 * `after`, a delete every leaf of `before`. Sorted, so equal changes give equal lists.
 */
export function changedFields(before: Json | null, after: Json | null): string[] {
  const out: string[] = [];
  if (before && after) diffInto(before, after, '', out);
  else if (after) leafPaths(after, '', out);
  else if (before) leafPaths(before, '', out);
  return out.sort();
}
