import { ARCHIVE_STATES, type ArchiveState } from '@audit-log/model/enums';
import { z } from 'zod';
import { manifestSchema } from './manifest';

/**
 * The life of one archive file (one `audit_archives` document). Each step is recorded before the
 * next begins, so a run that dies anywhere is finished by the next run from the recorded state:
 *
 *   writing ─▶ uploaded ─▶ verified ─▶ deleting ─▶ archived ─▶ purging ─▶ purged
 *      ▲  └──────┴───▶ failed ─┘                     │  ▲
 *      └──────────────────────┘ (retry)              ▼  │ (hold over: compare and delete again)
 *                                              restoring ─▶ restored
 *
 * Firestore entries are deleted only in `deleting`, which is entered only from `verified` (the
 * file was read back and matched its manifest) or from `restored` (the file was verified then).
 */
export { ARCHIVE_STATES, type ArchiveState } from '@audit-log/model/enums';

const TRANSITIONS: Readonly<Record<ArchiveState, readonly ArchiveState[]>> = {
  writing: ['writing', 'uploaded', 'failed'],
  uploaded: ['verified', 'failed'],
  verified: ['deleting'],
  failed: ['writing'],
  deleting: ['archived'],
  archived: ['restoring', 'purging'],
  restoring: ['restoring', 'restored'],
  restored: ['restoring', 'deleting'],
  purging: ['purged'],
  purged: [],
};

/** True when the state machine allows `from → to`. */
export function canTransition(from: ArchiveState, to: ArchiveState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States whose file is the searchable copy of its rows (restored rows are searched hot). */
export const SEARCHABLE_STATES: readonly ArchiveState[] = ['deleting', 'archived', 'restoring'];

const historyItemSchema = z.object({
  state: z.enum(ARCHIVE_STATES),
  atMs: z.number(),
  note: z.string().optional(),
});

/** The `audit_archives/{tenantId}:{date}:{part}` document (instants as epoch milliseconds here). */
export const archiveRecordSchema = z.object({
  tenantId: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  part: z.number().int().min(1),
  objectPath: z.string().min(1),
  manifestPath: z.string().min(1),
  state: z.enum(ARCHIVE_STATES),
  attempt: z.number().int().min(1),
  schemaVersion: z.number().int(),
  /** Set on `uploaded`: the manifest that verification and deletion trust. */
  manifest: manifestSchema.nullable(),
  /** Convenience copies of the manifest for the console list (date, rows, size, root). */
  rowCount: z.number().int().nullable(),
  bytes: z.number().int().nullable(),
  merkleRoot: z.string().nullable(),
  /** Rows of this file whose Firestore entry changed before deletion; they stay warm and are not searched here. */
  retainedLogIds: z.array(z.string()),
  deletedCount: z.number().int().min(0),
  failure: z.object({ code: z.string(), message: z.string(), problems: z.array(z.string()) }).nullable(),
  /** Restores so far; events of each archive/restore cycle get their own event id. */
  cycle: z.number().int().min(0),
  /** logId of this cycle's `compliance.archive.created` event, once ingested. */
  eventLogId: z.string().nullable(),
  /** logId of the latest `compliance.archive.restored` event. */
  restoreEventLogId: z.string().nullable(),
  restoredUntilMs: z.number().nullable(),
  purgedAtMs: z.number().nullable(),
  purgeEventLogId: z.string().nullable(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  history: z.array(historyItemSchema),
});
export type ArchiveRecord = z.infer<typeof archiveRecordSchema>;

/** Bounded so a part restored and re-archived many times keeps a small document. */
const MAX_HISTORY = 50;

/** A new record in `writing`. */
export function newArchiveRecord(init: {
  tenantId: string;
  date: string;
  part: number;
  objectPath: string;
  manifestPath: string;
  schemaVersion: number;
  nowMs: number;
}): ArchiveRecord {
  return {
    tenantId: init.tenantId,
    date: init.date,
    part: init.part,
    objectPath: init.objectPath,
    manifestPath: init.manifestPath,
    state: 'writing',
    attempt: 1,
    schemaVersion: init.schemaVersion,
    manifest: null,
    rowCount: null,
    bytes: null,
    merkleRoot: null,
    retainedLogIds: [],
    deletedCount: 0,
    failure: null,
    cycle: 0,
    eventLogId: null,
    restoreEventLogId: null,
    restoredUntilMs: null,
    purgedAtMs: null,
    purgeEventLogId: null,
    createdAtMs: init.nowMs,
    updatedAtMs: init.nowMs,
    history: [{ state: 'writing', atMs: init.nowMs }],
  };
}

/**
 * The record after moving to `to` with `changes` applied. Throws on a transition the machine
 * does not have: a bug must stop the run before it can delete anything.
 */
export function transition(
  record: ArchiveRecord,
  to: ArchiveState,
  nowMs: number,
  changes: Partial<ArchiveRecord> = {},
  note?: string,
): ArchiveRecord {
  if (!canTransition(record.state, to)) {
    throw new Error(`archive ${record.tenantId}:${record.date}:${record.part}: no transition ${record.state} → ${to}`);
  }
  const item = note === undefined ? { state: to, atMs: nowMs } : { state: to, atMs: nowMs, note };
  return {
    ...record,
    ...changes,
    state: to,
    updatedAtMs: nowMs,
    history: [...record.history, item].slice(-MAX_HISTORY),
  };
}

/** What the tiering job does next with an existing part of a day it is processing. */
export type PartAction = 'rewrite' | 'verify' | 'delete' | 'emit' | 'hold' | 'done';

export function nextAction(record: ArchiveRecord, nowMs: number): PartAction {
  switch (record.state) {
    case 'writing':
    case 'failed':
      // Nothing of this part was deleted yet, and what was uploaded is unknown: write it afresh.
      return 'rewrite';
    case 'uploaded':
      return 'verify';
    case 'verified':
    case 'deleting':
      return 'delete';
    case 'archived':
      return record.eventLogId === null ? 'emit' : 'done';
    case 'restoring':
      // A restore was interrupted: the day is hot on purpose; the restore call finishes it.
      return 'hold';
    case 'restored':
      return record.restoredUntilMs !== null && record.restoredUntilMs > nowMs ? 'hold' : 'delete';
    case 'purging':
    case 'purged':
      return 'done';
  }
}
