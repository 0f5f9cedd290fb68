import type { IntegrityFinding } from '@audit-log/model/integrity';
import { keyIdOf } from '../domain/integrity';
import { settings } from '../config';
import { firestore } from '../firebase';
import { archiveBucket } from '../tiering/storage';
import { verifyFromStores, type VerifyOutcome } from './run';

const EMULATOR_PROJECT = 'demo-auditlog';

// `audit-verify`: checks a tenant's log over a period with admin credentials (or against the
// emulators) and trusts nothing the functions wrote about it: every hash is recomputed, every
// checkpoint checked against a public key, every archived file read back.

const HELP = `Usage: audit-verify --tenant T [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
                    [--public-key <base64>]... [--project P]

Verifies one tenant's audit log over whole UTC days (by recordedAt), from Firestore and Cloud
Storage: every entry's hash recomputed from its stored fields, every checkpoint's hash, signature,
link and anchored copy, every entry against the checkpoint that signed it (naming each entry that
was modified, deleted or inserted), and every archived day's Parquet files against their manifests
and the checkpoints' roots.

  --tenant T         the tenant to verify (required)
  --from YYYY-MM-DD  first day (default: six days before --to)
  --to YYYY-MM-DD    last day, inclusive (default: today, UTC)
  --json             print one JSON object (the run record and every finding) instead of a summary
  --public-key K     trust this Ed25519 public key (base64 of the 32 raw bytes); repeat for rotated
                     keys. Without it the keys published in audit_checkpoint_keys are trusted, which
                     a project admin could also rewrite: pin the key for the strong form.
  --project P        the Firebase project (default: GCLOUD_PROJECT / GOOGLE_CLOUD_PROJECT;
                     demo-auditlog against the emulators)

Credentials are the Admin SDK's (Application Default Credentials). With FIRESTORE_EMULATOR_HOST
and FIREBASE_STORAGE_EMULATOR_HOST set it talks to the emulators instead. The bucket is
ARCHIVE_BUCKET when set, else <project>.appspot.com.

Progress goes to stderr. Exit status: 0 verified clean, 1 any finding, 2 usage or access error.`;

export interface CliArgs {
  tenantId: string;
  from: string;
  to: string;
  json: boolean;
  publicKeys: string[];
  project?: string;
}

