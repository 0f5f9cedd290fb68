import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { prepareEvent, readTenantSettings, type AuditEntry } from '../../functions/src/domain';
import { KeyEncryptionKey } from '../../functions/src/domain/privacy';

/** The development KEK the Functions emulator uses (functions/.secret.local). */
export function devKekSecret(): string {
  const { parseStrict } = createRequire(__filename)('firebase-tools/lib/functions/env') as {
    parseStrict: (data: string) => Record<string, string>;
  };
  const file = readFileSync(join(__dirname, '../../functions/.secret.local'), 'utf8');
  return parseStrict(file).AUDIT_PERSONAL_DATA_KEK!;
}

/** The development KEK as the functions hold it. */
export const devKek = (): KeyEncryptionKey => new KeyEncryptionKey(devKekSecret());

/**
 * Entries of a sealing tenant built as ingest builds them (the same KEK, the same key store),
 * for suites that seed entries directly (days to archive, which ingest refuses to backdate that
 * far; a console page's fixtures). By default as the backfill path builds them, now.
 */
export async function sealedEntries(
  envelopes: readonly Record<string, unknown>[],
  personalData: Parameters<typeof prepareEvent>[2]['personalData'],
  options: { transport?: Parameters<typeof prepareEvent>[1]; now?: () => Date } = {},
): Promise<AuditEntry[]> {
  const settings = readTenantSettings({ retentionDays: 30, privacy: { encryptPersonalData: true } }).settings;
  const { transport = { via: 'http', backfill: true }, now = () => new Date() } = options;
  const entries: AuditEntry[] = [];
  for (const value of envelopes) {
    const prepared = await prepareEvent({ value }, transport, {
      now,
      tenantSettings: () => Promise.resolve(settings),
      personalData,
    });
    if (prepared.status !== 'accepted') throw new Error(prepared.message);
    entries.push(prepared.entry);
  }
  return entries;
}
