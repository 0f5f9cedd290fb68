#!/usr/bin/env node
// Chooses the archive's Parquet writer by measurement (docs/tiering.md keeps the table).
//
//   npm run build && node bench/parquet.bench.mjs [--rows 200000] [--rounds 3] [--only a,b] [--skip-slow]
//
// Every candidate runs in its own child process (peak RSS is that child's), starting from the
// same synthetic stored entries (real schema, bench/lib/archive-entries.mjs) and ending with a
// Parquet file. The baseline, in the same run, is DuckDB `COPY ... TO (FORMAT parquet)` from an
// NDJSON file of the same rows, default DuckDB settings; the NDJSON is written beforehand and
// not counted against the baseline. Each file is then read back in Node (hyparquet) and in
// DuckDB: row count and the Merkle root of the `hash` column must match what was generated, and
// for DuckDB-written files every row must equal its source row exactly.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    'skip-slow': { type: 'boolean', default: false },
    child: { type: 'string' },
    out: { type: 'string' },
    dir: { type: 'string' },
    exact: { type: 'boolean', default: false },
  },
});
const N = Number(args.rows);
const BATCH = 1000;

/** Candidates: name → how it turns stored entries into a Parquet file. */
const CANDIDATES = {
  'DuckDB, one staged file (chosen)': { kind: 'archive-writer', options: { mode: 'file' } },
  'DuckDB, one staged file, 1 thread': { kind: 'archive-writer', options: { mode: 'file', threads: 1 } },
  // Row groups kept small here: copying from the staging table buffers whole row groups.
  'DuckDB, chunked staging table': { kind: 'archive-writer', options: { mode: 'chunked', rowGroupSize: 16_384 } },
  'hyparquet-writer': { kind: 'hyparquet', slow: true },
  '@dsnp/parquetjs': { kind: 'dsnp', slow: true },
  'parquetjs-lite': { kind: 'lite', slow: true },
};

function rss() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

// ---------------------------------------------------------------------------------------- child

