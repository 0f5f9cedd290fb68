/**
 * Which queries the composite indexes of `audit_logs` serve. The emulator runs any query without
 * an index, so reading the real index definitions is the only guard against a query that would
 * fail in production with "requires an index".
 *
 * An index serves a query when its fields are exactly the query's equality fields (in any order:
 * Firestore matches equality fields as a set), then at most one array-contains field, and ends
 * with the query's sort field in the query's direction. Index merging is deliberately not
 * relied on: an exact index keeps every planned query's cost predictable.
 */

/** One field of a composite index, as firestore.indexes.json writes it. */
export interface IndexFieldDefinition {
  readonly fieldPath: string;
  readonly order?: 'ASCENDING' | 'DESCENDING';
  readonly arrayConfig?: 'CONTAINS';
}

/** One composite index, as firestore.indexes.json writes it. */
export interface IndexDefinition {
  readonly collectionGroup: string;
  readonly queryScope: 'COLLECTION' | 'COLLECTION_GROUP';
  readonly fields: readonly IndexFieldDefinition[];
}

export type SortDirection = 'asc' | 'desc';

/** What an index can answer: equality fields, an array-contains field, one sort. */
export interface IndexShape {
  readonly equality: ReadonlySet<string>;
  readonly contains: string | null;
  readonly order: { readonly field: string; readonly direction: SortDirection };
  /** The index's fields in its own order, the sort field suffixed with its direction. */
  readonly fields: readonly string[];
}

/** A stable key: sorted equality fields, `[]field` for array-contains, `>field dir` for the sort. */
export function shapeKey(
  equality: Iterable<string>,
  contains: string | null,
  order: { field: string; direction: SortDirection },
): string {
  const parts = [...equality].sort();
  if (contains !== null) parts.push(`[]${contains}`);
  parts.push(`>${order.field} ${order.direction}`);
  return parts.join('+');
}

function shapeOf(index: IndexDefinition, collection: string): IndexShape | null {
  if (index.collectionGroup !== collection || index.queryScope !== 'COLLECTION') return null;
  const last = index.fields[index.fields.length - 1];
  if (last?.order === undefined || index.fields.length < 2) return null;
  const equality = new Set<string>();
  let contains: string | null = null;
  for (const field of index.fields.slice(0, -1)) {
    if (field.arrayConfig === 'CONTAINS') {
      // Firestore allows one array-contains per query, so a second one makes the index unusable here.
      if (contains !== null) return null;
      contains = field.fieldPath;
    } else if (field.order !== undefined) {
      equality.add(field.fieldPath);
    } else {
      return null;
    }
  }
  const direction: SortDirection = last.order === 'DESCENDING' ? 'desc' : 'asc';
  const fields = [...index.fields.slice(0, -1).map((f) => f.fieldPath), `${last.fieldPath} ${direction}`];
  return { equality, contains, order: { field: last.fieldPath, direction }, fields };
}

/** The servable shapes of one collection's composite indexes. */
export class IndexCatalog {
  private readonly shapes = new Map<string, IndexShape>();

  constructor(shapes: Iterable<IndexShape>) {
    for (const shape of shapes) this.shapes.set(shapeKey(shape.equality, shape.contains, shape.order), shape);
  }

  /** The shapes of `collection` among `indexes` (an `indexes` array of firestore.indexes.json). */
  static fromIndexes(indexes: readonly IndexDefinition[], collection: string): IndexCatalog {
    const shapes: IndexShape[] = [];
    for (const index of indexes) {
      const shape = shapeOf(index, collection);
      if (shape) shapes.push(shape);
    }
    return new IndexCatalog(shapes);
  }

  /** The index serving exactly this query, if any. */
  find(
    equality: Iterable<string>,
    contains: string | null,
    order: { field: string; direction: SortDirection },
  ): IndexShape | undefined {
    return this.shapes.get(shapeKey(equality, contains, order));
  }

  /** Every servable shape, e.g. to list the combinations a caller can choose from. */
  all(): IndexShape[] {
    return [...this.shapes.values()];
  }
}
