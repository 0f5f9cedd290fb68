import { z } from 'zod';
import { MERKLE_ORDER } from './merkle';
import { ARCHIVE_SCHEMA_VERSION } from './schema';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');
const isoMicros = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, 'must be an ISO instant with microseconds');

const isoMillis = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be an ISO instant with milliseconds');

/**
 * A checkpoint that signed some of the file's rows (by their `recordedAt`): the checkpoint as
 * signed, and how many of this file's rows lie in its window. Where `rows` equals `count` the
 * rows alone give its root; otherwise each row must be among the checkpoint's leaves.
 */
export const manifestCheckpointSchema = z.strictObject({
  id: z.string().min(1),
  seq: z.number().int().min(1),
  windowStart: isoMillis,
  windowEnd: isoMillis,
  count: z.number().int().min(0),
  merkleRoot: hex64,
  rows: z.number().int().min(1),
});
export type ManifestCheckpoint = z.infer<typeof manifestCheckpointSchema>;

/**
 * The manifest of one archive file, stored as `part-<n>.manifest.json` beside it and copied into
 * its `audit_archives` document. Verification compares a fresh read of the file against it.
 */
export const manifestSchema = z.strictObject({
  schemaVersion: z.literal(ARCHIVE_SCHEMA_VERSION),
  archiveId: z.string().min(1),
  tenantId: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  part: z.number().int().min(1),
  objectPath: z.string().min(1),
  rowCount: z.number().int().min(0),
  /** Size of the Parquet object in bytes. */
  bytes: z.number().int().min(0),
  /** SHA-256 of the Parquet object's bytes. */
  sha256: hex64,
  /** Merkle root of the rows' `hash` values, see `merkle.ts`. */
  merkleRoot: hex64,
  merkleOrder: z.literal(MERKLE_ORDER),
  minOccurredAt: isoMicros.nullable(),
  maxOccurredAt: isoMicros.nullable(),
  compression: z.string().min(1),
  writer: z.string().min(1),
  createdAt: z.string().min(1),
  /** The checkpoints covering the rows, by sequence (absent in manifests from before the chain). */
  checkpoints: z.array(manifestCheckpointSchema).optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** What a fresh read of an archive file found. */
export interface ObservedArchive {
  bytes: number;
  sha256: string;
  rowCount: number;
  merkleRoot: string;
  duplicates: number;
  minOccurredAt: string | null;
  maxOccurredAt: string | null;
  /** Rows whose content does not match their hash, tenant or day (first few only). */
  badRows: ReadonlyArray<{ logId: string; problem: string }>;
  badRowCount: number;
}

export const VERIFICATION_PROBLEMS = [
  'size_mismatch',
  'sha256_mismatch',
  'row_count_mismatch',
  'merkle_root_mismatch',
  'duplicate_rows',
  'time_range_mismatch',
  'bad_rows',
  'unreadable',
  'checkpoint_mismatch',
] as const;
export type VerificationProblemCode = (typeof VERIFICATION_PROBLEMS)[number];
export interface VerificationProblem {
  code: VerificationProblemCode;
  message: string;
}

/** Every way the observed file differs from its manifest; empty means verified. */
export function compareWithManifest(manifest: Manifest, observed: ObservedArchive): VerificationProblem[] {
  const problems: VerificationProblem[] = [];
  const differ = (code: VerificationProblemCode, what: string, expected: unknown, actual: unknown) => {
    if (expected !== actual)
      problems.push({ code, message: `${what}: expected ${String(expected)}, found ${String(actual)}` });
  };
  differ('size_mismatch', 'object size', manifest.bytes, observed.bytes);
  differ('sha256_mismatch', 'object SHA-256', manifest.sha256, observed.sha256);
  differ('row_count_mismatch', 'row count', manifest.rowCount, observed.rowCount);
  differ('merkle_root_mismatch', 'Merkle root', manifest.merkleRoot, observed.merkleRoot);
  if (observed.duplicates > 0) {
    problems.push({ code: 'duplicate_rows', message: `${observed.duplicates} rows repeat another row's hash` });
  }
  differ('time_range_mismatch', 'min occurredAt', manifest.minOccurredAt, observed.minOccurredAt);
  differ('time_range_mismatch', 'max occurredAt', manifest.maxOccurredAt, observed.maxOccurredAt);
  if (observed.badRowCount > 0) {
    const sample = observed.badRows.map((r) => `${r.logId}: ${r.problem}`).join('; ');
    problems.push({ code: 'bad_rows', message: `${observed.badRowCount} rows fail their checks (${sample})` });
  }
  return problems;
}

/** Tracks min and max of ISO-micros instants; they compare correctly as strings (same width, UTC). */
export class TimeRange {
  min: string | null = null;
  max: string | null = null;
  add(iso: string): void {
    if (this.min === null || iso < this.min) this.min = iso;
    if (this.max === null || iso > this.max) this.max = iso;
  }
}