async function child(name, out, dir) {
  const { syntheticDay } = await import('./lib/archive-entries.mjs');
  const { toArchiveRow } = await import('../functions/lib/domain/archive/index.js');
  const stored = syntheticDay();
  const t0 = performance.now();
  const result = { name, rows: N };

  if (name === 'gen') {
    // Generating the synthetic entries alone (the job gets them from Firestore instead): every
    // candidate pays this, and it is taken out of the "net" figures.
    let n = 0;
    for (let i = 0; i < N; i++) n += stored(i).logId.length;
    result.check = n;
  } else if (name === 'map') {
    // Generation plus mapping to archive rows (part of every candidate's archive stage).
    let n = 0;
    for (let i = 0; i < N; i++) n += toArchiveRow(stored(i)).logId.length;
    result.check = n;
  } else if (name === 'ndjson') {
    const ws = createWriteStream(out);
    for (let i = 0; i < N; i += BATCH) {
      let text = '';
      for (let j = i; j < Math.min(N, i + BATCH); j++) text += `${JSON.stringify(toArchiveRow(stored(j)))}\n`;
      if (!ws.write(text)) await new Promise((r) => ws.once('drain', r));
    }
    await new Promise((r, j) => ws.end((e) => (e ? j(e) : r())));
  } else if (name === 'duckdb-copy') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { ARCHIVE_COLUMNS, duckdbType, duckIdent } = await import('../functions/lib/domain/archive/index.js');
    const cols = `{${ARCHIVE_COLUMNS.map((c) => `${duckIdent(c.name)}: '${duckdbType(c.type)}'`).join(', ')}}`;
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const t1 = performance.now();
    await conn.run(
      `COPY (SELECT * FROM read_json('${join(dir, 'rows.ndjson')}', format = 'newline_delimited', columns = ${cols})) ` +
        `TO '${out}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    result.seconds = (performance.now() - t1) / 1000;
  } else {
    const spec = CANDIDATES[name];
    let writer;
    if (spec.kind === 'archive-writer') {
      const { ParquetArchiveWriter } = await import('../functions/lib/tiering/parquet-writer.js');
      writer = await ParquetArchiveWriter.create(out, { ...spec.options, workDir: dir });
    } else if (spec.kind === 'hyparquet') {
      const { hyparquetWriter } = await import('./lib/js-parquet-writers.mjs');
      writer = await hyparquetWriter(out, 50_000);
    } else {
      const { parquetjsWriter } = await import('./lib/js-parquet-writers.mjs');
      writer = await parquetjsWriter(spec.kind, out, 10_000);
    }
    const archiveWriter = spec.kind === 'archive-writer';
    for (let i = 0; i < N; i += BATCH) {
      const rows = [];
      for (let j = i; j < Math.min(N, i + BATCH); j++) rows.push(toArchiveRow(stored(j)));
      await (archiveWriter ? writer.write(rows) : writer.writeRows(rows));
    }
    await writer.close();
  }
  result.seconds ??= (performance.now() - t0) / 1000;
  result.rssMB = rss();
  if (out) result.bytes = (await stat(out)).size;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Reads a file back in Node and in DuckDB and checks it against the generated rows. */
async function verify(file, exact) {
  const { syntheticDay } = await import('./lib/archive-entries.mjs');
  const { toArchiveRow, merkleRoot, sameRow } = await import('../functions/lib/domain/archive/index.js');
  const stored = syntheticDay();
  const hashes = [];
  for (let i = 0; i < N; i++) hashes.push(stored(i).hash);
  const expectedRoot = merkleRoot(hashes);

  // Node: hyparquet, the hash and event id columns of every row, and full rows for a sample.
  const { asyncBufferFromFile, parquetReadObjects, parquetMetadataAsync } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const buf = await asyncBufferFromFile(file);
  const meta = await parquetMetadataAsync(buf);
  const nodeRows = await parquetReadObjects({ file: buf, metadata: meta, columns: ['hash', 'eventId'], compressors });
  const node = { rows: Number(meta.num_rows), rootOk: merkleRoot(nodeRows.map((r) => r.hash)) === expectedRoot };
  const sample = await parquetReadObjects({ file: buf, metadata: meta, rowStart: 0, rowEnd: 50, compressors });
  node.sampleOk = sample.every((r) => {
    const src = toArchiveRow(stored(Number(String(r.eventId).slice(4))));
    return (
      r.logId === src.logId &&
      r.eventType === src.eventType &&
      r.actor?.id === (src.actor.id ?? null) &&
      r.hash === src.hash &&
      new Date(r.occurredAt).toISOString().slice(0, 23) === src.occurredAt.slice(0, 23)
    );
  });

  // DuckDB: count, Merkle root, and (for files DuckDB wrote) exact equality of every row.
  const { openDuckDb } = await import('../functions/lib/tiering/duckdb.js');
  const { readArchiveRows } = await import('../functions/lib/tiering/parquet-reader.js');
  const duck = await openDuckDb();
  const hashRows = await duck.conn.runAndReadAll(`SELECT hash FROM read_parquet('${file}')`);
  const got = hashRows.getColumns()[0];
  const db = { rows: got.length, rootOk: merkleRoot(got) === expectedRoot };
  if (exact) {
    let bad = 0;
    for await (const rows of readArchiveRows(duck.conn, [file])) {
      for (const row of rows) if (!sameRow(row, toArchiveRow(stored(Number(row.eventId.slice(4)))))) bad++;
    }
    db.exactRowsOk = bad === 0;
  }
  duck.close();
  process.stdout.write(`${JSON.stringify({ node, duckdb: db })}\n`);
}

// --------------------------------------------------------------------------------------- parent

function runChild(extra) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--rows', String(N), ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()))
        : reject(new Error(`${extra.join(' ')} exited ${code}`)),
    );
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main() {
  const dir = join(tmpdir(), `parquet-bench-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const rounds = Number(args.rounds);
  try {
    console.log(
      `Parquet writers on ${N.toLocaleString()} synthetic audit entries, each in its own process, ` +
        `${rounds} round(s), baseline re-measured in every round\n`,
    );
    const nd = await runChild(['--child', 'ndjson', '--out', join(dir, 'rows.ndjson'), '--dir', dir]);
    console.log(`NDJSON for the baseline written at ${Math.round(N / nd.seconds).toLocaleString()} rows/s`);
    const only = args.only?.split(',');
    const picked = Object.entries(CANDIDATES).filter(
      ([name, spec]) => !(only && !only.some((o) => name.startsWith(o))) && !(spec.slow && args['skip-slow']),
    );
    const results = [
      { name: 'DuckDB COPY from NDJSON (baseline)', baseline: true, exact: true, runs: [] },
      ...picked.map(([name, spec]) => ({ name, exact: spec.kind === 'archive-writer', runs: [] })),
    ];
    const gens = [];
    // Rounds interleave every writer with a fresh baseline, so a busy machine slows both alike.
    for (let round = 0; round < rounds; round++) {
      const gen = await runChild(['--child', 'gen']);
      gens.push(N / gen.seconds);
      let baseRate = 0;
      for (const [k, r] of results.entries()) {
        const file = join(dir, `c${k}.parquet`);
        const run = await runChild(['--child', r.baseline ? 'duckdb-copy' : r.name, '--out', file, '--dir', dir]);
        const rate = N / run.seconds;
        // The baseline reads a finished NDJSON file: nothing to take out of it.
        const net = r.baseline ? rate : N / Math.max(1e-9, run.seconds - gen.seconds);
        if (r.baseline) baseRate = rate;
        r.runs.push({ ...run, rate, net, ratio: net / baseRate });
        r.file = file;
      }
    }
    console.log(
      `synthetic entries generated at ${Math.round(median(gens)).toLocaleString()} rows/s (taken out of "net")`,
    );
    for (const r of results) {
      r.readBack = await runChild(['--child', 'verify', '--out', r.file, ...(r.exact ? ['--exact'] : [])]);
      await rm(r.file, { force: true });
    }
    const ok = (b) => (b ? 'ok' : 'FAIL');
    console.log(
      `\n| writer | rows/s | net rows/s | × COPY (net) | peak RSS MB | file MB | read back: Node | read back: DuckDB |`,
    );
    console.log(`|---|---:|---:|---:|---:|---:|---|---|`);
    for (const r of results) {
      r.rowsPerSecond = median(r.runs.map((x) => x.rate));
      r.netRowsPerSecond = median(r.runs.map((x) => x.net));
      r.ratio = median(r.runs.map((x) => x.ratio));
      r.rssMB = Math.max(...r.runs.map((x) => x.rssMB));
      r.bytes = r.runs.at(-1).bytes;
      const nodeOk = r.readBack.node.rows === N && r.readBack.node.rootOk && r.readBack.node.sampleOk;
      const duckOk =
        r.readBack.duckdb.rows === N && r.readBack.duckdb.rootOk && r.readBack.duckdb.exactRowsOk !== false;
      console.log(
        `| ${r.name} | ${Math.round(r.rowsPerSecond).toLocaleString()} | ${Math.round(r.netRowsPerSecond).toLocaleString()} | ` +
          `${r.ratio.toFixed(2)} | ${r.rssMB} | ${(r.bytes / 1e6).toFixed(1)} | ${ok(nodeOk)} | ` +
          `${ok(duckOk)}${r.exact ? ' (every row exact)' : ''} |`,
      );
    }
    console.log(`\nrows/s, net and ratio are medians over the rounds; the ratio is taken per round.`);
    await mkdir(join(here, 'results'), { recursive: true });
    await writeFile(
      join(here, 'results', `parquet-${N}.json`),
      JSON.stringify({ N, rounds, ndjson: nd, gens, results }, null, 2),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (args.child === 'verify') await verify(args.out, args.exact);
else if (args.child) await child(args.child, args.out, args.dir);
else await main();
