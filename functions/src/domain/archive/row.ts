import { canonicalJson } from '../canonical';
import type { AuditEntry } from '../entry';
import { ArchiveError } from './errors';
import { instantToIsoMicros, isInstant, isoMicrosToIsoMillis, type Instant } from './instant';
import { ARCHIVE_COLUMNS, type ArchiveField } from './schema';

/**
 * One archive row as JSON: the shape the writer feeds DuckDB (one NDJSON line) and the shape the
 * reader gets back (`to_json` of the row with instants printed as ISO micros). Two rows are the
 * same entry exactly when their canonical JSON is equal.
 */
export type ArchiveRow = Record<string, unknown> & {
  logId: string;
  tenantId: string;
  occurredAt: string;
  hash: string;
};

const COLUMN_SET = new Set(ARCHIVE_COLUMNS.map((c) => c.name));
const TIMESTAMP_TAG = '$timestamp';

function unarchivable(path: string, message: string): ArchiveError {
  return new ArchiveError('unarchivable_entry', `${path} ${message}`, [{ path, message }]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Refuses anything JSON cannot hold exactly (Timestamps, references, bytes inside free-form maps). */
function assertPlainJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw unarchivable(path, 'is not a finite number');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertPlainJson(v, `${path}[${i}]`));
    return;
  }
  if (!isPlainObject(value)) throw unarchivable(path, 'holds a value JSON cannot represent');
  for (const [k, v] of Object.entries(value)) assertPlainJson(v, `${path}.${k}`);
}

/** JSON of server-written extras: Timestamps are tagged `{"$timestamp": "<ISO micros>"}`. */
function tagExtra(value: unknown, path: string): unknown {
  if (isInstant(value)) return { [TIMESTAMP_TAG]: instantToIsoMicros(value) };
  if (Array.isArray(value)) return value.map((v, i) => tagExtra(v, `${path}[${i}]`));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = tagExtra(v, `${path}.${k}`);
    return out;
  }
  assertPlainJson(value, path);
  return value;
}

function untagExtra(value: unknown, instant: (iso: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => untagExtra(v, instant));
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === TIMESTAMP_TAG && typeof value[TIMESTAMP_TAG] === 'string') {
      return instant(value[TIMESTAMP_TAG]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = untagExtra(v, instant);
    return out;
  }
  return value;
}

/**
 * One column compiled from the schema: `value` converts a stored value to its row form (throwing
 * `unarchivable_entry` for anything lossy); `json` writes that row form's JSON text directly,
 * without building the row object, which is what the writer needs for a million rows a day.
 * For every input, `json(v)` equals `JSON.stringify(value(v))`.
 */
interface CompiledField {
  value(v: unknown, path: string): unknown;
  json(v: unknown, path: string): string;
}

