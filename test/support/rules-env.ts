import { initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requireEmulators } from './emulators';

/**
 * The rules tests' own project on the same Firestore emulator. The Functions emulator's triggers
 * listen to the system's project only, so the rules tests' writes never start change capture,
 * anomaly detection or review stamping (whose entries would land in the tenants under test while
 * a test counts them), and clearing the rules tests' data never wipes the system's.
 */
export const RULES_PROJECT_ID = 'demo-auditlog-rules';

/** A rules-unit-testing environment on the Firestore emulator with the project's own rules. */
export async function rulesEnvironment(): Promise<RulesTestEnvironment> {
  requireEmulators('FIRESTORE');
  const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(':');
  return initializeTestEnvironment({
    projectId: RULES_PROJECT_ID,
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
