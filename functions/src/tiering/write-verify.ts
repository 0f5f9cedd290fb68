import { Timestamp, type QueryDocumentSnapshot, type QuerySnapshot } from 'firebase-admin/firestore';
import { rm } from 'node:fs/promises';
import {
  ArchiveError,
  ArchiveObserver,
  ARCHIVE_SCHEMA_VERSION,
  compareWithManifest,
  dayBounds,
  MERKLE_ORDER,
  MerkleAccumulator,
  TimeRange,
  toArchiveRow,
  transition,
  type ArchiveRecord,
  type ArchiveRow,
  type Manifest,
  type VerificationProblem,
} from '../domain/archive';
import { COLLECTIONS } from '../store/collections';
import { CheckpointVerifier, CoveringCheckpoints } from './checkpoints';
import type { RunContext } from './context';
import { openDuckDb } from './duckdb';
import * as logs from './logs';
import { readArchiveRows } from './parquet-reader';
import { ParquetArchiveWriter, WRITER_DEFAULTS } from './parquet-writer';
import { downloadWithDigest, fileDigest, saveJson, uploadFile } from './storage';

export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

/** The entries of one tenant and day, newest first, one page at a time (index: tenantId + occurredAt desc). */
function dayPage(
  ctx: RunContext,
  tenantId: string,
  date: string,
  after?: QueryDocumentSnapshot,
): Promise<QuerySnapshot> {
  const { startMs, endMs } = dayBounds(date);
  let q = ctx.deps.db
    .collection(COLLECTIONS.logs)
    .where('tenantId', '==', tenantId)
    .where('occurredAt', '>=', Timestamp.fromMillis(startMs))
    .where('occurredAt', '<', Timestamp.fromMillis(endMs))
    .orderBy('occurredAt', 'desc')
    .limit(ctx.pageSize);
  if (after) q = q.startAfter(after);
  return q.get();
}

/** True when Firestore still holds entries of the day. */
export async function dayHasEntries(ctx: RunContext, tenantId: string, date: string): Promise<boolean> {
  const { startMs, endMs } = dayBounds(date);
  const snap = await ctx.deps.db
    .collection(COLLECTIONS.logs)
    .where('tenantId', '==', tenantId)
    .where('occurredAt', '>=', Timestamp.fromMillis(startMs))
    .where('occurredAt', '<', Timestamp.fromMillis(endMs))
    .orderBy('occurredAt', 'desc')
    .limit(1)
    .get();
  return !snap.empty;
}

function rowOf(doc: QueryDocumentSnapshot): ArchiveRow {
  const row = toArchiveRow(doc.data());
  if (row.logId !== doc.id) {
    throw new ArchiveError('unarchivable_entry', `audit_logs/${doc.id} has logId ${String(row.logId)}`, [
      { path: 'logId', message: 'must equal the document id' },
    ]);
  }
  return row;
}

/** A written part, and whether a cap (rows or staged bytes) ended it before the day ran out. */
export interface WrittenPart {
  record: ArchiveRecord;
  full: boolean;
}

/**
 * Streams the Firestore entries of the part's day into a Parquet file, up to the part's caps
 * (`maxRowsPerPart` rows, `maxBytesPerPart` bytes of staged JSON), uploads it with its manifest
 * and records `uploaded`. Reads one page ahead while the previous page is encoded. Returns null
 * (and drops the part) when the day had no entries left.
 */
