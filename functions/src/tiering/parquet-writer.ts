import type { DuckDBConnection } from '@duckdb/node-api';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVE_COLUMNS, ARCHIVE_SCHEMA_VERSION, duckdbType, duckIdent } from '../domain/archive';
import { openDuckDb, sqlString, type DuckDbSettings } from './duckdb';
import { ParquetConcatenator } from './parquet-concat';

/**
 * Writes archive rows to one Parquet file with DuckDB `COPY ... TO (FORMAT parquet)`, fed NDJSON
 * that Node writes straight from the stored documents (`archiveRowJson`). Chosen by measurement
 * over pure-JS writers and the variants below (bench/parquet.bench.mjs, table in docs/tiering.md).
 *
 * - `pipelined` (default): rows are staged in chunks of `chunkRows`; while Node writes the next
 *   chunk, DuckDB encodes the previous one into a Parquet file of its own, whose row groups are
 *   then moved into the output as bytes (parquet-concat.ts). Node's encoding and DuckDB's run at
 *   the same time, disk holds at most two chunks, and DuckDB never sees more than one chunk.
 * - `file`: the part's NDJSON is staged in one file and copied when the part is complete. Simple,
 *   but the two sides take turns, and staging grows with the part (~1.3 KB per row).
 *
 * Measured and dropped: a named pipe into `read_json` (DuckDB buffers a non-seekable input until
 * `memory_limit` stops it) and loading chunks into a staging table (everything parsed twice).
 */
export interface ParquetWriterOptions extends DuckDbSettings {
  mode?: 'pipelined' | 'file';
  compression?: 'zstd' | 'snappy';
  rowGroupSize?: number;
  /** Rows per staged chunk in `pipelined` mode. */
  chunkRows?: number;
  /** Key-value metadata written into the file footer (the schema version is always added). */
  kvMetadata?: Record<string, string>;
  /** Folder for staging files and DuckDB's spill files. */
  workDir?: string;
}

export const WRITER_DEFAULTS = {
  mode: 'pipelined',
  compression: 'zstd',
  rowGroupSize: 65_536,
  chunkRows: 131_072,
} as const;

/** `read_json` of a staged NDJSON file with fixed column types: no sampling, no guessing. */
function readJson(file: string): string {
  const columns = `{${ARCHIVE_COLUMNS.map((c) => `${duckIdent(c.name)}: ${sqlString(duckdbType(c.type))}`).join(', ')}}`;
  return `read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${columns}, maximum_object_size = 4194304)`;
}

const COLUMN_LIST = ARCHIVE_COLUMNS.map((c) => duckIdent(c.name)).join(', ');

type Options = Required<Pick<ParquetWriterOptions, 'mode' | 'compression' | 'rowGroupSize' | 'chunkRows'>> & {
  kv: Record<string, string>;
};

export class ParquetArchiveWriter {
  private rows = 0;
  private chunkRows = 0;
  private chunkNo = 0;
  private stream: WriteStream;
  /** The chain of chunk encodes; each awaits the one before (one query at a time per connection). */
  private encoding: Promise<void> = Promise.resolve();
  private encodesPending = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly output: string,
    private readonly options: Options,
    private readonly duck: { conn: DuckDBConnection; close(): void },
    private readonly joined: ParquetConcatenator | null,
  ) {
    this.stream = this.openChunk();
  }

  /** Opens a writer producing `output`. */
  static async create(output: string, options: ParquetWriterOptions = {}): Promise<ParquetArchiveWriter> {
    const dir = await mkdtemp(join(options.workDir ?? tmpdir(), 'archive-'));
    const mode = options.mode ?? WRITER_DEFAULTS.mode;
    try {
      const duck = await openDuckDb({ ...options, tempDirectory: join(dir, 'spill') });
      const joined = mode === 'pipelined' ? await ParquetConcatenator.create(output) : null;
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
        joined,
      );
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private chunkPath(n: number, extension = 'ndjson'): string {
    return join(this.dir, `chunk-${n}.${extension}`);
  }

  private openChunk(): WriteStream {
    const stream = createWriteStream(this.chunkPath(this.chunkNo));
    stream.on('error', () => undefined);
    return stream;
  }

  private async endStream(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }

  /** Hands the finished chunk to DuckDB and starts the next one; waits if DuckDB is a chunk behind. */
  private async rotate(): Promise<void> {
    await this.endStream();
    const n = this.chunkNo;
    // At most one chunk waits while another encodes: bounded disk, and Node never runs far ahead.
    if (this.encodesPending >= 1) await this.encoding;
    this.encodesPending++;
    this.encoding = this.encoding.then(async () => {
      const parquet = this.chunkPath(n, 'parquet');
      try {
        await this.duck.conn.run(this.copySql(readJson(this.chunkPath(n)), parquet));
        await this.joined!.append(parquet);
      } finally {
        this.encodesPending--;
        await Promise.all([rm(this.chunkPath(n), { force: true }), rm(parquet, { force: true })]);
      }
    });
    this.encoding.catch(() => undefined);
    this.chunkNo++;
    this.chunkRows = 0;
    this.stream = this.openChunk();
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Appends rows given as their JSON text (`archiveRowJson`), one per element. */
  async writeJson(rows: readonly string[]): Promise<void> {
    if (this.closed) throw new Error('writer is closed');
    if (rows.length === 0) return;
    const ok = this.stream.write(`${rows.join('\n')}\n`);
    this.rows += rows.length;
    this.chunkRows += rows.length;
    if (this.options.mode === 'pipelined' && this.chunkRows >= this.options.chunkRows) await this.rotate();
    else if (!ok) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  /** Appends row objects (`toArchiveRow`); the job uses {@link writeJson}, which skips building them. */
  write(rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    return this.writeJson(rows.map((row) => JSON.stringify(row)));
  }

  private copySql(source: string, target: string): string {
    const kv = Object.entries(this.options.kv)
      .map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`)
      .join(', ');
    return (
      `COPY (SELECT ${COLUMN_LIST} FROM ${source}) TO ${sqlString(target)} ` +
      `(FORMAT parquet, COMPRESSION ${this.options.compression}, ROW_GROUP_SIZE ${this.options.rowGroupSize}, ` +
      `KV_METADATA {${kv}})`
    );
  }

  /** Finishes the file and returns its row count and size. */
  async close(): Promise<{ rowCount: number; bytes: number }> {
    if (this.closed) throw new Error('writer already closed');
    this.closed = true;
    try {
      if (this.joined && this.rows > 0) {
        if (this.chunkRows > 0) await this.rotate();
        await this.endStream();
        await this.encoding;
        const joined = await this.joined.finish();
        if (joined.rowCount !== this.rows) throw new Error(`joined ${joined.rowCount} rows, wrote ${this.rows}`);
        return { rowCount: this.rows, bytes: joined.bytes };
      }
      // One staged file (`file` mode, or nothing written yet): copy it straight to the output.
      await this.endStream();
      await this.joined?.abort();
      await this.duck.conn.run(this.copySql(readJson(this.chunkPath(this.chunkNo)), this.output));
      const { size } = await stat(this.output);
      return { rowCount: this.rows, bytes: size };
    } catch (err) {
      await this.joined?.abort();
      throw err;
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
    await this.encoding.catch(() => undefined);
    await this.joined?.abort();
    this.duck.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
