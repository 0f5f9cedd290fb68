import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdir } from 'node:fs/promises';

/** Settings that keep DuckDB inside a function's memory; measured in bench/parquet.bench.mjs. */
export interface DuckDbSettings {
  /** Worker threads; 2 matches the function's vCPU. */
  threads?: number;
  /** DuckDB's own cap (buffers, row groups); spills to `tempDirectory` beyond it. */
  memoryLimit?: string;
  /** Where DuckDB may spill; inside the run's temp folder. */
  tempDirectory?: string;
}

/**
 * Measured (bench/parquet.bench.mjs): below ~256 MB DuckDB throttles a COPY of archive rows to a
 * third of its speed; 320 MB with 65,536-row groups runs at full speed in ~310 MB of RSS.
 */
export const DEFAULT_DUCKDB_SETTINGS: Required<Omit<DuckDbSettings, 'tempDirectory'>> = {
  threads: 2,
  memoryLimit: '320MB',
};

/**
 * A private in-memory DuckDB for one task. `preserve_insertion_order=false` lets COPY stream
 * without buffering the whole input: archive rows have no meaningful file order (the Merkle root
 * sorts its leaves), so order is worth nothing and memory is worth a lot.
 */
export async function openDuckDb(
  settings: DuckDbSettings = {},
  /** A database file for tables that must not live in memory; default in-memory. */
  path = ':memory:',
): Promise<{ conn: DuckDBConnection; close(): void }> {
  const threads = settings.threads ?? DEFAULT_DUCKDB_SETTINGS.threads;
  const options: Record<string, string> = {
    threads: String(threads),
    memory_limit: settings.memoryLimit ?? DEFAULT_DUCKDB_SETTINGS.memoryLimit,
    preserve_insertion_order: 'false',
    // Offline and hermetic: never try to download or autoload an extension.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (settings.tempDirectory) {
    await mkdir(settings.tempDirectory, { recursive: true });
    options.temp_directory = settings.tempDirectory;
  }
  // Loaded on first use, not at start: every function shares one module graph, and DuckDB's
  // native module would make each cold worker (ingest's included) slower to become ready.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(path, options);
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return {
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** A SQL string literal (for file paths we create ourselves; user values are always parameters). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
