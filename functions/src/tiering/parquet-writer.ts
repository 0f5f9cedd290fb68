import type { DuckDBConnection } from '@duckdb/node-api';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVE_COLUMNS, ARCHIVE_SCHEMA_VERSION, duckdbType, duckIdent, type ArchiveRow } from '../domain/archive';
import { openDuckDb, sqlString, type DuckDbSettings } from './duckdb';

/**
 * Writes archive rows to one Parquet file with DuckDB `COPY ... TO (FORMAT parquet)`, fed JSON
 * that Node encodes natively (`JSON.stringify` of each batch of `toArchiveRow` objects) into a
 * staged JSON array file. Chosen by measurement over pure-JS writers and over the variants below
 * (bench/parquet.bench.mjs, table in docs/tiering.md).
 *
 * - `file` (default): the part's JSON is staged in one file and copied when the part is complete.
 *   Memory stays flat (DuckDB streams the file under `memory_limit`); the staging file is about
 *   1.3 KB per row, bounded by the job's rows per part.
 * - `chunked`: Node writes chunks of `chunkRows`; while it encodes the next one, DuckDB loads the
 *   previous one into a table of an on-disk staging database; `close()` copies the table. It
 *   overlaps the two sides but parses and encodes twice and measured slower.
 *
 * A named pipe into `read_json` was measured too and dropped: DuckDB buffers a non-seekable input,
 * so memory grew with the input until `memory_limit` stopped it.
 */
export interface ParquetWriterOptions extends DuckDbSettings {
  mode?: 'chunked' | 'file';
  compression?: 'zstd' | 'snappy';
  rowGroupSize?: number;
  /** Rows per staged chunk in `chunked` mode. */
  chunkRows?: number;
  /** Key-value metadata written into the file footer (the schema version is always added). */
  kvMetadata?: Record<string, string>;
  /** Folder for staging files and DuckDB's spill files. */
  workDir?: string;
}

export const WRITER_DEFAULTS = { mode: 'file', compression: 'zstd', rowGroupSize: 65_536, chunkRows: 50_000 } as const;

/** `read_json` of one staged JSON array with fixed column types: no sampling, no guessing. */
function readJson(file: string): string {
  const columns = `{${ARCHIVE_COLUMNS.map((c) => `${duckIdent(c.name)}: ${sqlString(duckdbType(c.type))}`).join(', ')}}`;
  return `read_json(${sqlString(file)}, format = 'array', columns = ${columns}, maximum_object_size = 4194304)`;
}

const COLUMN_LIST = ARCHIVE_COLUMNS.map((c) => duckIdent(c.name)).join(', ');

