import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { KeyEncryptionKey } from '../../functions/src/domain/privacy';

/** The development KEK the Functions emulator uses (functions/.secret.local). */
export function devKekSecret(): string {
  const { parseStrict } = createRequire(__filename)('firebase-tools/lib/functions/env') as {
    parseStrict: (data: string) => Record<string, string>;
  };
  const file = readFileSync(join(__dirname, '../../functions/.secret.local'), 'utf8');
  return parseStrict(file).AUDIT_PERSONAL_DATA_KEK!;
}

/** The key-encryption key of the emulated functions, for suites that seal or compute tokens. */
export const devKek = (): KeyEncryptionKey => new KeyEncryptionKey(devKekSecret());
