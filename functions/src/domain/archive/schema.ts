/**
 * The Parquet schema of the cold tier, defined once. The DuckDB column types the writer uses, the
 * BigQuery DDL of the docs and the schema test are all derived from this table, so they cannot
 * drift apart. Column names are the stored entry's field names, so `actor.id` means the same in
 * Firestore, DuckDB and BigQuery.
 */

/** Bumped whenever a column is added, removed or retyped; written into every file's key-value metadata. */
export const ARCHIVE_SCHEMA_VERSION = 1;

export type ArchiveType =
  | { kind: 'string' }
  /** JSON text (canonical: sorted keys, no white space) of a free-form object. */
  | { kind: 'json' }
  /** Instant in UTC with microsecond precision. */
  | { kind: 'timestamp' }
  | { kind: 'int64' }
  | { kind: 'boolean' }
  | { kind: 'string_list' }
  | { kind: 'struct'; fields: readonly ArchiveField[] };

export interface ArchiveField {
  name: string;
  type: ArchiveType;
  /** False when the stored entry may lack the field; then the column holds NULL. */
  required: boolean;
  description: string;
}

const str = { kind: 'string' } as const;
const json = { kind: 'json' } as const;
const ts = { kind: 'timestamp' } as const;
const list = { kind: 'string_list' } as const;

const f = (name: string, type: ArchiveType, required: boolean, description: string): ArchiveField => ({
  name,
  type,
  required,
  description,
});

/** Columns of every archive file, in file order. */
export const ARCHIVE_COLUMNS: readonly ArchiveField[] = [
  f('logId', str, true, 'document id in audit_logs; deterministic from (tenantId, source, eventId)'),
  f('specVersion', str, true, 'envelope version, "1.0"'),
  f('eventId', str, true, "producer's idempotency key"),
  f('eventType', str, true, 'dotted lower_snake event type'),
  f('tenantId', str, true, 'tenant (also the tenant= partition)'),
  f('occurredAt', ts, true, 'when the event happened (UTC; its day is the date= partition)'),
  f('recordedAt', ts, true, 'when the entry was stored'),
  f('source', str, true, 'producing module'),
  f('sequence', { kind: 'int64' }, false, "producer's per-source sequence number"),
  f(
    'actor',
    {
      kind: 'struct',
      fields: [
        f('type', str, true, 'user | service_account | system | anonymous'),
        f('id', str, false, 'actor id'),
        f('name', str, false, 'display name'),
        f('email', str, false, 'email (masked when the tenant redacts emails)'),
        f('ip', str, false, 'IPv4 or IPv6 address'),
        f('userAgent', str, false, 'user agent'),
        f('roles', list, false, 'roles the actor held'),
      ],
    },
    true,
    'who acted',
  ),
  f(
    'resource',
    {
      kind: 'struct',
      fields: [
        f('type', str, true, 'lower_snake resource type'),
        f('id', str, true, 'resource id'),
        f('name', str, false, 'display name'),
        f('path', str, false, 'path of the resource'),
      ],
    },
    false,
    'what was acted on (absent for some auth.* events)',
  ),
  f('operation', str, true, 'CREATE | UPDATE | DELETE | READ | EXECUTE'),
  f('outcome', str, true, 'success | failure | denied'),
  f('changes', json, false, 'JSON {"before": object|null, "after": object|null}, after redaction'),
  f('metadata', json, false, 'JSON of the free-form metadata object, after redaction'),
  f(
    'context',
    {
      kind: 'struct',
      fields: [
        f('correlationId', str, false, 'correlation id'),
        f('requestId', str, false, 'request id'),
        f('sessionId', str, false, 'session id'),
      ],
    },
    false,
    'request context',
  ),
  f('category', str, true, 'one of the eight audit categories'),
  f('level', str, true, 'INFO | WARNING | ERROR | CRITICAL'),
  f('requiresReview', { kind: 'boolean' }, true, 'flagged for review'),
  f('reviewStatus', str, true, 'review state when the entry was archived'),
  f('changedFields', list, true, 'dotted paths that differ between before and after'),
  f('redactions', list, true, 'dotted paths that were masked'),
  f('searchTokens', list, true, 'lower-cased keywords (keyword search matches one element exactly)'),
  f('hash', str, true, 'hex SHA-256 of the canonical entry (Merkle leaf)'),
  f('extra', json, false, 'JSON of stored fields outside this schema (tagged; see docs/tiering.md), else NULL'),
];

/** The top-level column names, in file order. */
export const ARCHIVE_COLUMN_NAMES: readonly string[] = ARCHIVE_COLUMNS.map((c) => c.name);

/** Quotes an identifier for DuckDB SQL. */
export function duckIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The DuckDB type of a column, e.g. `STRUCT("type" VARCHAR, "roles" VARCHAR[])`. */
export function duckdbType(type: ArchiveType): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'VARCHAR';
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'int64':
      return 'BIGINT';
    case 'boolean':
      return 'BOOLEAN';
    case 'string_list':
      return 'VARCHAR[]';
    case 'struct':
      return `STRUCT(${type.fields.map((c) => `${duckIdent(c.name)} ${duckdbType(c.type)}`).join(', ')})`;
  }
}

/** BigQuery's type for what the writer produces, with list inference enabled (see the DDL). */
export function bigQueryType(type: ArchiveType): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'STRING';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'int64':
      return 'INT64';
    case 'boolean':
      return 'BOOL';
    case 'string_list':
      return 'ARRAY<STRING>';
    case 'struct':
      return `STRUCT<${type.fields.map((c) => `\`${c.name}\` ${bigQueryType(c.type)}`).join(', ')}>`;
  }
}

/** Placeholders in the DDL that the operator fills in. */
export const DDL_PLACEHOLDERS = { dataset: 'PROJECT.DATASET', bucket: 'BUCKET' } as const;

/**
 * The BigQuery external table over the Hive-partitioned layout. `tenant` and `date` come from the
 * object path (`tenant=<id>/date=<YYYY-MM-DD>`); `require_hive_partition_filter` makes every query
 * name its partitions, so nobody scans seven years by accident.
 */
export function bigQueryDdl(table = `${DDL_PLACEHOLDERS.dataset}.audit_archive`): string {
  const cols = ARCHIVE_COLUMNS.map((c) => `  \`${c.name}\` ${bigQueryType(c.type)}`).join(',\n');
  const bucket = DDL_PLACEHOLDERS.bucket;
  return [
    `CREATE EXTERNAL TABLE \`${table}\` (`,
    cols,
    `)`,
    `WITH PARTITION COLUMNS (`,
    `  \`tenant\` STRING,`,
    `  \`date\` DATE`,
    `)`,
    `OPTIONS (`,
    `  format = 'PARQUET',`,
    `  uris = ['gs://${bucket}/audit/*.parquet'],`,
    `  hive_partition_uri_prefix = 'gs://${bucket}/audit',`,
    `  require_hive_partition_filter = TRUE,`,
    `  enable_list_inference = TRUE`,
    `);`,
  ].join('\n');
}
