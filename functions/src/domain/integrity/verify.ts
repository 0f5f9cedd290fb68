import type { IntegrityFinding, IntegrityRunRecord, SignedCheckpoint } from '@audit-log/model/integrity';
import type { VerificationProblem } from '../archive/manifest';
import { verifyChain, type ChainInput, type ReferenceCheckpoint } from './verify-chain';
import { checkEntries, type LeavesLoader, type StoredEntryInput } from './verify-entries';

/**
 * Verifies one tenant over a `recordedAt` period: the checkpoint chain, then every entry stored
 * in Firestore or an archived day against the checkpoint that signed it, then the archived files
 * against their manifests. Pure: the adapter (CLI or scheduled job) reads the stores and passes
 * them in; entries are streamed.
 */
export interface VerifyTenantInput extends ChainInput {
  /** `[fromMs, toMs)` of `recordedAt`. */
  fromMs: number;
  toMs: number;
  coverDeadlineMs: number;
  loadLeaves: LeavesLoader;
  /** The period's entries, Firestore and archived rows merged, ordered by `recordedAt`. */
  entries: AsyncIterable<StoredEntryInput | readonly StoredEntryInput[]>;
  /** Each archived part of the period with how its file compared with its manifest. */
  archivedParts?: ReadonlyArray<ArchivedPartCheck>;
  onFinding?: (finding: IntegrityFinding) => void;
  onProgress?: (entriesChecked: number) => void;
}

export interface ArchivedPartCheck {
  date: string;
  part: number;
  problems: readonly VerificationProblem[];
  /** The checkpoints its manifest says cover its rows (absent before the chain). */
  checkpoints?: ReadonlyArray<
    Pick<SignedCheckpoint, 'id' | 'seq' | 'windowStart' | 'windowEnd' | 'count' | 'merkleRoot'>
  >;
}

/** A manifest naming a checkpoint otherwise than the chain signed it: the manifest was rewritten. */
function manifestCheckpointFindings(
  part: ArchivedPartCheck,
  reference: readonly ReferenceCheckpoint[],
): IntegrityFinding[] {
  const bySeq = new Map(reference.map((r) => [r.checkpoint.seq, r.checkpoint]));
  const out: IntegrityFinding[] = [];
  for (const named of part.checkpoints ?? []) {
    const signed = bySeq.get(named.seq);
    if (!signed) continue;
    const differs = (['id', 'windowStart', 'windowEnd', 'count', 'merkleRoot'] as const).filter(
      (k) => named[k] !== signed[k],
    );
    if (differs.length === 0) continue;
    out.push({
      kind: 'archive_modified',
      date: part.date,
      message: `Archived day ${part.date}, part ${part.part}: its manifest names checkpoint ${named.seq} with another ${differs.join(', ')} than the chain signed.`,
    });
  }
  return out;
}

export interface VerifyTenantResult {
  findings: IntegrityFinding[];
  entriesChecked: number;
  checkpointsChecked: number;
  archivedDaysChecked: number;
  beforeChain: number;
  pending: number;
}

/** Archive problems as findings on their day (file and manifest disagree). */
export function archivePartFindings(check: ArchivedPartCheck): IntegrityFinding[] {
  return check.problems.map((p) => ({
    kind: 'archive_modified',
    date: check.date,
    message: `Archived day ${check.date}, part ${check.part}: ${p.message}.`,
  }));
}

function findingKey(f: IntegrityFinding): string {
  return [f.kind, f.logId ?? '', f.checkpointId ?? '', f.date ?? ''].join('\u0000');
}

export async function verifyTenant(input: VerifyTenantInput): Promise<VerifyTenantResult> {
  const findings: IntegrityFinding[] = [];
  const seen = new Set<string>();
  const report = (f: IntegrityFinding) => {
    const key = findingKey(f);
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
    input.onFinding?.(f);
  };
  const chain = verifyChain(input);
  chain.findings.forEach(report);
  for (const part of input.archivedParts ?? []) {
    archivePartFindings(part).forEach(report);
    manifestCheckpointFindings(part, chain.reference).forEach(report);
  }
  const entries = await checkEntries({
    tenantId: input.tenantId,
    reference: chain.reference,
    entries: input.entries,
    loadLeaves: input.loadLeaves,
    coverDeadlineMs: input.coverDeadlineMs,
    fromMs: input.fromMs,
    toMs: input.toMs,
    report,
    ...(input.onProgress ? { progress: input.onProgress } : {}),
  });
  return {
    findings,
    entriesChecked: entries.entriesChecked,
    checkpointsChecked: chain.checkpointsChecked,
    archivedDaysChecked: new Set((input.archivedParts ?? []).map((p) => p.date)).size,
    beforeChain: entries.beforeChain,
    pending: entries.pending,
  };
}

/** At most this many findings go into a run record; the count is always exact. */
export const RUN_RECORD_MAX_FINDINGS = 100;

export function runRecordOf(input: {
  tenantId: string;
  trigger: IntegrityRunRecord['trigger'];
  startedAt: Date;
  finishedAt: Date;
  fromMs: number;
  toMs: number;
  result: VerifyTenantResult;
}): IntegrityRunRecord {
  const { result } = input;
  return {
    tenantId: input.tenantId,
    trigger: input.trigger,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    from: new Date(input.fromMs).toISOString(),
    to: new Date(input.toMs).toISOString(),
    ok: result.findings.length === 0,
    entriesChecked: result.entriesChecked,
    checkpointsChecked: result.checkpointsChecked,
    archivedDaysChecked: result.archivedDaysChecked,
    findingCount: result.findings.length,
    findings: result.findings.slice(0, RUN_RECORD_MAX_FINDINGS),
  };
}