// Characters JSON.stringify escapes: controls, quote, backslash and (lone) surrogates. Matching
// control characters is the point here.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** `JSON.stringify` of a string; the common case (nothing to escape) skips the native call's overhead. */
function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** The JSON text of a leaf's row value (null, string, number, boolean or list of strings). */
function leafJson(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${quote(value[i] as string)}`;
    return `${out}]`;
  }
  return String(value);
}

/** A scalar or list column: its JSON text is the serialization of its row value. */
function leaf(value: (v: unknown, path: string) => unknown): CompiledField {
  return { value, json: (v, path) => leafJson(value(v, path)) };
}

function compile(field: ArchiveField): CompiledField {
  const t = field.type;
  const required = field.required;
  // Firestore keeps no undefined; a stored null in an optional field reads the same as absence.
  const absent = (path: string) => {
    if (required) throw unarchivable(path, 'is required by the archive schema but missing');
    return null;
  };
  switch (t.kind) {
    case 'string':
      return leaf((v, path) => {
        if (typeof v === 'string') return v;
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a string');
      });
    case 'timestamp':
      return leaf((v, path) => {
        if (isInstant(v)) return instantToIsoMicros(v);
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a Timestamp');
      });
    case 'int64':
      return leaf((v, path) => {
        if (Number.isSafeInteger(v)) return v;
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a safe integer');
      });
    case 'boolean':
      return leaf((v, path) => {
        if (typeof v === 'boolean') return v;
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a boolean');
      });
    case 'string_list':
      return leaf((v, path) => {
        if (v === undefined || v === null) return absent(path);
        if (!Array.isArray(v)) throw unarchivable(path, 'must be a list of strings');
        const list: unknown[] = v;
        for (const item of list) if (typeof item !== 'string') throw unarchivable(path, 'must be a list of strings');
        return list;
      });
    case 'json':
      return leaf((v, path) => {
        if (v === undefined || v === null) return absent(path);
        assertPlainJson(v, path);
        return canonicalJson(v);
      });
    case 'struct': {
      const subs = t.fields.map((f) => ({ name: f.name, key: `${JSON.stringify(f.name)}:`, field: compile(f) }));
      const names = new Set(t.fields.map((f) => f.name));
      const accept = (v: unknown, path: string): Record<string, unknown> | null => {
        if (v === undefined || v === null) return absent(path);
        if (!isPlainObject(v)) throw unarchivable(path, 'must be a map');
        for (const key in v) if (!names.has(key)) throw unarchivable(`${path}.${key}`, 'is not in the archive schema');
        return v;
      };
      return {
        value(v, path) {
          const map = accept(v, path);
          if (map === null) return null;
          const out: Record<string, unknown> = {};
          for (const sub of subs) out[sub.name] = sub.field.value(map[sub.name], `${path}.${sub.name}`);
          return out;
        },
        json(v, path) {
          const map = accept(v, path);
          if (map === null) return 'null';
          let out = '{';
          for (const sub of subs) {
            out += `${out.length > 1 ? ',' : ''}${sub.key}${sub.field.json(map[sub.name], `${path}.${sub.name}`)}`;
          }
          return `${out}}`;
        },
      };
    }
  }
}

// `extra` is the last column, so appending it after the others keeps the file's column order.
const CONVERTERS = ARCHIVE_COLUMNS.filter((c) => c.name !== 'extra').map((c) => ({
  name: c.name,
  key: `${JSON.stringify(c.name)}:`,
  field: compile(c),
}));

/** Top-level fields outside the schema, tagged, as canonical JSON; null when there are none. */
function extraOf(doc: Readonly<Record<string, unknown>>): string | null {
  let extra: Record<string, unknown> | null = null;
  for (const key in doc) {
    if (doc[key] === undefined || (COLUMN_SET.has(key) && key !== 'extra')) continue;
    extra ??= {};
    extra[key] = tagExtra(doc[key], key);
  }
  return extra ? canonicalJson(extra) : null;
}

/**
 * Maps a stored `audit_logs` document (Timestamps as Firestore gives them) to its archive row:
 * the object whose JSON the writer feeds DuckDB, and the shape every comparison uses. Lossless or
 * it throws `unarchivable_entry`: known fields must have their schema types and nothing unknown
 * may hide inside a struct; top-level fields outside the schema go to `extra`, so nothing a later
 * module adds is dropped.
 */
export function toArchiveRow(doc: Readonly<Record<string, unknown>>): ArchiveRow {
  const row: Record<string, unknown> = {};
  for (const c of CONVERTERS) row[c.name] = c.field.value(doc[c.name], c.name);
  row.extra = extraOf(doc);
  return row as ArchiveRow;
}

/**
 * `JSON.stringify(toArchiveRow(doc))`, written straight from the document: the same checks and
 * errors, the same text, about half the work (no row objects to build and collect).
 */
export function archiveRowJson(doc: Readonly<Record<string, unknown>>): string {
  let out = '{';
  for (const c of CONVERTERS) out += `${out.length > 1 ? ',' : ''}${c.key}${c.field.json(doc[c.name], c.name)}`;
  return `${out},"extra":${JSON.stringify(extraOf(doc))}}`;
}

/** What the writer and the manifest need of one stored entry: its row's JSON text and two keys. */
export interface EncodedArchiveRow {
  json: string;
  logId: string;
  hash: string;
  /** ISO with microseconds, as the row holds it. */
  occurredAt: string;
}

/** {@link archiveRowJson} plus the fields the job folds into the manifest (already checked by it). */
export function encodeArchiveRow(doc: Readonly<Record<string, unknown>>): EncodedArchiveRow {
  const json = archiveRowJson(doc);
  return {
    json,
    logId: doc.logId as string,
    hash: doc.hash as string,
    occurredAt: instantToIsoMicros(doc.occurredAt as Instant),
  };
}

function fromColumn(value: unknown, field: ArchiveField, instant: (iso: string) => unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const t = field.type;
  switch (t.kind) {
    case 'timestamp':
      return instant(value as string);
    case 'json':
      return JSON.parse(value as string) as unknown;
    case 'struct': {
      const src = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const sub of t.fields) {
        const v = fromColumn(src[sub.name], sub, instant);
        if (v !== undefined) out[sub.name] = v;
      }
      return out;
    }
    default:
      return value;
  }
}

/**
 * The stored document of a row: absent optional fields left out, `extra` merged back, instants
 * built by `instant` (the adapter passes a Timestamp factory; the domain uses ISO strings).
 */
export function fromArchiveRow(row: Readonly<Record<string, unknown>>, instant: (isoMicros: string) => unknown) {
  const doc: Record<string, unknown> = {};
  for (const column of ARCHIVE_COLUMNS) {
    if (column.name === 'extra') continue;
    const v = fromColumn(row[column.name], column, instant);
    if (v !== undefined) doc[column.name] = v;
  }
  if (typeof row.extra === 'string') {
    const extra = untagExtra(JSON.parse(row.extra), instant) as Record<string, unknown>;
    for (const [k, v] of Object.entries(extra)) doc[k] = v;
  }
  return doc;
}

/** The domain entry of a row (instants as millisecond ISO strings), e.g. to recompute its hash. */
export function rowToEntry(row: Readonly<Record<string, unknown>>): AuditEntry & { recordedAt: string } {
  return fromArchiveRow(row, isoMicrosToIsoMillis) as unknown as AuditEntry & { recordedAt: string };
}

/** True when two rows hold the same entry (key order and JSON formatting aside). */
export function sameRow(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
