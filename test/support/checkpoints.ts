import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Firestore } from 'firebase-admin/firestore';
import type { CheckpointRunReport } from '@audit-log/model/callables';
import type { AuditEntry } from '../../functions/src/domain';
import { signerFromSecret, type CheckpointSigner } from '../../functions/src/domain/integrity';
import { emitViolation } from '../../functions/src/integrity/events';
import { runCheckpointJob, type CheckpointDeps, type CheckpointOptions } from '../../functions/src/integrity/job';
import { toStored } from '../../functions/src/store/converters';
import { adminDb } from './emulators';
import { bucket } from './tiering';

/** firebase-tools' own dotenv reader (the one the Functions emulator reads .secret.local with). */
const { parseStrict } = createRequire(__filename)('firebase-tools/lib/functions/env') as {
  parseStrict: (data: string) => Record<string, string>;
};

/** The development signing key the Functions emulator uses (functions/.secret.local). */
export function devSigner(): CheckpointSigner {
  const file = readFileSync(join(__dirname, '../../functions/.secret.local'), 'utf8');
  return signerFromSecret(parseStrict(file).AUDIT_CHECKPOINT_SIGNING_KEY!);
}

export function checkpointDeps(): CheckpointDeps {
  return { db: adminDb(), bucket: bucket(), signer: devSigner(), emit: emitViolation };
}

/** The default grid and grace of the deployed job. */
export const INTERVAL_MS = 300_000;
export const GRACE_MS = 120_000;

/**
 * Runs the checkpoint job in this process for some tenants, closing the open slot with no grace
 * (entries a test wrote are committed), as an on-demand run after the grace period would.
 */
export function checkpointTenants(
  tenantIds: readonly string[],
  options: Partial<CheckpointOptions> = {},
): Promise<CheckpointRunReport> {
  return runCheckpointJob(checkpointDeps(), {
    tenantIds,
    intervalMs: INTERVAL_MS,
    graceMs: 0,
    closeOpenSlot: true,
    ...options,
  });
}

/** Writes entries in the stored shape with the Admin SDK, each recorded at the instant `recordedAt` gives. */
export async function seedRecorded(
  db: Firestore,
  entries: readonly AuditEntry[],
  recordedAt: (e: AuditEntry, i: number) => Date,
): Promise<void> {
  for (let i = 0; i < entries.length; i += 400) {
    const batch = db.batch();
    entries.slice(i, i + 400).forEach((e, j) => {
      batch.create(db.collection('audit_logs').doc(e.logId), toStored(e, recordedAt(e, i + j)));
    });
    await batch.commit();
  }
}
