import type { CheckpointRunReport, IntegrityCheckReport } from '@audit-log/model/callables';
import {
  GENESIS_PREV_HASH,
  bodyOf,
  checkpointBodyText,
  type CheckpointKey,
  type IntegrityFinding,
  type SignedCheckpoint,
} from '@audit-log/model/integrity';
import type { Claims } from '../core/auth/roles';
import { keyIdOf, sha256Text, signatureValid } from './entry-verification';

/**
 * The Integrity page's checks of the checkpoint chain, made in the browser like the entry check:
 * each row's hash recomputed from its body, its link to the row before it, its signature with
 * the published key. Pure apart from Web Crypto.
 */

/** Checkpoints per page. */
export const CHECKPOINT_PAGE_SIZE = 20;

export interface CheckpointRow {
  readonly checkpoint: SignedCheckpoint;
  readonly state: 'valid' | 'invalid';
  /** What is wrong, in words; empty when valid. */
  readonly problems: readonly string[];
  readonly hashOk: boolean;
  /** Null when the previous checkpoint is on another page (checked there). */
  readonly linkOk: boolean | null;
  readonly signatureOk: boolean;
}

/** The first 12 hex digits of a hash, for tables (the whole one is in the tooltip). */
export function shortHash(hex: string): string {
  return hex.length > 12 ? `${hex.slice(0, 12)}…` : hex;
}

/** How one checkpoint links to the one before it (`prev` null: none was read). */
function linkProblems(c: SignedCheckpoint, prev: SignedCheckpoint | null): string[] {
  if (prev === null) {
    if (c.seq === 1) return c.prevHash === GENESIS_PREV_HASH ? [] : ['the first checkpoint does not start the chain'];
    return [`checkpoint #${c.seq - 1} is missing`];
  }
  const problems: string[] = [];
  if (prev.seq !== c.seq - 1) problems.push(`checkpoints #${prev.seq + 1}–#${c.seq - 1} are missing`);
  if (c.prevHash !== prev.hash) problems.push(`it does not link to checkpoint #${prev.seq}'s hash`);
  if (Date.parse(c.windowStart) < Date.parse(prev.windowEnd))
    problems.push(`its window overlaps checkpoint #${prev.seq}'s`);
  return problems;
}

/**
 * Checks a page of checkpoints, newest first. `page` may hold one row more than is shown: the
 * predecessor of the oldest row shown, so that row's link is checked too. `complete` says the
 * page reaches the start of the chain (there is nothing older to read).
 */
export async function checkRows(
  page: readonly SignedCheckpoint[],
  shown: number,
  complete: boolean,
  keys: ReadonlyMap<string, CheckpointKey | null>,
): Promise<CheckpointRow[]> {
  const rows: CheckpointRow[] = [];
  for (let i = 0; i < Math.min(shown, page.length); i++) {
    const c = page[i]!;
    const prev = page[i + 1] ?? null;
    const problems: string[] = [];
    const hashOk = (await sha256Text(checkpointBodyText(bodyOf(c)))) === c.hash;
    if (!hashOk) problems.push('its hash does not match its contents');
    let linkOk: boolean | null = null;
    if (prev !== null || complete) {
      const link = linkProblems(c, prev);
      linkOk = link.length === 0;
      problems.push(...link);
    }
    const key = keys.get(c.keyId) ?? null;
    let signatureOk = false;
    if (key === null) problems.push(`key ${c.keyId} is not published`);
    else if ((await keyIdOf(key.publicKey)) !== c.keyId) problems.push(`the published key is not ${c.keyId}`);
    else if (!(await signatureValid(c.hash, c.signature, key.publicKey))) problems.push('its signature is not valid');
    else signatureOk = true;
    rows.push({
      checkpoint: c,
      state: problems.length === 0 ? 'valid' : 'invalid',
      problems,
      hashOk,
      linkOk,
      signatureOk,
    });
  }
  return rows;
}

