import { open, type FileHandle } from 'node:fs/promises';
import { decodeStruct, encodeStruct, field, TType, type ThriftList, type ThriftStruct } from './thrift-compact';

/**
 * Joins Parquet files of one schema into one file by moving their row groups as bytes: nothing is
 * decoded, decompressed or re-encoded. The writer uses it to let DuckDB encode one chunk of rows
 * while Node prepares the next, and still produce a single file per archive part.
 *
 * A Parquet file is `PAR1`, column chunks, `FileMetaData` (Thrift compact), its length and `PAR1`.
 * Each appended file's bytes between the magic and its footer move to the output at a new offset;
 * its row groups' absolute offsets (row group, column chunk, pages, page indexes, bloom filters)
 * are shifted by that distance and renumbered; the first file's footer, with all row groups and
 * the summed row count, becomes the output's footer. Files must share the schema (checked).
 */

const MAGIC = Buffer.from('PAR1', 'ascii');
const COPY_BUFFER = 4 * 1024 * 1024;

// Field ids from parquet.thrift.
const FILE_META = { numRows: 3, schema: 2, rowGroups: 4 } as const;
const ROW_GROUP = { columns: 1, fileOffset: 5, ordinal: 7 } as const;
const COLUMN_CHUNK = { fileOffset: 2, metaData: 3, offsetIndexOffset: 4, columnIndexOffset: 6 } as const;
const COLUMN_META = { dataPageOffset: 9, indexPageOffset: 10, dictionaryPageOffset: 11, bloomFilterOffset: 14 };

export class ParquetFormatError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ParquetFormatError';
  }
}

interface Footer {
  meta: ThriftStruct;
  /** Where the footer starts: the file's column data is bytes [4, dataEnd). */
  dataEnd: number;
}

async function readFooter(handle: FileHandle, path: string): Promise<Footer> {
  const { size } = await handle.stat();
  if (size < 12) throw new ParquetFormatError(path, 'is too short to be Parquet');
  const tail = Buffer.alloc(8);
  await handle.read(tail, 0, 8, size - 8);
  const head = Buffer.alloc(4);
  await handle.read(head, 0, 4, 0);
  if (!head.equals(MAGIC) || !tail.subarray(4).equals(MAGIC)) throw new ParquetFormatError(path, 'lacks PAR1 magic');
  const length = tail.readUInt32LE(0);
  const dataEnd = size - 8 - length;
  if (dataEnd < 4) throw new ParquetFormatError(path, 'footer length runs past the start');
  const bytes = Buffer.alloc(length);
  await handle.read(bytes, 0, length, dataEnd);
  return { meta: decodeStruct(bytes), dataEnd };
}

function list(struct: ThriftStruct, id: number): ThriftList {
  const f = field(struct, id);
  if (!f || (f.type !== TType.List && f.type !== TType.Set)) return { elementType: TType.Struct, items: [] };
  return f.value as ThriftList;
}

/** Adds `delta` to the I64 offset fields `ids` of `struct` that are present. */
function shift(struct: ThriftStruct, ids: readonly number[], delta: bigint): void {
  for (const f of struct.fields) {
    if (ids.includes(f.id) && f.type === TType.I64) f.value = (f.value as bigint) + delta;
  }
}

function shiftRowGroup(group: ThriftStruct, delta: bigint, ordinal: number): void {
  shift(group, [ROW_GROUP.fileOffset], delta);
  const ord = field(group, ROW_GROUP.ordinal);
  if (ord) ord.value = ordinal;
  for (const chunk of list(group, ROW_GROUP.columns).items as ThriftStruct[]) {
    shift(chunk, [COLUMN_CHUNK.fileOffset, COLUMN_CHUNK.offsetIndexOffset, COLUMN_CHUNK.columnIndexOffset], delta);
    const meta = field(chunk, COLUMN_CHUNK.metaData);
    if (meta) shift(meta.value as ThriftStruct, Object.values(COLUMN_META), delta);
  }
}

function schemaBytes(meta: ThriftStruct): string {
  const schema = field(meta, FILE_META.schema);
  return schema ? Buffer.from(encodeStruct({ fields: [schema] })).toString('base64') : '';
}

/** Builds one Parquet file from files appended in order; holds only their footers in memory. */
export class ParquetConcatenator {
  private position = MAGIC.length;
  private first: ThriftStruct | undefined;
  private schema = '';
  private readonly groups: ThriftStruct[] = [];
  private rows = 0n;

  private constructor(
    private readonly out: FileHandle,
    private readonly path: string,
  ) {}

  static async create(path: string): Promise<ParquetConcatenator> {
    const out = await open(path, 'w');
    await out.write(MAGIC, 0, MAGIC.length, 0);
    return new ParquetConcatenator(out, path);
  }

  get rowCount(): bigint {
    return this.rows;
  }

  /** Moves the row groups of `path` to the end of the output. */
  async append(path: string): Promise<void> {
    const input = await open(path, 'r');
    try {
      const { meta, dataEnd } = await readFooter(input, path);
      const schema = schemaBytes(meta);
      if (this.first === undefined) {
        this.first = meta;
        this.schema = schema;
      } else if (schema !== this.schema) {
        throw new ParquetFormatError(path, 'has a different schema from the first file');
      }
      const delta = BigInt(this.position - MAGIC.length);
      for (const group of list(meta, FILE_META.rowGroups).items as ThriftStruct[]) {
        shiftRowGroup(group, delta, this.groups.length);
        this.groups.push(group);
      }
      const rows = field(meta, FILE_META.numRows);
      this.rows += rows ? BigInt(rows.value as bigint) : 0n;
      const buffer = Buffer.allocUnsafe(COPY_BUFFER);
      for (let at = MAGIC.length; at < dataEnd;) {
        const { bytesRead } = await input.read(buffer, 0, Math.min(COPY_BUFFER, dataEnd - at), at);
        if (bytesRead === 0) throw new ParquetFormatError(path, 'ended early');
        await this.out.write(buffer, 0, bytesRead, this.position);
        this.position += bytesRead;
        at += bytesRead;
      }
    } finally {
      await input.close();
    }
  }

  /** Writes the joined footer and closes the output; returns its row count and size. */
  async finish(): Promise<{ rowCount: number; bytes: number }> {
    try {
      if (!this.first) throw new ParquetFormatError(this.path, 'no file was appended');
      const fields = this.first.fields.map((f) => {
        if (f.id === FILE_META.numRows) return { ...f, value: this.rows };
        if (f.id === FILE_META.rowGroups) {
          return { ...f, value: { elementType: TType.Struct, items: this.groups } satisfies ThriftList };
        }
        return f;
      });
      const footer = Buffer.from(encodeStruct({ fields }));
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(footer.length, 0);
      MAGIC.copy(trailer, 4);
      await this.out.write(footer, 0, footer.length, this.position);
      await this.out.write(trailer, 0, 8, this.position + footer.length);
      return { rowCount: Number(this.rows), bytes: this.position + footer.length + 8 };
    } finally {
      await this.out.close();
    }
  }

  /** Gives up; the caller removes the output. */
  async abort(): Promise<void> {
    await this.out.close().catch(() => undefined);
  }
}
