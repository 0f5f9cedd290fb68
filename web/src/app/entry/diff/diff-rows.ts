import type { AuditChanges } from '../../core/audit-model';

/** One line of the side-by-side diff: a dotted path and its value before and after. */
export interface DiffRow {
  readonly path: string;
  /** JSON text of the value, or null when the path does not exist on that side. */
  readonly before: string | null;
  readonly after: string | null;
  /** Listed in (or under / above) the entry's `changedFields`. */
  readonly changed: boolean;
  readonly kind: 'added' | 'removed' | 'changed' | 'unchanged';
  /** The value on that side was masked at ingest (listed in `redactions`). */
  readonly beforeRedacted: boolean;
  readonly afterRedacted: boolean;
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Leaf paths of an object, the way the ingest diff counts them: nested objects are walked,
 * arrays and empty objects are single values.
 */
export function flatten(
  value: Json | null | undefined,
  prefix = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  if (!value) return out;
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(child) && Object.keys(child).length > 0) flatten(child, path, out);
    else out.set(path, child);
  }
  return out;
}

/** A changed field covers its own path, everything below it and the objects above it. */
function isChanged(path: string, changedFields: readonly string[]): boolean {
  return changedFields.some((f) => f === path || path.startsWith(`${f}.`) || f.startsWith(`${path}.`));
}

/**
 * Whether the value at `path` on `side` was redacted. Redaction paths are rooted at the entry
 * (`changes.after.apiKey`, `changes.before.tokens[0]`); a masked value anywhere below counts.
 */
function isRedacted(side: 'before' | 'after', path: string, redactions: readonly string[]): boolean {
  const full = `changes.${side}.${path}`;
  return redactions.some((r) => r === full || r.startsWith(`${full}.`) || r.startsWith(`${full}[`));
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * The rows of a side-by-side diff of `changes`: the union of both sides' leaf paths, sorted,
 * each marked as changed (from the stored `changedFields`, which were computed before redaction,
 * so a changed secret is still marked) and as redacted per side.
 */
export function diffRows(
  changes: AuditChanges | undefined,
  changedFields: readonly string[],
  redactions: readonly string[],
): DiffRow[] {
  if (!changes) return [];
  const before = flatten(changes.before);
  const after = flatten(changes.after);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.map((path) => {
    const hasBefore = before.has(path);
    const hasAfter = after.has(path);
    const changed = isChanged(path, changedFields);
    const kind = !hasBefore ? 'added' : !hasAfter ? 'removed' : changed ? 'changed' : 'unchanged';
    return {
      path,
      before: hasBefore ? show(before.get(path)) : null,
      after: hasAfter ? show(after.get(path)) : null,
      changed: changed || kind === 'added' || kind === 'removed',
      kind,
      beforeRedacted: hasBefore && isRedacted('before', path, redactions),
      afterRedacted: hasAfter && isRedacted('after', path, redactions),
    };
  });
}