export class ParquetArchiveWriter {
  private rows = 0;
  private staged = 0;
  private chunkRows = 0;
  private chunkNo = 0;
  private stream: WriteStream;
  /** The chain of chunk loads; each awaits the one before (one query at a time per connection). */
  private loading: Promise<void> = Promise.resolve();
  private loadsPending = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly output: string,
    private readonly options: Required<
      Pick<ParquetWriterOptions, 'mode' | 'compression' | 'rowGroupSize' | 'chunkRows'>
    > & {
      kv: Record<string, string>;
    },
    private readonly duck: { conn: DuckDBConnection; close(): void },
  ) {
    this.stream = this.openChunk();
  }

  /** Opens a writer producing `output`. */
  static async create(output: string, options: ParquetWriterOptions = {}): Promise<ParquetArchiveWriter> {
    const dir = await mkdtemp(join(options.workDir ?? tmpdir(), 'archive-'));
    const mode = options.mode ?? WRITER_DEFAULTS.mode;
    try {
      const duck = await openDuckDb(
        { ...options, tempDirectory: join(dir, 'spill') },
        mode === 'chunked' ? join(dir, 'stage.duckdb') : ':memory:',
      );
      if (mode === 'chunked') {
        const cols = ARCHIVE_COLUMNS.map((c) => `${duckIdent(c.name)} ${duckdbType(c.type)}`).join(', ');
        await duck.conn.run(`CREATE TABLE stage (${cols})`);
      }
      return new ParquetArchiveWriter(
        dir,
        output,
        {
          mode,
          compression: options.compression ?? WRITER_DEFAULTS.compression,
          rowGroupSize: options.rowGroupSize ?? WRITER_DEFAULTS.rowGroupSize,
          chunkRows: options.chunkRows ?? WRITER_DEFAULTS.chunkRows,
          kv: { 'audit.schema_version': String(ARCHIVE_SCHEMA_VERSION), ...options.kvMetadata },
        },
        duck,
      );
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private chunkPath(n: number): string {
    return join(this.dir, `chunk-${n}.json`);
  }

  private openChunk(): WriteStream {
    const stream = createWriteStream(this.chunkPath(this.chunkNo));
    stream.on('error', () => undefined);
    stream.write('[');
    return stream;
  }

  private async endStream(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.stream.end(']', (err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }

  /** Hands the finished chunk to DuckDB and starts the next one; waits if DuckDB is a chunk behind. */
  private async rotate(): Promise<void> {
    await this.endStream();
    const file = this.chunkPath(this.chunkNo);
    // At most one chunk waits while another loads: bounded disk, and Node never runs far ahead.
    if (this.loadsPending >= 1) await this.loading;
    this.loadsPending++;
    this.loading = this.loading.then(async () => {
      try {
        await this.duck.conn.run(`INSERT INTO stage SELECT ${COLUMN_LIST} FROM ${readJson(file)}`);
      } finally {
        this.loadsPending--;
        await rm(file, { force: true });
      }
    });
    this.loading.catch(() => undefined);
    this.chunkNo++;
    this.chunkRows = 0;
    this.stream = this.openChunk();
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Bytes of row JSON staged so far (in the function's memory-backed /tmp on Cloud Functions). */
  get stagedBytes(): number {
    return this.staged;
  }

  /**
   * Appends rows (`toArchiveRow` objects) while the staged JSON stays within `maxStagedBytes`
   * (an empty file always takes its first row, so any entry can be archived); returns how many
   * rows it took, in order. The caller closes the part when fewer than all were taken.
   */
  async write(rows: readonly ArchiveRow[], maxStagedBytes = Number.POSITIVE_INFINITY): Promise<number> {
    if (this.closed) throw new Error('writer is closed');
    const taken: string[] = [];
    let bytes = 0;
    for (const row of rows) {
      const json = JSON.stringify(row);
      const size = Buffer.byteLength(json) + 1; // and its separator
      if (this.staged + bytes + size > maxStagedBytes && this.rows + taken.length > 0) break;
      taken.push(json);
      bytes += size;
    }
    if (taken.length === 0) return 0;
    const ok = this.stream.write(`${this.chunkRows === 0 ? '' : ','}${taken.join(',')}`);
    this.rows += taken.length;
    this.chunkRows += taken.length;
    this.staged += bytes;
    if (this.options.mode === 'chunked' && this.chunkRows >= this.options.chunkRows) await this.rotate();
    else if (!ok) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
    return taken.length;
  }

  private copySql(source: string): string {
    const kv = Object.entries(this.options.kv)
      .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
      .join(', ');
    return (
      `COPY (SELECT ${COLUMN_LIST} FROM ${source}) TO ${sqlString(this.output)} ` +
      `(FORMAT parquet, COMPRESSION ${this.options.compression}, ROW_GROUP_SIZE ${this.options.rowGroupSize}, ` +
      `KV_METADATA {${kv}})`
    );
  }

  /** Finishes the file and returns its row count and size. */
  async close(): Promise<{ rowCount: number; bytes: number }> {
    if (this.closed) throw new Error('writer already closed');
    this.closed = true;
    try {
      if (this.options.mode === 'chunked') {
        if (this.chunkRows > 0) await this.rotate();
        else await this.endStream();
        await this.loading;
        await this.duck.conn.run(this.copySql('stage'));
      } else {
        await this.endStream();
        await this.duck.conn.run(this.copySql(readJson(this.chunkPath(0))));
      }
      const { size } = await stat(this.output);
      return { rowCount: this.rows, bytes: size };
    } finally {
      this.duck.close();
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** Gives up: stops DuckDB, removes staging files (not the output; the caller owns it). */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stream.destroy();
    this.duck.conn.interrupt();
    await this.loading.catch(() => undefined);
    this.duck.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
