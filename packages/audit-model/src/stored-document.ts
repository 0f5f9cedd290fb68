import * as z from 'zod/mini';
import { describeFieldErrors, type FieldError } from './errors';

/**
 * Reading stored documents through their schemas: the structural Firestore types both SDKs
 * satisfy, the converter every read site uses, and the error a malformed document raises.
 *
 * Written with `zod/mini`, not `zod`: the console bundles these schemas, and the mini build costs a
 * fraction of the full one (docs/stored-documents.md has the figures). Nothing here imports Firebase: the
 * Admin SDK (functions) and the web SDK (console) each pass their own snapshots and Timestamps,
 * which match the structural types below, so the package stays browser-safe.
 */

/**
 * A Firestore Timestamp as both SDKs define it. Stored documents keep their instants as
 * Timestamps; a read site turns them into what it needs (`toDate()`, `toMillis()`).
 */
export interface TimestampLike {
  toMillis(): number;
  toDate(): Date;
}

function isTimestamp(value: unknown): value is TimestampLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof TimestampLike, unknown>>;
  return typeof candidate.toMillis === 'function' && typeof candidate.toDate === 'function';
}

/** A stored instant: a Firestore Timestamp of either SDK (checked by shape, not by class). */
export const timestampSchema = z.custom<TimestampLike>(isTimestamp, 'must be a Firestore Timestamp');

/** The snapshot a converter reads: its path names the document in every error. */
export interface StoredSnapshot {
  readonly ref: { readonly path: string };
  data(options?: never): Record<string, unknown> | undefined;
}

/**
 * A `FirestoreDataConverter` of both SDKs, structurally: pass it to `withConverter` of the Admin
 * SDK or of the web SDK. `fromFirestore` throws {@link StoredDocumentError} on a malformed document;
 * `toFirestore` writes the model as it is (Timestamps stay Timestamps).
 */
export interface StoredConverter<T> {
  toFirestore(model: T): Record<string, unknown>;
  fromFirestore(snapshot: StoredSnapshot, options?: unknown): T;
}

/**
 * A stored document that does not match its schema: written by an older version, by hand, or
 * damaged. Names the document and every field that is wrong, so an operator can mend it; a job
 * that meets one reports it and goes on instead of crashing.
 */
export class StoredDocumentError extends Error {
  override readonly name = 'StoredDocumentError';
  /** Stable code, as jobs record it (`error.code` of a failed export, for one). */
  readonly code = 'malformed_document';
  constructor(
    /** Path of the document, `audit_exports/abc`. */
    readonly path: string,
    /** Each wrong field by its dotted path inside the document. */
    readonly errors: readonly FieldError[],
  ) {
    super(`malformed document ${path}: ${describeFieldErrors(errors)}`);
  }
}

/** One issue as zod/mini reports it (its messages are generic unless a schema sets one). */
interface MiniIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  values?: readonly unknown[];
  minimum?: unknown;
  maximum?: unknown;
}

/** Zod's names of expected types, in the words of an error message where they differ. */
const EXPECTED_WORDS: Readonly<Record<string, string>> = { int: 'integer', record: 'object' };

function withArticle(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** What a value is, in the words of an error message. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isTimestamp(value)) return 'a Timestamp';
  return withArticle(typeof value);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = data;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/**
 * A message a person can act on: what the field must be, and what it is. Worded here rather than
 * taken from zod, whose words depend on whether its locale was loaded (the full build loads it,
 * the mini one does not), so the console and the functions say the same.
 */
function messageOf(issue: MiniIssue, data: unknown): string {
  const value = valueAt(data, issue.path);
  switch (issue.code) {
    case 'custom':
      return `${issue.message}, is ${kindOf(value)}`;
    case 'invalid_type':
      return `must be ${withArticle(EXPECTED_WORDS[issue.expected ?? ''] ?? issue.expected ?? 'value')}, is ${kindOf(value)}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}, is ${JSON.stringify(value) ?? 'missing'}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    default:
      // A schema's own message (`z.regex(..., 'must be a day')`), else one that names no rule.
      return issue.message === 'Invalid input' ? `is not valid (${issue.code})` : issue.message;
  }
}

/** The field errors of a failed parse, each addressed by its dotted path in the document. */
export function storedFieldErrors(issues: readonly MiniIssue[], data: unknown): FieldError[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: messageOf(issue, data) }));
}

/** A document's schema: a zod/mini object schema (or one with a transform). */
export type StoredSchema = z.ZodMiniType<unknown, Record<string, unknown>>;

/**
 * Parses the data of the document at `path` with its schema. A missing document (`undefined`)
 * is malformed too: callers that expect absence check `exists` first.
 * @throws StoredDocumentError naming `path` and every wrong field.
 */
export function parseStoredDocument<S extends z.ZodMiniType>(schema: S, path: string, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new StoredDocumentError(path, storedFieldErrors(parsed.error.issues, data));
}

/**
 * Like {@link parseStoredDocument}, but answers the error instead of throwing it: for lists that
 * show a malformed document as one unreadable row and keep the others.
 */
export function readStoredDocument<S extends z.ZodMiniType>(
  schema: S,
  path: string,
  data: unknown,
): { ok: true; value: z.output<S> } | { ok: false; error: StoredDocumentError } {
  try {
    return { ok: true, value: parseStoredDocument(schema, path, data) };
  } catch (err) {
    if (err instanceof StoredDocumentError) return { ok: false, error: err };
    throw err;
  }
}

/**
 * The converter of a collection whose documents `schema` describes, for `withConverter` of either
 * SDK. Reads validate; writes pass the model through (the server builds what it writes from the
 * same types, and Firestore rejects what it cannot store).
 */
export function storedConverter<S extends z.ZodMiniType>(schema: S): StoredConverter<z.output<S>> {
  return {
    toFirestore: (model) => ({ ...(model as Record<string, unknown>) }),
    fromFirestore: (snapshot) => parseStoredDocument(schema, snapshot.ref.path, snapshot.data()),
  };
}