export async function writePart(ctx: RunContext, record: ArchiveRecord, local: string): Promise<WrittenPart | null> {
  const { tenantId, date, part } = record;
  const started = ctx.now();
  const writer = await ParquetArchiveWriter.create(local, {
    ...ctx.writer,
    workDir: ctx.workDir,
    kvMetadata: { 'audit.tenant': tenantId, 'audit.date': date, 'audit.part': String(part) },
  });
  const merkle = new MerkleAccumulator();
  const range = new TimeRange();
  const covering = new CoveringCheckpoints(ctx.deps.db, tenantId, date);
  let size: { rowCount: number; bytes: number };
  let full = false;
  try {
    let next: Promise<QuerySnapshot> = dayPage(ctx, tenantId, date);
    let taken = 0;
    for (;;) {
      const page = await next;
      if (page.empty) break;
      const docs = page.docs.slice(0, ctx.maxRowsPerPart - taken);
      const last = page.docs[page.docs.length - 1];
      const more = page.size === ctx.pageSize && taken + docs.length < ctx.maxRowsPerPart;
      next = more ? dayPage(ctx, tenantId, date, last) : Promise.resolve({ empty: true } as QuerySnapshot);
      // Handled when awaited on the next turn; this only keeps an early failure from being "unhandled".
      next.catch(() => undefined);
      const rows = docs.map(rowOf);
      const accepted = await writer.write(rows, ctx.maxBytesPerPart);
      for (const row of rows.slice(0, accepted)) {
        try {
          merkle.add(row.hash);
        } catch {
          throw new ArchiveError('unarchivable_entry', `audit_logs/${row.logId} has a malformed hash`, [
            { path: 'hash', message: 'must be 64 hex characters' },
          ]);
        }
        range.add(row.occurredAt);
        await covering.add(row.logId, row.recordedAt as string);
      }
      taken += accepted;
      if (accepted < rows.length || taken >= ctx.maxRowsPerPart) {
        full = true;
        break;
      }
    }
    size = await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  if (size.rowCount === 0) {
    await ctx.store.discard(record);
    await rm(local, { force: true });
    return null;
  }
  const { sha256 } = await fileDigest(local);
  const { root } = merkle.finish();
  await ctx.hook('written', { record, count: size.rowCount });

  await uploadFile(ctx.deps.bucket, local, record.objectPath, PARQUET_CONTENT_TYPE, {
    rowCount: String(size.rowCount),
    sha256,
    merkleRoot: root,
    schemaVersion: String(ARCHIVE_SCHEMA_VERSION),
  });
  const manifest: Manifest = {
    schemaVersion: ARCHIVE_SCHEMA_VERSION,
    archiveId: `${tenantId}:${date}:${part}`,
    tenantId,
    date,
    part,
    objectPath: record.objectPath,
    rowCount: size.rowCount,
    bytes: size.bytes,
    sha256,
    merkleRoot: root,
    merkleOrder: MERKLE_ORDER,
    minOccurredAt: range.min,
    maxOccurredAt: range.max,
    compression: ctx.writer.compression ?? WRITER_DEFAULTS.compression,
    writer: 'duckdb-copy-ndjson',
    createdAt: new Date(ctx.now()).toISOString(),
    checkpoints: covering.manifestList(),
  };
  await saveJson(ctx.deps.bucket, record.manifestPath, manifest);
  const uploaded = transition(record, 'uploaded', ctx.now(), {
    manifest,
    rowCount: size.rowCount,
    bytes: size.bytes,
    merkleRoot: root,
    failure: null,
  });
  await ctx.store.save(uploaded);
  logs.step('uploaded', tenantId, date, part, {
    'archive.rows': size.rowCount,
    'archive.bytes': size.bytes,
    'event.duration_ms': ctx.now() - started,
  });
  await ctx.hook('uploaded', { record: uploaded });
  return { record: uploaded, full };
}

/** Reads a local copy of an archive through DuckDB and folds every row into the observer. */
async function observe(
  ctx: RunContext,
  local: string,
  record: ArchiveRecord,
  file: { bytes: number; sha256: string },
  checkpoints: CheckpointVerifier | null,
) {
  const observer = new ArchiveObserver(record.tenantId, record.date);
  const duck = await openDuckDb({ ...ctx.writer, tempDirectory: `${local}.spill` });
  try {
    for await (const rows of readArchiveRows(duck.conn, [local])) {
      for (const row of rows) {
        observer.add(row);
        checkpoints?.add(row);
      }
    }
  } finally {
    duck.close();
    await rm(`${local}.spill`, { recursive: true, force: true });
  }
  return observer.finish(file);
}

/**
 * Downloads the uploaded object (not the local file that produced it) and checks it against the
 * manifest: size, SHA-256, row count, Merkle root, time range, and every row's content against
 * its own hash. `verified` on success; `failed` (nothing deleted) otherwise.
 */
export async function verifyPart(
  ctx: RunContext,
  record: ArchiveRecord,
  local: string,
): Promise<{ record: ArchiveRecord; ok: boolean }> {
  const manifest = record.manifest;
  if (!manifest) throw new Error(`archive ${record.objectPath} in ${record.state} without a manifest`);
  const got = await downloadWithDigest(ctx.deps.bucket, record.objectPath, local);
  let problems: VerificationProblem[];
  if (!got) {
    problems = [{ code: 'unreadable', message: `object ${record.objectPath} is missing` }];
  } else {
    try {
      // The checkpoints' roots recomputed from the rows read back (manifests from before the
      // chain name none).
      const checkpoints = manifest.checkpoints ? new CheckpointVerifier(manifest.checkpoints) : null;
      problems = compareWithManifest(manifest, await observe(ctx, local, record, got, checkpoints));
      if (checkpoints) problems.push(...(await checkpoints.problems(ctx.deps.bucket, record.tenantId)));
    } catch (err) {
      problems = [
        ...compareWithManifest(manifest, { ...emptyObservation(manifest), ...got }).filter(
          (p) => p.code === 'size_mismatch' || p.code === 'sha256_mismatch',
        ),
        {
          code: 'unreadable',
          message: `file cannot be read as Parquet: ${err instanceof Error ? err.message : String(err)}`,
        },
      ];
    }
  }
  if (problems.length > 0) {
    const failed = transition(record, 'failed', ctx.now(), {
      failure: {
        code: 'verification_failed',
        message: 'archive does not match its manifest',
        problems: problems.map((p) => `${p.code}: ${p.message}`),
      },
    });
    await ctx.store.save(failed);
    logs.verificationFailed(record.tenantId, record.date, record.part, failed.failure?.problems ?? []);
    return { record: failed, ok: false };
  }
  const verified = transition(record, 'verified', ctx.now());
  await ctx.store.save(verified);
  logs.step('verified', record.tenantId, record.date, record.part, { 'archive.rows': manifest.rowCount });
  await ctx.hook('verified', { record: verified });
  return { record: verified, ok: true };
}

function emptyObservation(manifest: Manifest) {
  return {
    rowCount: manifest.rowCount,
    merkleRoot: manifest.merkleRoot,
    duplicates: 0,
    minOccurredAt: manifest.minOccurredAt,
    maxOccurredAt: manifest.maxOccurredAt,
    badRows: [],
    badRowCount: 0,
  };
}
