import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntry, CLEAR_TEXT_TENANT_SETTINGS, validateEnvelope } from '../domain';
import {
  archiveObjectPath,
  bigQueryDdl,
  manifestObjectPath,
  sameRow,
  toArchiveRow,
  type ArchiveRow,
} from '../domain/archive';
import { openDuckDb } from './duckdb';
import { readArchiveRows } from './parquet-reader';
import { ParquetArchiveWriter } from './parquet-writer';

interface SchemaNode {
  element: {
    name: string;
    type?: string;
    converted_type?: string;
    logical_type?: { type: string; isAdjustedToUTC?: boolean };
  };
  children: SchemaNode[];
}

/** BigQuery's type for a Parquet schema node (its documented Parquet conversion, list inference on). */
function bigQueryTypeOf(node: SchemaNode): string {
  const e = node.element;
  if (node.children.length > 0) {
    if (e.converted_type === 'LIST' || e.logical_type?.type === 'LIST') {
      return `ARRAY<${bigQueryTypeOf(node.children[0]!.children[0]!)}>`;
    }
    return `STRUCT<${node.children.map((c) => `\`${c.element.name}\` ${bigQueryTypeOf(c)}`).join(', ')}>`;
  }
  if (e.type === 'BOOLEAN') return 'BOOL';
  if (e.type === 'INT64' || e.type === 'INT32') {
    if (e.logical_type?.type === 'TIMESTAMP') return e.logical_type.isAdjustedToUTC ? 'TIMESTAMP' : 'DATETIME';
    if (e.converted_type === 'DATE') return 'DATE';
    return 'INT64';
  }
  if (e.type === 'BYTE_ARRAY') {
    if (e.converted_type === 'UTF8' || e.logical_type?.type === 'STRING') return 'STRING';
    if (e.converted_type === 'JSON') return 'JSON';
    return 'BYTES';
  }
  if (e.type === 'DOUBLE' || e.type === 'FLOAT') return 'FLOAT64';
  throw new Error(`no BigQuery mapping for ${JSON.stringify(e)}`);
}

/** The DDL block of docs/tiering.md and its column list. */
async function documentedDdl(): Promise<{
  text: string;
  columns: Array<[string, string]>;
  partitions: Array<[string, string]>;
}> {
  const doc = await readFile(join(__dirname, '../../../docs/tiering.md'), 'utf8');
  const block = /```sql\n(CREATE EXTERNAL TABLE[\s\S]*?)\n```/.exec(doc);
  if (!block) throw new Error('docs/tiering.md has no CREATE EXTERNAL TABLE block');
  const text = block[1]!;
  const section = (from: RegExp, to: RegExp) => {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => from.test(l));
    const end = lines.findIndex((l, i) => i > start && to.test(l));
    return lines.slice(start + 1, end).map((l) => {
      const m = /^\s*`([^`]+)` (.+?),?$/.exec(l);
      if (!m) throw new Error(`cannot read DDL line: ${l}`);
      return [m[1]!, m[2]!] as [string, string];
    });
  };
  return {
    text,
    columns: section(/^CREATE EXTERNAL TABLE/, /^\)$/),
    partitions: section(/^WITH PARTITION COLUMNS/, /^\)$/),
  };
}

const instant = (ms: number) => ({
  seconds: Math.floor(ms / 1000),
  nanoseconds: (ms % 1000) * 1e6,
  toDate: () => new Date(ms),
});

function docs(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => {
    const e = buildEntry(
      validateEnvelope(
        {
          specVersion: '1.0',
          eventId: `e-${i}`,
          eventType: i % 2 ? 'auth.login.failed' : 'repo.created',
          tenantId: 'acme',
          occurredAt: new Date(Date.parse('2024-01-02T00:00:00Z') + i * 1000).toISOString(),
          source: 'svc',
          sequence: i,
          outcome: i % 2 ? 'failure' : 'success',
          actor: { type: 'user', id: `u-${i}`, roles: ['a', 'b'], ip: '10.0.0.1' },
          ...(i % 2
            ? {}
            : { resource: { type: 'repository', id: `r-${i}` }, changes: { before: null, after: { n: i } } }),
          metadata: { i, s: 'x"y' },
          context: { requestId: `q-${i}` },
        },
        new Date('2024-06-01T00:00:00Z'),
      ),
      CLEAR_TEXT_TENANT_SETTINGS,
      { via: 'pubsub' },
    );
    const ms = Date.parse(e.occurredAt);
    // As the job maps it: the entry plus its review status (none: not flagged).
    return { ...e, reviewStatus: 'none', occurredAt: instant(ms), recordedAt: instant(ms + 5) };
  });
}

