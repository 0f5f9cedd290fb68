import type { AuditEntry } from './entry';
import type { FieldError } from './errors';

/**
 * What Firestore can store, checked on the built entry before any write, so an entry Firestore
 * would refuse is dead-lettered (reason `unstorable`) instead of failing every redelivery.
 * Sizes follow Firestore's documented storage size calculation: a document is its name plus the
 * sum of its fields plus 32 bytes; a field is its name (UTF-8 bytes + 1) plus its value; a string
 * is its UTF-8 bytes + 1; booleans and null 1; numbers and timestamps 8; a map the sum of its
 * fields; an array the sum of its elements.
 */
export const FIRESTORE_LIMITS = {
  /** Maximum size of a document (1 MiB). */
  documentBytes: 1_048_576,
  /** Maximum depth of fields in a map or array; each map or array counts as one level. */
  nestingDepth: 20,
} as const;

/** The contract's collection of entries; its name is part of every entry's stored size. */
export const AUDIT_LOGS_COLLECTION = 'audit_logs';

/** Fields the store adds to every entry (`recordedAt`, a timestamp) and instants it stores as timestamps. */
const TIMESTAMP_BYTES = 8;
const STORED_TIMESTAMP_FIELDS = ['recordedAt'] as const;

function stringBytes(value: string): number {
  return Buffer.byteLength(value, 'utf8') + 1;
}

/** Storage size of one value; instants that the store turns into timestamps are measured as such. */
export function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'number' || typeof value === 'bigint') return 8;
  if (typeof value === 'string') return stringBytes(value);
  if (value instanceof Date) return TIMESTAMP_BYTES;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += valueBytes(item);
    return total;
  }
  let total = 0;
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    total += stringBytes(key) + valueBytes(member);
  }
  return total;
}

/** Storage size of a document name: each path segment's UTF-8 bytes + 1, plus 16. */
export function documentNameBytes(collection: string, id: string): number {
  return stringBytes(collection) + stringBytes(id) + 16;
}

/** Levels of maps and arrays below `value` (a scalar is 0, `{a: 1}` is 1). Iterative: no stack overflow. */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object' || node instanceof Date) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    for (const child of Object.values(node as Record<string, unknown>)) stack.push([child, level]);
  }
  return deepest;
}

/** Stored size in bytes of an entry in `collection/logId`, with the fields the store adds. */
export function storedEntryBytes(entry: AuditEntry, collection: string): number {
  let fields = 0;
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    fields += stringBytes(key) + (key === 'occurredAt' ? TIMESTAMP_BYTES : valueBytes(value));
  }
  for (const key of STORED_TIMESTAMP_FIELDS) fields += stringBytes(key) + TIMESTAMP_BYTES;
  return documentNameBytes(collection, entry.logId) + fields + 32;
}

/**
 * Why Firestore could not store the entry, as field errors naming the envelope fields that make
 * it so (empty when it can). Nesting counts from the document, so `changes` and `metadata` are
 * one level above the maps the producer sent.
 */
export function unstorableErrors(entry: AuditEntry, collection: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, value] of Object.entries(entry)) {
    if (value === null || typeof value !== 'object') continue;
    const depth = nestingDepth(value);
    if (depth > FIRESTORE_LIMITS.nestingDepth) {
      errors.push({
        path: field,
        message: `nests ${depth} levels deep once stored; Firestore allows ${FIRESTORE_LIMITS.nestingDepth}`,
      });
    }
  }
  const bytes = storedEntryBytes(entry, collection);
  if (bytes > FIRESTORE_LIMITS.documentBytes) {
    const largest = largestFields(entry);
    errors.push({
      path: largest.join(', ') || '',
      message: `the stored entry would be ${bytes} bytes (with changedFields, search tokens and redactions); Firestore's limit is ${FIRESTORE_LIMITS.documentBytes}`,
    });
  }
  return errors;
}

/** The two largest fields of the entry, to point the producer at what made it too large. */
function largestFields(entry: AuditEntry): string[] {
  return Object.entries(entry)
    .map(([key, value]) => [key, valueBytes(value)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([key]) => key);
}
