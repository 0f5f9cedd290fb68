import type { Firestore } from 'firebase-admin/firestore';
import type { ArchiveRecord } from '../domain/archive';
import type { ArchiveStore } from './archive-store';
import type { TieringRunState } from './run-state';
import type { EmitArchiveEvent } from './events';
import type { ParquetWriterOptions } from './parquet-writer';
import type { Bucket } from './storage';

/** Named points of a part's life where tests inject faults (throw = the process died there). */
export type TieringStep =
  'written' | 'uploaded' | 'verified' | 'deleteBatch' | 'deleted' | 'archived' | 'restoreBatch' | 'purging';

export type TieringHook = (step: TieringStep, info: { record: ArchiveRecord; count?: number }) => void | Promise<void>;

/** What the jobs need from the outside world; the functions pass the real ones, tests may add a hook. */
export interface TieringDeps {
  db: Firestore;
  bucket: Bucket;
  emit: EmitArchiveEvent;
}

export interface TieringOptions {
  now?: () => Date;
  /** Only these tenants (default: every tenant document). */
  tenantIds?: readonly string[];
  /** Firestore page size when reading a day (default 1,000). */
  pageSize?: number;
  /**
   * Rows per archive file (default 250,000): a larger day becomes several parts, which bounds the
   * staging space (in a function's memory-backed /tmp) and the time of each step.
   */
  maxRowsPerPart?: number;
  /**
   * Bytes of staged row JSON per archive file (default 256 MiB). Rows alone do not bound a part:
   * an entry may be up to 1 MiB, and 250,000 large ones would not fit a function's memory, where
   * /tmp lives. With DuckDB's 320 MB limit, the Parquet file and its downloaded copy for
   * verification, a full part stays inside the 1 GiB the jobs run with.
   */
  maxBytesPerPart?: number;
  /** Entries compared and deleted per batch (default 500, Firestore's batch limit). */
  deleteBatchSize?: number;
  /** Delete batches in flight (default 4). */
  deleteConcurrency?: number;
  /** Lease of a day (default 15 min, longer than a function's run). */
  leaseMs?: number;
  /** Stop starting new days after this instant (ms), so a run ends inside its function timeout. */
  deadlineMs?: number;
  /** Local scratch folder (default the OS temp folder). */
  workDir?: string;
  writer?: ParquetWriterOptions;
  hook?: TieringHook;
}

/** Everything a step needs, resolved once per run. */
export interface RunContext {
  deps: TieringDeps;
  store: ArchiveStore;
  runState: TieringRunState;
  now: () => number;
  pageSize: number;
  maxRowsPerPart: number;
  maxBytesPerPart: number;
  deleteBatchSize: number;
  deleteConcurrency: number;
  workDir: string;
  writer: ParquetWriterOptions;
  hook: TieringHook;
}
