import { DocumentReference, GeoPoint, Timestamp } from 'firebase-admin/firestore';

/**
 * Converts Firestore document data to JSON-safe values, so captured documents and outbox
 * documents can be validated, hashed (canonical JSON refuses what JSON cannot hold) and stored:
 *
 * | Firestore value     | JSON value                                   |
 * |---------------------|----------------------------------------------|
 * | Timestamp, Date     | ISO 8601 string in UTC, millisecond precision |
 * | GeoPoint            | `{ latitude, longitude }`                    |
 * | DocumentReference   | its path, e.g. `tenants/acme/repos/r1`       |
 * | Bytes (Buffer)      | `base64:<data>`                              |
 * | Vector              | array of numbers                             |
 * | NaN, ±Infinity      | the strings `NaN`, `Infinity`, `-Infinity`   |
 * | bigint              | decimal string                               |
 */
export function firestoreToJson(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      return objectToJson(value);
    default:
      // undefined, functions, symbols: nothing Firestore returns; dropped by the callers below.
      return undefined;
  }
}

function objectToJson(value: object | null): unknown {
  if (value === null) return null;
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof GeoPoint) return { latitude: value.latitude, longitude: value.longitude };
  if (value instanceof DocumentReference) return value.path;
  if (value instanceof Uint8Array) return `base64:${Buffer.from(value).toString('base64')}`;
  if (Array.isArray(value)) return value.map((item) => firestoreToJson(item) ?? null);
  // VectorValue is not exported by firebase-admin; it is recognized by its one accessor.
  const maybeVector = value as { toArray?: unknown; constructor?: { name?: string } };
  if (typeof maybeVector.toArray === 'function' && maybeVector.constructor?.name === 'VectorValue') {
    return (maybeVector.toArray as () => number[])().map((n) => firestoreToJson(n));
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const converted = firestoreToJson(child);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** Converts a whole document's data; null for a document that does not exist. */
export function documentToJson(data: Record<string, unknown> | undefined): Record<string, unknown> | null {
  return data === undefined ? null : (firestoreToJson(data) as Record<string, unknown>);
}
