import { ARCHIVE_STATES, type ArchiveState } from '@audit-log/model/enums';
import { humanize } from '../core/audit-model';
import type { Claims } from '../core/auth/roles';
import { formatBytes } from '../exports/export-model';

/**
 * The cold tier's catalog as the console shows it: `audit_archives` documents (one per Parquet
 * part, written only by the tiering job) grouped into one row per archived UTC day, and the
 * `restoreArchiveDay` callable's request and answer. Pure, so it is unit-tested without Firebase.
 */

/** What each state means for the user, shown as the state's tooltip. */
export const STATE_HINTS: Readonly<Record<ArchiveState, string>> = {
  writing: 'The tiering job is writing the Parquet file; the entries are still in Firestore.',
  uploaded: 'Written; waiting for the read-back check. The entries are still in Firestore.',
  verified: 'The file read back and matched its manifest; deleting from Firestore comes next.',
  failed: 'The file did not verify. Nothing was deleted; the next run writes it again.',
  deleting: 'Verified; the entries are being removed from Firestore.',
  archived: 'Only in the Parquet archive; found by cold search.',
  restoring: 'Being copied back to Firestore.',
  restored: 'Back in Firestore (found by log search) until the hold ends, then archived again.',
  purging: 'Past cold retention; being removed.',
  purged: 'Past cold retention and removed.',
};

/** States from which `restoreArchiveDay` restores a part (the server's rule). */
const RESTORABLE: readonly ArchiveState[] = ['archived', 'restoring', 'restored'];

/** One `audit_archives` document. */
export interface ArchivePartView {
  readonly id: string;
  readonly date: string;
  readonly part: number;
  readonly state: ArchiveState;
  /** Null until the part's file is written. */
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly merkleRoot: string | null;
  /** Rows whose entry changed before deletion and so stayed in Firestore. */
  readonly retained: number;
  readonly restoredUntil: Date | null;
  readonly failure: string | null;
}

/** One archived day: its parts summed up. */
export interface ArchiveDayView {
  readonly date: string;
  readonly parts: readonly ArchivePartView[];
  /** Null while a part's row count is not known yet. */
  readonly rows: number | null;
  readonly size: string;
  readonly roots: readonly string[];
  /** The state of every part, or the distinct states joined when the parts differ. */
  readonly state: string;
  readonly hint: string;
  readonly restorable: boolean;
  readonly restoredUntil: Date | null;
  readonly retained: number;
  readonly failure: string | null;
}

function int(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

function date(value: unknown): Date | null {
  const v = value as { toDate?: () => Date } | null | undefined;
  return typeof v?.toDate === 'function' ? v.toDate() : null;
}

/** Reads an archive document; a malformed one shows as failed rather than breaking the list. */
export function toArchivePart(id: string, data: Readonly<Record<string, unknown>>): ArchivePartView {
  const state = (ARCHIVE_STATES as readonly unknown[]).includes(data['state']) ? (data['state'] as ArchiveState) : null;
  const failure = data['failure'] as { message?: unknown } | null | undefined;
  return {
    id,
    date: typeof data['date'] === 'string' ? data['date'] : '',
    part: int(data['part']) ?? 1,
    state: state ?? 'failed',
    rows: int(data['rowCount']),
    bytes: int(data['bytes']),
    merkleRoot: typeof data['merkleRoot'] === 'string' ? data['merkleRoot'] : null,
    retained: Array.isArray(data['retainedLogIds']) ? data['retainedLogIds'].length : 0,
    restoredUntil: date(data['restoredUntil']),
    failure:
      state === null ? 'unreadable archive record' : typeof failure?.message === 'string' ? failure.message : null,
  };
}

function sum(values: ReadonlyArray<number | null>): number | null {
  return values.reduce<number | null>((total, v) => (total === null || v === null ? null : total + v), 0);
}

/** Groups parts into days, newest day first; within a day, parts in order. */
export function groupByDay(parts: readonly ArchivePartView[]): ArchiveDayView[] {
  const byDay = new Map<string, ArchivePartView[]>();
  for (const part of parts) byDay.set(part.date, [...(byDay.get(part.date) ?? []), part]);
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([day, list]) => {
      const sorted = [...list].sort((a, b) => a.part - b.part);
      const states = [...new Set(sorted.map((p) => p.state))];
      const bytes = sum(sorted.map((p) => p.bytes));
      const until = sorted.map((p) => p.restoredUntil).filter((d): d is Date => d !== null);
      return {
        date: day,
        parts: sorted,
        rows: sum(sorted.map((p) => p.rows)),
        size: bytes === null ? '–' : formatBytes(bytes),
        roots: sorted.map((p) => p.merkleRoot).filter((r): r is string => r !== null),
        state: states.join(' / '),
        hint: states.map((s) => STATE_HINTS[s]).join(' '),
        restorable: sorted.some((p) => RESTORABLE.includes(p.state)),
        restoredUntil:
          states.includes('restored') && until.length > 0 ? new Date(Math.max(...until.map(Number))) : null,
        retained: sorted.reduce((n, p) => n + p.retained, 0),
        failure: sorted.find((p) => p.failure !== null)?.failure ?? null,
      };
    });
}

/** `3f2a…9c01`: enough to tell roots apart in a table; the full value is in the tooltip. */
export function shortHash(hex: string, keep = 8): string {
  return hex.length <= keep * 2 + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-keep)}`;
}

/** A readable state label: `restoring / restored` → `Restoring / restored`. */
export function stateLabel(state: string): string {
  return humanize(state);
}

/**
 * Restoring writes entries back to Firestore, so the server allows it only to an admin of the
 * tenant (not to a platform admin looking at someone else's tenant, nor to any other role).
 */
export function canRestoreArchives(claims: Claims, viewedTenant: string | null): boolean {
  return claims.role === 'admin' && claims.tenantId !== null && claims.tenantId === viewedTenant;
}

/** The server's default and bounds for how long restored entries stay warm. */
export const HOLD_DAYS = { default: 30, min: 1, max: 365 } as const;

/** Why a hold is not acceptable, or null. */
export function holdDaysProblem(value: number | null): string | null {
  if (value === null || !Number.isInteger(value)) return 'Enter a whole number of days.';
  if (value < HOLD_DAYS.min || value > HOLD_DAYS.max) return `Between ${HOLD_DAYS.min} and ${HOLD_DAYS.max} days.`;
  return null;
}

/** The `restoreArchiveDay` request. */
export interface RestoreRequest {
  readonly date: string;
  readonly holdDays: number;
}

/** The `restoreArchiveDay` answer. */
export interface RestoreResult {
  readonly tenantId: string;
  readonly date: string;
  readonly parts: number;
  readonly restored: number;
  readonly alreadyPresent: number;
  readonly restoredUntil: string;
}

/** One sentence about a finished restore. */
export function describeRestore(result: RestoreResult): string {
  const count = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'entry' : 'entries'}`;
  const parts = result.parts === 1 ? '1 part' : `${result.parts} parts`;
  const present = result.alreadyPresent;
  const already = present > 0 ? ` (${count(present)} ${present === 1 ? 'was' : 'were'} already there)` : '';
  const until = result.restoredUntil.slice(0, 10);
  return (
    `Restored ${count(result.restored)} of ${result.date} from ${parts}${already}. ` +
    `They stay in Firestore until ${until}, then the tiering job archives them again.`
  );
}
