import type { DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import {
  ArchiveObserver,
  compareWithManifest,
  docToRecordSafe,
  isoMicrosToMillis,
  rowToEntry,
  type ArchiveRow,
} from './archive-parts';
import type { ArchivedPartCheck, StoredEntryInput } from '../domain/integrity';
import { COLLECTIONS } from '../store/collections';
import { rowJsonProjection } from '../tiering/parquet-reader';
import { sqlString } from '../tiering/duckdb';
import { downloadWithDigest } from '../tiering/storage';
import type { VerifySources } from './stores';

/** An archived part downloaded for verification. */
export interface LocalPart {
  date: string;
  part: number;
  localPath: string;
}

/** States in which a part's file exists in the cold tier and was verified when written. */
const HELD_STATES = new Set(['archived', 'deleting', 'restoring', 'restored', 'purging']);

/**
 * Downloads each archived part of the tenant's days in `[fromDate, toDate]` and compares the file
 * with its manifest (size, SHA-256, rows, their Merkle root, each row's own hash): the tiering
 * reader's checks, reused. The files stay in `dir` for the row stream.
 */
export async function checkArchivedParts(
  src: VerifySources,
  conn: DuckDBConnection,
  tenantId: string,
  fromDate: string,
  toDate: string,
  dir: string,
): Promise<{ checks: ArchivedPartCheck[]; local: LocalPart[] }> {
  // Equality on the tenant only (no composite index): a tenant has one document per day and part.
  const snap = await src.db.collection(COLLECTIONS.archives).where('tenantId', '==', tenantId).get();
  const checks: ArchivedPartCheck[] = [];
  const local: LocalPart[] = [];
  for (const d of snap.docs) {
    const rec = docToRecordSafe(d.data());
    if (!rec || rec.date < fromDate || rec.date > toDate || !HELD_STATES.has(rec.state)) continue;
    const check: ArchivedPartCheck = {
      date: rec.date,
      part: rec.part,
      problems: [],
      ...(rec.manifest?.checkpoints ? { checkpoints: rec.manifest.checkpoints } : {}),
    };
    checks.push(check);
    if (!rec.manifest) {
      check.problems = [{ code: 'unreadable', message: 'its archive record has no manifest' }];
      continue;
    }
    const localPath = join(dir, `${rec.date}-${rec.part}.parquet`);
    const got = await downloadWithDigest(src.bucket, rec.objectPath, localPath);
    if (!got) {
      check.problems = [{ code: 'unreadable', message: `${rec.objectPath} does not exist` }];
      continue;
    }
    const observer = new ArchiveObserver(tenantId, rec.date);
    try {
      const result = await conn.stream(`SELECT ${rowJsonProjection()} AS j FROM read_parquet(${sqlString(localPath)})`);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const v of chunk.getColumnValues(0)) observer.add(JSON.parse(v as string) as ArchiveRow);
      }
    } catch (err) {
      check.problems = [{ code: 'unreadable', message: `it cannot be read: ${String(err)}` }];
      continue;
    }
    check.problems = compareWithManifest(rec.manifest, observer.finish(got));
    local.push({ date: rec.date, part: rec.part, localPath });
  }
  return { checks, local };
}

/**
 * Every row of the downloaded parts recorded in `[fromMs, toMs)`, as stored entries ordered by
 * `recordedAt` (DuckDB sorts, spilling to disk if it must), in DuckDB's chunks.
 */
export async function* archivedEntries(
  conn: DuckDBConnection,
  parts: readonly LocalPart[],
  fromMs: number,
  toMs: number,
): AsyncGenerator<StoredEntryInput[]> {
  if (parts.length === 0) return;
  const dateOf = new Map(parts.map((p) => [p.localPath, p.date]));
  const files = parts.map((p) => sqlString(p.localPath)).join(', ');
  const result = await conn.stream(
    `SELECT ${rowJsonProjection()} AS j, filename AS f FROM read_parquet([${files}], filename = true) ` +
      `WHERE "recordedAt" >= make_timestamp(${fromMs * 1000}) AND "recordedAt" < make_timestamp(${toMs * 1000}) ` +
      `ORDER BY "recordedAt"`,
  );
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    const rows = chunk.getColumnValues(0);
    const names = chunk.getColumnValues(1);
    yield rows.map((v, i) => {
      const row = JSON.parse(v as string) as ArchiveRow;
      const date = dateOf.get(String(names[i])) ?? '';
      const recordedAt = row.recordedAt as string;
      let entry: StoredEntryInput['entry'];
      try {
        const { recordedAt: _r, ...rest } = rowToEntry(row);
        entry = rest;
      } catch {
        entry = row as unknown as StoredEntryInput['entry'];
      }
      return { logId: row.logId, entry, recordedAtMs: isoMicrosToMillis(recordedAt), archivedDate: date };
    });
  }
}

/** Merges two streams of batches, each ordered by `recordedAt`, into one. */
export async function* mergeByRecordedAt(
  a: AsyncIterable<StoredEntryInput[]>,
  b: AsyncIterable<StoredEntryInput[]>,
): AsyncGenerator<StoredEntryInput[]> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  let ba: StoredEntryInput[] = [];
  let bb: StoredEntryInput[] = [];
  let xa = 0;
  let xb = 0;
  let doneA = false;
  let doneB = false;
  const fill = async () => {
    while (!doneA && xa >= ba.length) {
      const r = await ia.next();
      if (r.done) doneA = true;
      else [ba, xa] = [r.value, 0];
    }
    while (!doneB && xb >= bb.length) {
      const r = await ib.next();
      if (r.done) doneB = true;
      else [bb, xb] = [r.value, 0];
    }
  };
  for (;;) {
    await fill();
    const hasA = xa < ba.length;
    const hasB = xb < bb.length;
    if (!hasA && !hasB) return;
    const out: StoredEntryInput[] = [];
    if (!hasB) {
      out.push(...ba.slice(xa));
      xa = ba.length;
    } else if (!hasA) {
      out.push(...bb.slice(xb));
      xb = bb.length;
    } else {
      while (xa < ba.length && xb < bb.length) {
        out.push(ba[xa]!.recordedAtMs <= bb[xb]!.recordedAtMs ? ba[xa++]! : bb[xb++]!);
      }
    }
    yield out;
  }
}
