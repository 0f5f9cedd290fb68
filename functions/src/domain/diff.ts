import { RejectionError } from './errors';
import { sortStrings } from './sort';

type Json = Record<string, unknown>;

/**
 * The changed paths of one diff, counted as they are found. Each path repeats its parents' keys,
 * so a small envelope (one long key over many leaves) can name megabytes of paths: the count
 * stops the diff as soon as they could no longer fit in a stored entry, before the work (and the
 * memory) grows with the product of key length and leaf count.
 */
class PathList {
  readonly paths: string[] = [];
  private chars = 0;
  constructor(private readonly budget: number) {}
  push(path: string): void {
    this.chars += path.length + 1;
    if (this.chars > this.budget) {
      throw new RejectionError('unstorable', 'the changed fields of this event are more than an entry can hold', [
        {
          path: 'changes',
          message: `its changed field paths add up to more than ${this.budget} characters (each path repeats its parents' keys); shorten the keys or split the change`,
        },
      ]);
    }
    this.paths.push(path);
  }
}

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

function leafPaths(value: Json, prefix: string, out: PathList): void {
  for (const key of Object.keys(value)) {
    const child = value[key];
    const path = join(prefix, key);
    if (isPlainObject(child) && Object.keys(child).length > 0) leafPaths(child, path, out);
    else out.push(path);
  }
}

// Own and enumerable: exactly the keys `Object.keys` lists.
const isOwnEnumerable = (object: object, key: string): boolean =>
  Object.prototype.propertyIsEnumerable.call(object, key);

function diffKey(before: Json, after: Json, key: string, prefix: string, out: PathList): void {
  const b = before[key];
  const a = after[key];
  if (isPlainObject(b) && isPlainObject(a)) diffInto(b, a, join(prefix, key), out);
  else if (!jsonEqual(a, b)) out.push(join(prefix, key));
}

/** Every key of either side, once: those of `before`, then those only `after` has. */
function diffInto(before: Json, after: Json, prefix: string, out: PathList): void {
  for (const key of Object.keys(before)) diffKey(before, after, key, prefix, out);
  for (const key of Object.keys(after)) if (!isOwnEnumerable(before, key)) diffKey(before, after, key, prefix, out);
}

/**
 * The deep, dotted paths that differ between `before` and `after`. Arrays count as one value
 * (a reordered label list is one changed field, not one per index). A create lists every leaf of
 * `after`, a delete every leaf of `before`. Sorted, so equal changes give equal lists.
 * Throws a `RejectionError` (`unstorable`) once the paths exceed `budget` characters.
 */
export function changedFields(before: Json | null, after: Json | null, budget = Infinity): string[] {
  const out = new PathList(budget);
  if (before && after) diffInto(before, after, '', out);
  else if (after) leafPaths(after, '', out);
  else if (before) leafPaths(before, '', out);
  return sortStrings(out.paths);
}
