import {
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';
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

/** A Firestore of the rules environment, as one caller sees it. */
export type RulesFirestore = ReturnType<RulesTestContext['firestore']>;

/** How a rules suite acts: as a signed-in user with claims, or signed out. */
export interface RulesSuite {
  as: (uid: string, claims: Claims) => RulesFirestore;
  anonymous: () => RulesFirestore;
}

/**
 * A rules suite of one file: one environment for the file, cleared before each test and seeded
 * by `seed` with the rules off, so every test starts from the same documents.
 */
export function seededRulesSuite(seed: (db: RulesFirestore) => Promise<void>): RulesSuite {
  let env: RulesTestEnvironment;
  beforeAll(async () => {
    env = await rulesEnvironment();
  });
  afterAll(async () => {
    await env.cleanup();
  });
  beforeEach(async () => {
    await env.clearFirestore();
    await env.withSecurityRulesDisabled((ctx) => seed(ctx.firestore()));
  });
  return {
    as: (uid, claims) => env.authenticatedContext(uid, { ...claims }).firestore(),
    anonymous: () => env.unauthenticatedContext().firestore(),
  };
}