describe('Parquet archive writer (DuckDB)', () => {
  let dir: string;
  const source = docs(120);
  const expected = new Map(source.map((d) => [d.logId as string, toArchiveRow(d)]));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'writer-spec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(file: string, mode: 'chunked' | 'file'): Promise<{ rowCount: number; bytes: number }> {
    const w = await ParquetArchiveWriter.create(file, {
      mode,
      chunkRows: 50,
      workDir: dir,
      kvMetadata: { 'audit.tenant': 'acme' },
    });
    for (let i = 0; i < source.length; i += 33) await w.write(source.slice(i, i + 33).map(toArchiveRow));
    return w.close();
  }

  async function readBack(file: string): Promise<ArchiveRow[]> {
    const duck = await openDuckDb();
    const rows: ArchiveRow[] = [];
    try {
      for await (const chunk of readArchiveRows(duck.conn, [file])) rows.push(...chunk);
    } finally {
      duck.close();
    }
    return rows;
  }

  for (const mode of ['chunked', 'file'] as const) {
    it(`${mode}: every row reads back exactly, in DuckDB and in Node; nothing is left behind`, async () => {
      const file = join(dir, `${mode}.parquet`);
      const { rowCount, bytes } = await write(file, mode);
      expect(rowCount).toBe(source.length);
      expect(bytes).toBeGreaterThan(0);
      const rows = await readBack(file);
      expect(rows).toHaveLength(source.length);
      for (const row of rows) expect(sameRow(row, expected.get(row.logId)!)).toBe(true);

      const nodeRows = (await parquetReadObjects({ file: await asyncBufferFromFile(file), compressors })) as Array<
        Record<string, unknown>
      >;
      expect(nodeRows.map((r) => r.hash).sort()).toEqual(source.map((d) => d.hash as string).sort());
      const first = nodeRows.find((r) => r.eventId === 'e-0')!;
      expect(first.actor).toMatchObject({ type: 'user', id: 'u-0', roles: ['a', 'b'] });
      expect(first.changes).toBe('{"after":{"n":0},"before":null}');
      expect((await readdir(dir)).filter((f) => f.startsWith('archive-'))).toEqual([]);
    });
  }

  it('writes exactly the columns and types of the BigQuery DDL in docs/tiering.md', async () => {
    const file = join(dir, 'schema.parquet');
    await write(file, 'chunked');
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    const tree = parquetSchema(metadata) as unknown as SchemaNode;
    const written = tree.children.map((c) => [c.element.name, bigQueryTypeOf(c)]);
    const ddl = await documentedDdl();
    expect(written).toEqual(ddl.columns);
    expect(ddl.text).toBe(bigQueryDdl());
    expect(metadata.key_value_metadata).toEqual(
      expect.arrayContaining([
        { key: 'audit.schema_version', value: '1' },
        { key: 'audit.tenant', value: 'acme' },
      ]),
    );
  });

  it('lays out objects as the DDL partitions them and keeps manifests out of its URI pattern', async () => {
    const ddl = await documentedDdl();
    expect(ddl.partitions).toEqual([
      ['tenant', 'STRING'],
      ['date', 'DATE'],
    ]);
    const path = archiveObjectPath('acme', '2024-01-02', 1);
    const hive = /^audit\/tenant=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/[^/]+\.parquet$/.exec(path);
    expect(hive?.slice(1)).toEqual(['acme', '2024-01-02']);
    expect(ddl.text).toContain("uris = ['gs://BUCKET/audit/*.parquet']");
    expect(manifestObjectPath('acme', '2024-01-02', 1).endsWith('.parquet')).toBe(false);
  });

  it('refuses to finish a file when a row does not fit the schema, and cleans up', async () => {
    const w = await ParquetArchiveWriter.create(join(dir, 'bad.parquet'), { mode: 'file', workDir: dir });
    await w.write([{ logId: 'x', tenantId: 'acme', occurredAt: 'never', hash: 'h', sequence: 'not a number' }]);
    await expect(w.close()).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.startsWith('archive-'))).toEqual([]);
  });
});
