import { canonicalJson } from '../canonical';
import type { ReviewStatus } from '@audit-log/model';
import type { AuditEntry } from '../entry';
import { ArchiveError } from './errors';
import { instantToIsoMicros, isInstant, isoMicrosToIsoMillis } from './instant';
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

/** Converts one column value to its row form; throws `unarchivable_entry` for anything lossy. */
type Converter = (value: unknown, path: string) => unknown;

function compile(field: ArchiveField): Converter {
  const t = field.type;
  const required = field.required;
  // Firestore keeps no undefined; a stored null in an optional field reads the same as absence.
  const absent = (path: string) => {
    if (required) throw unarchivable(path, 'is required by the archive schema but missing');
    return null;
  };
  switch (t.kind) {
    case 'string':
      return (v, path) => {
        if (typeof v === 'string') return v;
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a string');
      };
    case 'timestamp':
      return (v, path) => {
        if (isInstant(v)) return instantToIsoMicros(v);
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a Timestamp');
      };
    case 'int64':
      return (v, path) => {
        if (Number.isSafeInteger(v)) return v;
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a safe integer');
      };
    case 'boolean':
      return (v, path) => {
        if (typeof v === 'boolean') return v;
        if (v === undefined || v === null) return absent(path);
        throw unarchivable(path, 'must be a boolean');
      };
    case 'string_list':
      return (v, path) => {
        if (v === undefined || v === null) return absent(path);
        if (!Array.isArray(v)) throw unarchivable(path, 'must be a list of strings');
        const list: unknown[] = v;
        for (const item of list) if (typeof item !== 'string') throw unarchivable(path, 'must be a list of strings');
        return list;
      };
    case 'json':
      return (v, path) => {
        if (v === undefined || v === null) return absent(path);
        assertPlainJson(v, path);
        return canonicalJson(v);
      };
    case 'struct': {
      const subs = t.fields.map((f) => ({ name: f.name, convert: compile(f) }));
      const names = new Set(t.fields.map((f) => f.name));
      return (v, path) => {
        if (v === undefined || v === null) return absent(path);
        if (!isPlainObject(v)) throw unarchivable(path, 'must be a map');
        for (const key in v) if (!names.has(key)) throw unarchivable(`${path}.${key}`, 'is not in the archive schema');
        const out: Record<string, unknown> = {};
        for (const sub of subs) out[sub.name] = sub.convert(v[sub.name], `${path}.${sub.name}`);
        return out;
      };
    }
  }
}

const CONVERTERS = ARCHIVE_COLUMNS.filter((c) => c.name !== 'extra').map((c) => ({
  name: c.name,
  convert: compile(c),
}));

/**
 * Maps a stored `audit_logs` document (Timestamps as Firestore gives them) to its archive row:
 * the object whose JSON the writer feeds DuckDB, and the shape every comparison uses. Lossless or
 * it throws `unarchivable_entry`: known fields must have their schema types and nothing unknown
 * may hide inside a struct; top-level fields outside the schema go to `extra`, so nothing a later
 * module adds is dropped.
 */
export function toArchiveRow(doc: Readonly<Record<string, unknown>>): ArchiveRow {
  const row: Record<string, unknown> = {};
  for (const c of CONVERTERS) row[c.name] = c.convert(doc[c.name], c.name);
  let extra: Record<string, unknown> | null = null;
  for (const key in doc) {
    if (doc[key] === undefined || (COLUMN_SET.has(key) && key !== 'extra')) continue;
    extra ??= {};
    extra[key] = tagExtra(doc[key], key);
  }
  row.extra = extra ? canonicalJson(extra) : null;
  return row as ArchiveRow;
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

/** An archived entry: the entry with the review status it had when archived (see review-state.ts). */
export type ArchivedAuditEntry = AuditEntry & { recordedAt: string; reviewStatus: ReviewStatus };

/** The domain entry of a row (instants as millisecond ISO strings), e.g. to recompute its hash. */
export function rowToEntry(row: Readonly<Record<string, unknown>>): ArchivedAuditEntry {
  return fromArchiveRow(row, isoMicrosToIsoMillis) as unknown as ArchivedAuditEntry;
}

/** True when two rows hold the same entry (key order and JSON formatting aside). */
export function sameRow(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
