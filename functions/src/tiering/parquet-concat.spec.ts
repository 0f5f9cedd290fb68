import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from './duckdb';
import { ParquetConcatenator, ParquetFormatError } from './parquet-concat';
import { decodeStruct, encodeStruct } from './thrift-compact';

// Files written by DuckDB with several column kinds (nested, lists, nulls, timestamps, dictionary
// pages, statistics), joined by moving bytes, then read by DuckDB and by an independent reader.

let dir: string;
let duck: Awaited<ReturnType<typeof openDuckDb>>;

/** Rows [from, to) as DuckDB SQL; every fifth row has NULLs. */
function rowsSql(from: number, to: number): string {
  return `SELECT i::BIGINT AS i,
      CASE WHEN i % 5 = 0 THEN NULL ELSE 'name-' || i || ' 日本語' END AS s,
      TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i) AS t,
      i % 2 = 0 AS b,
      CASE WHEN i % 5 = 0 THEN NULL ELSE ['x' || (i % 7), 'y'] END AS tags,
      {'id': 'u-' || (i % 13), 'roles': ['r' || (i % 3)]} AS who,
      '{"n":' || i || '}' AS j
    FROM range(${from}, ${to}) r(i)`;
}

async function writeParquet(file: string, from: number, to: number, rowGroupSize = 2048): Promise<void> {
  await duck.conn.run(
    `COPY (${rowsSql(from, to)}) TO ${sqlString(file)} ` +
      `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowGroupSize}, KV_METADATA {'audit.part': '7'})`,
  );
}

async function footerBytes(file: string): Promise<Buffer> {
  const bytes = await readFile(file);
  const length = bytes.readUInt32LE(bytes.length - 8);
  return bytes.subarray(bytes.length - 8 - length, bytes.length - 8);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concat-spec-'));
  duck = await openDuckDb({ threads: 1 });
});

afterAll(async () => {
  duck.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Thrift compact codec', () => {
  it('decodes and re-encodes a real Parquet footer byte for byte', async () => {
    const file = join(dir, 'footer.parquet');
    await writeParquet(file, 0, 5000);
    const footer = await footerBytes(file);
    expect(Buffer.from(encodeStruct(decodeStruct(footer))).equals(footer)).toBe(true);
  });

  it('refuses truncated input instead of guessing', async () => {
    const file = join(dir, 'short.parquet');
    await writeParquet(file, 0, 100);
    const footer = await footerBytes(file);
    expect(() => decodeStruct(footer.subarray(0, footer.length - 3))).toThrow(/thrift/);
  });
});

describe('joining Parquet files', () => {
  it('moves every row group into one file that DuckDB and hyparquet read exactly', async () => {
    const parts = [
      [0, 5000],
      [5000, 5001],
      [5001, 12000],
    ] as const;
    const files = parts.map((_, k) => join(dir, `part-${k}.parquet`));
    for (const [k, [from, to]] of parts.entries()) await writeParquet(files[k]!, from, to);
    const output = join(dir, 'joined.parquet');
    const joiner = await ParquetConcatenator.create(output);
    for (const file of files) await joiner.append(file);
    const { rowCount, bytes } = await joiner.finish();
    expect(rowCount).toBe(12000);
    expect(bytes).toBe((await readFile(output)).length);

    // DuckDB: the joined file holds exactly the rows of one query over the whole range.
    const diff = await duck.conn.runAndReadAll(
      `SELECT count(*) FROM ((SELECT * FROM read_parquet(${sqlString(output)})) EXCEPT ALL (${rowsSql(0, 12000)}))`,
    );
    expect(Number(diff.getRows()[0]![0])).toBe(0);
    const count = await duck.conn.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlString(output)})`);
    expect(Number(count.getRows()[0]![0])).toBe(12000);
    const kv = await duck.conn.runAndReadAll(
      `SELECT decode(value) FROM parquet_kv_metadata(${sqlString(output)}) WHERE decode(key) = 'audit.part'`,
    );
    expect(kv.getRows()).toEqual([['7']]);

    // hyparquet: row groups in order with their own offsets, every value where it belongs.
    const buffer = await asyncBufferFromFile(output);
    const metadata = await parquetMetadataAsync(buffer);
    expect(Number(metadata.num_rows)).toBe(12000);
    expect(metadata.row_groups.reduce((sum, g) => sum + Number(g.num_rows), 0)).toBe(12000);
    const rows = (await parquetReadObjects({ file: buffer, metadata, compressors })) as Array<Record<string, unknown>>;
    expect(rows.map((r) => Number(r.i)).sort((a, b) => a - b)).toEqual(Array.from({ length: 12000 }, (_, i) => i));
    const sample = rows.find((r) => Number(r.i) === 11999)!;
    expect(sample).toMatchObject({
      s: 'name-11999 日本語',
      b: false,
      tags: ['x' + (11999 % 7), 'y'],
      j: '{"n":11999}',
    });
    expect(sample.who).toEqual({ id: `u-${11999 % 13}`, roles: [`r${11999 % 3}`] });
  });

  it('refuses a file of another schema and anything that is not Parquet', async () => {
    const a = join(dir, 'a.parquet');
    const other = join(dir, 'other.parquet');
    await writeParquet(a, 0, 10);
    await duck.conn.run(`COPY (SELECT 1 AS x) TO ${sqlString(other)} (FORMAT parquet)`);
    const notParquet = join(dir, 'not.parquet');
    await writeFile(notParquet, 'this is not a parquet file at all');

    const joiner = await ParquetConcatenator.create(join(dir, 'refused.parquet'));
    await joiner.append(a);
    await expect(joiner.append(other)).rejects.toThrow(/different schema/);
    await expect(joiner.append(notParquet)).rejects.toBeInstanceOf(ParquetFormatError);
    await joiner.abort();
  });
});