class UsageError extends Error {}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(s: string): boolean {
  return (
    DATE.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00.000Z`)) &&
    new Date(`${s}T00:00:00.000Z`).toISOString().startsWith(s)
  );
}

export function parseArgs(argv: readonly string[], today: string): CliArgs | 'help' {
  let tenantId: string | undefined;
  let from: string | undefined;
  let to: string | undefined;
  let project: string | undefined;
  let json = false;
  const publicKeys: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--tenant') tenantId = value();
    else if (arg === '--from') from = value();
    else if (arg === '--to') to = value();
    else if (arg === '--json') json = true;
    else if (arg === '--public-key') publicKeys.push(value());
    else if (arg === '--project') project = value();
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (!tenantId) throw new UsageError('--tenant is required');
  to ??= today;
  from ??= new Date(Date.parse(`${to}T00:00:00.000Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
  if (!validDate(from) || !validDate(to)) throw new UsageError('--from and --to take a date, YYYY-MM-DD');
  if (from > to) throw new UsageError('--from is after --to');
  for (const k of publicKeys) {
    if (Buffer.from(k, 'base64').length !== 32) throw new UsageError('--public-key takes base64 of 32 raw bytes');
  }
  return { tenantId, from, to, json, publicKeys, ...(project !== undefined ? { project } : {}) };
}

function describe(f: IntegrityFinding): string {
  const what = f.logId ? `entry ${f.logId}` : f.checkpointId ? `checkpoint ${f.checkpointId}` : `day ${f.date ?? '?'}`;
  return `  ${f.kind.padEnd(26)} ${what}\n      ${f.message}`;
}

function summary(args: CliArgs, out: VerifyOutcome, seconds: number): string {
  const lines = [
    `Tenant ${args.tenantId}, ${args.from} to ${args.to} (UTC, by recordedAt)`,
    out.keySource === 'pinned'
      ? `Keys: pinned on the command line (${out.trustedKeyIds.join(', ')})`
      : `Keys: ${out.trustedKeyIds.length} published in Firestore (audit_checkpoint_keys: ${out.trustedKeyIds.join(', ') || 'none'}); ` +
        'a project admin could rewrite them too: pin a key with --public-key for the strong form',
    `Checked ${out.entriesChecked} entries, ${out.checkpointsChecked} checkpoints, ${out.archivedDaysChecked} archived days in ${seconds.toFixed(1)} s`,
  ];
  if (out.pending > 0) lines.push(`${out.pending} recent entries are within the grace period and not yet checkpointed`);
  if (out.beforeChain > 0)
    lines.push(`${out.beforeChain} entries were recorded before the tenant's checkpoint chain began`);
  if (out.findings.length === 0) lines.push('Verified: no findings.');
  else lines.push(`FAILED: ${out.findings.length} findings`, ...out.findings.map(describe));
  return lines.join('\n');
}

/** Runs the CLI; resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const now = Date.now();
  let args: CliArgs | 'help';
  try {
    args = parseArgs(argv, new Date(now).toISOString().slice(0, 10));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`audit-verify: ${err.message}\n\n${HELP}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (args.project) process.env.GCLOUD_PROJECT = args.project;
  // Against the emulators with no project named, the emulators' own project (contract.md).
  else if (process.env.FIRESTORE_EMULATOR_HOST && !process.env.GCLOUD_PROJECT && !process.env.GOOGLE_CLOUD_PROJECT)
    process.env.GCLOUD_PROJECT = EMULATOR_PROJECT;
  const fromMs = Date.parse(`${args.from}T00:00:00.000Z`);
  const toMs = Date.parse(`${args.to}T00:00:00.000Z`) + 86_400_000;
  const startedAt = new Date(now);
  let lastReport = now;
  const progress = (n: number) => {
    const t = Date.now();
    if (t - lastReport < 1000) return;
    lastReport = t;
    const rate = Math.round(n / Math.max(0.001, (t - now) / 1000));
    process.stderr.write(`audit-verify: ${n} entries checked (${rate}/s)\n`);
  };
  let out: VerifyOutcome;
  try {
    const pinned = args.publicKeys.length > 0 ? new Map(args.publicKeys.map((k) => [keyIdOf(k), k])) : undefined;
    out = await verifyFromStores(
      { db: firestore(), bucket: archiveBucket() },
      {
        tenantId: args.tenantId,
        fromMs,
        toMs,
        nowMs: now,
        coverDeadlineMs: now - coverSlackMs(),
        ...(pinned ? { pinnedKeys: pinned } : {}),
        onProgress: progress,
      },
    );
  } catch (err) {
    process.stderr.write(`audit-verify: cannot read the log: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const finishedAt = new Date();
  if (args.json) {
    const record = {
      tenantId: args.tenantId,
      trigger: 'manual',
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      ok: out.findings.length === 0,
      entriesChecked: out.entriesChecked,
      checkpointsChecked: out.checkpointsChecked,
      archivedDaysChecked: out.archivedDaysChecked,
      findingCount: out.findings.length,
      findings: out.findings,
      pending: out.pending,
      beforeChain: out.beforeChain,
      keySource: out.keySource,
      trustedKeyIds: out.trustedKeyIds,
    };
    process.stdout.write(`${JSON.stringify(record)}\n`);
  } else {
    process.stdout.write(`${summary(args, out, (finishedAt.getTime() - now) / 1000)}\n`);
  }
  return out.findings.length === 0 ? 0 : 1;
}

/**
 * How old an entry must be before a missing checkpoint is a finding: one window, the grace
 * period, and ten minutes for the 5-minute schedule to come round.
 */
export function coverSlackMs(): number {
  return settings.checkpointIntervalMs() + settings.checkpointGraceMs() + 10 * 60_000;
}
