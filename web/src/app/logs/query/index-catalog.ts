/**
 * Which filter combinations Firestore can serve, read from the project's `firestore.indexes.json`
 * so the console never offers a query that would fail in production with "requires an index".
 * (The emulator serves any query without indexes, so this check is the only guard we get.)
 *
 * A composite index serves a log query when it is on `audit_logs`, starts with `tenantId`, ends
 * with `occurredAt` descending (our only sort order) and has exactly the query's equality fields
 * (in any order) plus, for a keyword search, `searchTokens` as an array-contains field.
 */

export const LOG_COLLECTION = 'audit_logs';
export const TENANT_FIELD = 'tenantId';
export const TIME_FIELD = 'occurredAt';
export const KEYWORD_FIELD = 'searchTokens';

/** The filterable part of an index: its equality fields and its array-contains field, if any. */
export interface IndexShape {
  readonly equality: ReadonlySet<string>;
  readonly arrayContains: string | null;
}

interface RawIndexField {
  fieldPath?: unknown;
  order?: unknown;
  arrayConfig?: unknown;
}

interface RawIndex {
  collectionGroup?: unknown;
  queryScope?: unknown;
  fields?: unknown;
}

/** A stable key for a shape: sorted equality fields, then `[]field` for array-contains. */
export function shapeKey(equality: Iterable<string>, arrayContains: string | null): string {
  const parts = [...equality].sort();
  if (arrayContains) parts.push(`[]${arrayContains}`);
  return parts.join('+');
}

function shapeOf(index: RawIndex): IndexShape | null {
  if (index.collectionGroup !== LOG_COLLECTION) return null;
  if (index.queryScope !== undefined && index.queryScope !== 'COLLECTION') return null;
  if (!Array.isArray(index.fields) || index.fields.length < 2) return null;
  const fields = index.fields as RawIndexField[];
  const first = fields[0];
  const last = fields[fields.length - 1];
  if (first?.fieldPath !== TENANT_FIELD || first.order === undefined) return null;
  if (last?.fieldPath !== TIME_FIELD || last.order !== 'DESCENDING') return null;
  const equality = new Set<string>();
  let arrayContains: string | null = null;
  for (const field of fields.slice(1, -1)) {
    if (typeof field.fieldPath !== 'string') return null;
    if (field.arrayConfig === 'CONTAINS') {
      if (arrayContains !== null) return null;
      arrayContains = field.fieldPath;
    } else if (field.order === 'ASCENDING' || field.order === 'DESCENDING') {
      equality.add(field.fieldPath);
    } else {
      return null;
    }
  }
  return { equality, arrayContains };
}

/** The set of servable shapes, keyed by `shapeKey`. */
export class IndexCatalog {
  private readonly shapes = new Map<string, IndexShape>();

  constructor(shapes: Iterable<IndexShape>) {
    for (const shape of shapes) this.shapes.set(shapeKey(shape.equality, shape.arrayContains), shape);
  }

  /** Reads the `indexes` array of a `firestore.indexes.json` document; other entries are ignored. */
  static fromConfig(config: unknown): IndexCatalog {
    const indexes = (config as { indexes?: unknown } | null)?.indexes;
    const shapes: IndexShape[] = [];
    if (Array.isArray(indexes)) {
      for (const index of indexes as RawIndex[]) {
        const shape = shapeOf(index);
        if (shape) shapes.push(shape);
      }
    }
    return new IndexCatalog(shapes);
  }

  serves(equality: Iterable<string>, arrayContains: string | null): boolean {
    return this.shapes.has(shapeKey(equality, arrayContains));
  }

  /** Every servable shape, e.g. to list the combinations a user can choose from. */
  all(): IndexShape[] {
    return [...this.shapes.values()];
  }
}
