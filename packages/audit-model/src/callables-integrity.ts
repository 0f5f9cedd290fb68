import type { InclusionProof, IntegrityRunRecord, SignedCheckpoint } from './integrity';

/**
 * Requests and answers of the tamper-evidence callables (`runCheckpoints`, `runIntegrityCheck`,
 * `entryProof`), part of the callable map in `callables.ts`.
 */

/** One checkpoint a run created. */
export interface CreatedCheckpoint {
  tenantId: string;
  id: string;
  seq: number;
  windowStart: string;
  windowEnd: string;
  count: number;
}

/** Entries found in a window after its checkpoint was signed (each also recorded as a CRITICAL entry). */
export interface LateEntryReport {
  tenantId: string;
  checkpointId: string;
  signedCount: number;
  foundCount: number;
  /** Log id of the `security.integrity_violation` entry, null when it could not be recorded. */
  eventLogId: string | null;
}

/** What one run of the checkpoint job did, and what it cost in Firestore and Storage operations. */
export interface CheckpointRunReport {
  runId: string;
  tenants: number;
  checkpoints: CreatedCheckpoint[];
  lateEntries: LateEntryReport[];
  /** Tenants whose work failed (the rest went on). */
  failures: Array<{ tenantId: string; message: string }>;
  /** Firestore document reads as billed (a query returning nothing still reads one; count() one per 1,000). */
  reads: number;
  /** Firestore document writes (creates). */
  writes: number;
  /** Storage objects written (leaves files, anchors). */
  storageWrites: number;
  /** Storage metadata/object reads. */
  storageReads: number;
  durationMs: number;
  stoppedAtDeadline: boolean;
}

// ---- Integrity ------------------------------------------------------------------------------

export interface EntryProofRequest {
  logId: string;
}

/**
 * Where an entry stands in its tenant's checkpoint chain. The server is not trusted: the console
 * recomputes the entry's hash, the root from the proof, the checkpoint's hash and its signature.
 * - `proved`: the checkpoint whose window holds the entry's `recordedAt` signed the leaf of
 *   `(logId, signedHash)`; `signedHash` is the hash it signed, which may differ from the stored one.
 * - `pending`: no checkpoint covers the entry yet (recorded after the chain's head).
 * - `absent`: the chain has passed the entry's `recordedAt` without signing it (an inserted entry);
 *   `checkpoint` is the one whose window holds it, else the first one after it.
 */
export type EntryProof =
  | { status: 'proved'; checkpoint: SignedCheckpoint; proof: InclusionProof; signedHash: string }
  | { status: 'pending'; reason: string }
  | { status: 'absent'; checkpoint: SignedCheckpoint; reason: string };
/** `runIntegrityCheck`: an operator run of the verification (days inclusive, UTC; default yesterday and today). */
export interface RunIntegrityCheckRequest {
  tenantId?: string;
  from?: string;
  to?: string;
}

/** One tenant's verification run as recorded in `audit_integrity_runs/{runId}`. */
export type IntegrityCheckRun = Pick<
  IntegrityRunRecord,
  'tenantId' | 'ok' | 'entriesChecked' | 'checkpointsChecked' | 'archivedDaysChecked' | 'findingCount' | 'findings'
> & {
  runId: string;
  /** The CRITICAL `security.integrity_violation` entry raised for the findings, if any. */
  eventLogId: string | null;
  /** True when the entry budget cut the period short (its earlier part was not read). */
  truncated: boolean;
};

export interface IntegrityCheckReport {
  runs: IntegrityCheckRun[];
  failures: Array<{ tenantId: string; message: string }>;
}
