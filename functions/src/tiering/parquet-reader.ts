import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { ARCHIVE_COLUMNS, duckIdent, type ArchiveRow } from '../domain/archive';
import { sqlString } from './duckdb';

/**
 * Reads archive files back as the same JSON rows the writer was given, so a row read back can be
 * compared with a Firestore document mapped by `toArchiveRow` and hashed by the domain.
 */

/** `to_json` of a row with instants printed as the writer's ISO micros (session zone is UTC). */
export function rowJsonProjection(alias = ''): string {
  const prefix = alias ? `${alias}.` : '';
  const fields = ARCHIVE_COLUMNS.map((c) => {
    const col = `${prefix}${duckIdent(c.name)}`;
    const expr = c.type.kind === 'timestamp' ? `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%fZ')` : col;
    return `${duckIdent(c.name)} := ${expr}`;
  });
  return `to_json(struct_pack(${fields.join(', ')}))`;
}

/** `read_parquet` over local files we wrote or downloaded ourselves. */
export function parquetSource(files: readonly string[]): string {
  return `read_parquet([${files.map(sqlString).join(', ')}])`;
}

/**
 * Streams every row of local archive files in DuckDB's vector-sized chunks (2,048 rows), so
 * memory stays flat however large the file.
 */
export async function* readArchiveRows(conn: DuckDBConnection, files: readonly string[]): AsyncGenerator<ArchiveRow[]> {
  const result = await conn.stream(`SELECT ${rowJsonProjection()} AS j FROM ${parquetSource(files)}`);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    const values = chunk.getColumnValues(0);
    yield values.map((v) => JSON.parse(v as string) as ArchiveRow);
  }
}

/** Rows matching a WHERE clause (with `?` parameters), in search order, at most `limit`. */
export async function queryArchiveRows(
  conn: DuckDBConnection,
  from: string,
  where: string,
  params: ReadonlyArray<string | number | boolean>,
  limit: number,
): Promise<ArchiveRow[]> {
  const sql =
    `SELECT ${rowJsonProjection('r')} AS j FROM ${from} AS r WHERE ${where} ` +
    `ORDER BY r."occurredAt" DESC, r."logId" DESC LIMIT ${Math.max(0, Math.floor(limit))}`;
  const reader = await conn.runAndReadAll(sql, params as DuckDBValue[]);
  return reader.getColumns()[0]?.map((v) => JSON.parse(v as string) as ArchiveRow) ?? [];
}
