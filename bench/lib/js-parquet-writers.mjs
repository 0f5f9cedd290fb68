// The pure-JavaScript Parquet writers measured against DuckDB, each fed the archive schema
// (structs, lists, microsecond timestamps) derived from ARCHIVE_COLUMNS, row groups bounded.
import { createRequire } from 'node:module';
import { ARCHIVE_COLUMNS, isoMicrosToInstant } from '../../functions/lib/domain/archive/index.js';

const require = createRequire(import.meta.url);

function micros(iso) {
  const { seconds, nanoseconds } = isoMicrosToInstant(iso);
  return BigInt(seconds) * 1_000_000n + BigInt(Math.floor(nanoseconds / 1000));
}

// ---- hyparquet-writer -------------------------------------------------------------------------

function hyElements(field) {
  const repetition_type = field.required ? 'REQUIRED' : 'OPTIONAL';
  const t = field.type;
  switch (t.kind) {
    case 'string':
    case 'json':
      return [{ name: field.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }];
    case 'timestamp':
      return [{ name: field.name, type: 'INT64', converted_type: 'TIMESTAMP_MICROS', repetition_type }];
    case 'int64':
      return [{ name: field.name, type: 'INT64', repetition_type }];
    case 'boolean':
      return [{ name: field.name, type: 'BOOLEAN', repetition_type }];
    case 'string_list':
      return [
        { name: field.name, converted_type: 'LIST', repetition_type, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      ];
    case 'struct':
      return [
        { name: field.name, repetition_type, num_children: t.fields.length },
        ...t.fields.flatMap((f) => hyElements({ ...f, required: false })),
      ];
  }
}

function hyValue(field, value) {
  if (value === null || value === undefined) return null;
  if (field.type.kind === 'timestamp') return micros(value);
  if (field.type.kind === 'int64') return BigInt(value);
  if (field.type.kind === 'struct') {
    const out = {};
    for (const f of field.type.fields) out[f.name] = hyValue(f, value[f.name]);
    return out;
  }
  return value;
}

/** hyparquet-writer's ParquetWriter, one row group per `rowGroup` rows (columns built per group). */
export async function hyparquetWriter(path, rowGroup) {
  const { ParquetWriter } = await import('hyparquet-writer');
  const { fileWriter } = await import('hyparquet-writer/src/node.js');
  const schema = [{ name: 'root', num_children: ARCHIVE_COLUMNS.length }, ...ARCHIVE_COLUMNS.flatMap(hyElements)];
  const writer = new ParquetWriter({ writer: fileWriter(path), schema, codec: 'SNAPPY' });
  let columns = ARCHIVE_COLUMNS.map(() => []);
  const flush = () => {
    if (columns[0].length === 0) return;
    writer.write({
      columnData: ARCHIVE_COLUMNS.map((c, i) => ({ name: c.name, data: columns[i] })),
      rowGroupSize: columns[0].length,
    });
    columns = ARCHIVE_COLUMNS.map(() => []);
  };
  return {
    async writeRows(rows) {
      for (const row of rows) {
        ARCHIVE_COLUMNS.forEach((c, i) => columns[i].push(hyValue(c, row[c.name])));
        if (columns[0].length >= rowGroup) flush();
      }
    },
    async close() {
      flush();
      writer.finish();
    },
  };
}

// ---- parquetjs (@dsnp/parquetjs and parquetjs-lite share the API) -----------------------------

function pjField(field) {
  const optional = !field.required;
  const t = field.type;
  switch (t.kind) {
    case 'string':
    case 'json':
      return { type: 'UTF8', optional, compression: 'SNAPPY' };
    case 'timestamp':
      return { type: 'TIMESTAMP_MICROS', optional, compression: 'SNAPPY' };
    case 'int64':
      return { type: 'INT64', optional, compression: 'SNAPPY' };
    case 'boolean':
      return { type: 'BOOLEAN', optional, compression: 'SNAPPY' };
    case 'string_list':
      return { type: 'UTF8', repeated: true, compression: 'SNAPPY' };
    case 'struct':
      return {
        optional,
        fields: Object.fromEntries(t.fields.map((f) => [f.name, pjField({ ...f, required: false })])),
      };
  }
}

function pjValue(field, value, bigintTimes) {
  if (value === null || value === undefined) return undefined;
  if (field.type.kind === 'timestamp') return bigintTimes ? micros(value) : new Date(Number(micros(value) / 1000n));
  if (field.type.kind === 'int64') return bigintTimes ? BigInt(value) : value;
  if (field.type.kind === 'struct') {
    const out = {};
    for (const f of field.type.fields) {
      const v = pjValue(f, value[f.name], bigintTimes);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }
  return value;
}

/** @dsnp/parquetjs (`dsnp`) or parquetjs-lite (`lite`), rows appended one by one. */
export async function parquetjsWriter(flavour, path, rowGroup) {
  const lib = flavour === 'dsnp' ? require('@dsnp/parquetjs') : require('parquetjs-lite');
  const schema = new lib.ParquetSchema(Object.fromEntries(ARCHIVE_COLUMNS.map((c) => [c.name, pjField(c)])));
  const writer = await lib.ParquetWriter.openFile(schema, path, { rowGroupSize: rowGroup });
  const bigintTimes = flavour === 'dsnp';
  return {
    async writeRows(rows) {
      for (const row of rows) {
        const rec = {};
        for (const c of ARCHIVE_COLUMNS) {
          const v = pjValue(c, row[c.name], bigintTimes);
          if (v !== undefined) rec[c.name] = v;
        }
        await writer.appendRow(rec);
      }
    },
    async close() {
      await writer.close();
    },
  };
}