/** The last verification run as the page shows it. */
export interface RunView {
  readonly id: string;
  readonly trigger: string;
  readonly finishedAt: Date | null;
  readonly from: Date | null;
  readonly to: Date | null;
  readonly ok: boolean;
  readonly entriesChecked: number;
  readonly checkpointsChecked: number;
  readonly archivedDaysChecked: number;
  readonly findingCount: number;
  readonly findings: readonly IntegrityFinding[];
  /** The entry budget cut the period short: its earlier part was not read. */
  readonly truncated: boolean;
}

/** Timestamps, Dates and ISO strings as Dates. */
function dateOf(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (value && typeof (value as { toDate?: unknown }).toDate === 'function')
    return (value as { toDate(): Date }).toDate();
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Reads an `audit_integrity_runs` document leniently: a field it lacks shows as empty, not as an error. */
export function toRunView(id: string, data: Readonly<Record<string, unknown>>): RunView {
  const findings = Array.isArray(data['findings'])
    ? (data['findings'] as unknown[]).filter(
        (f): f is IntegrityFinding =>
          typeof (f as IntegrityFinding | null)?.kind === 'string' &&
          typeof (f as IntegrityFinding).message === 'string',
      )
    : [];
  return {
    id,
    trigger: typeof data['trigger'] === 'string' ? data['trigger'] : 'unknown',
    finishedAt: dateOf(data['finishedAt']),
    from: dateOf(data['from']),
    to: dateOf(data['to']),
    ok: data['ok'] === true,
    entriesChecked: count(data['entriesChecked']),
    checkpointsChecked: count(data['checkpointsChecked']),
    archivedDaysChecked: count(data['archivedDaysChecked']),
    findingCount: count(data['findingCount']) || findings.length,
    findings,
    truncated: data['truncated'] === true,
  };
}

/**
 * Checkpointing (and verifying) on demand are operator actions, scoped like the tiering job: a
 * tenant admin for their own tenant, a platform admin for the tenant being viewed.
 */
export function canRunIntegrityJobs(claims: Claims, tenantId: string | null): boolean {
  if (tenantId === null) return false;
  if (claims.platformAdmin) return true;
  return claims.role === 'admin' && claims.tenantId === tenantId;
}

/** One line about a `runCheckpoints` run. */
export function describeCheckpointRun(report: CheckpointRunReport): string {
  const made = report.checkpoints.length;
  const parts = [
    made === 0
      ? 'No new checkpoint: nothing older than the grace period is left unsigned.'
      : `${made} new checkpoint${made === 1 ? '' : 's'} (#${report.checkpoints.map((c) => c.seq).join(', #')}).`,
  ];
  for (const late of report.lateEntries)
    parts.push(`${late.foundCount - late.signedCount} entries appeared in ${late.checkpointId} after it was signed.`);
  for (const f of report.failures) parts.push(`Failed for ${f.tenantId}: ${f.message}`);
  if (report.stoppedAtDeadline) parts.push('Stopped at its time limit; run it again for the rest.');
  return parts.join(' ');
}

/** One line about a `runIntegrityCheck` run. */
export function describeIntegrityCheck(report: IntegrityCheckReport): string {
  const parts = report.runs.map((r) => {
    const scope = `${r.entriesChecked} entries, ${r.checkpointsChecked} checkpoints, ${r.archivedDaysChecked} archived days`;
    const cut = r.truncated ? ' (the period was cut short by the entry budget)' : '';
    return r.ok
      ? `Verified ${scope}${cut}: no tampering found.`
      : `Verified ${scope}${cut}: ${r.findingCount} finding${r.findingCount === 1 ? '' : 's'}.`;
  });
  for (const f of report.failures) parts.push(`Failed for ${f.tenantId}: ${f.message}`);
  return parts.length > 0 ? parts.join(' ') : 'Nothing was verified.';
}
