import { initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ID, requireEmulators } from './emulators';

/** A rules-unit-testing environment on the Firestore emulator with the project's own rules. */
export async function rulesEnvironment(): Promise<RulesTestEnvironment> {
  requireEmulators('FIRESTORE');
  const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(':');
  return initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: {
      rules: readFileSync(path.resolve(__dirname, '../../firestore.rules'), 'utf8'),
      host,
      port: Number(port),
    },
  });
}

/** Custom claims of the contract. */
export interface Claims {
  tenantId?: string;
  role?: 'admin' | 'auditor' | 'reviewer' | 'compliance' | 'member';
  platformAdmin?: boolean;
}
