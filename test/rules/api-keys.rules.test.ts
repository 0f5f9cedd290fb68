import { assertFails, assertSucceeds, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc, type Firestore } from 'firebase/firestore';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { rulesEnvironment } from '../support/rules-env';

// The HTTP API's internals under a tenant (hashed API keys, rate-limit buckets) are server-only:
// no client, not even the tenant's own admin or a platform admin, reads or writes them.

const TENANT = 'tenant-a';
const PATHS = [`tenants/${TENANT}/api_keys/0123456789abcdef`, `tenants/${TENANT}/api_rate_limits/ingest`];
const CALLERS = [
  { name: 'admin of the tenant', uid: 'admin-a', claims: { tenantId: TENANT, role: 'admin' } },
  { name: 'auditor of the tenant', uid: 'auditor-a', claims: { tenantId: TENANT, role: 'auditor' } },
  { name: 'platform admin', uid: 'platform', claims: { platformAdmin: true } },
  { name: 'unauthenticated caller' },
] as const;

let env: RulesTestEnvironment;

function dbAs(caller: (typeof CALLERS)[number]): Firestore {
  const context = 'uid' in caller ? env.authenticatedContext(caller.uid, caller.claims) : env.unauthenticatedContext();
  return context.firestore() as unknown as Firestore;
}

beforeAll(async () => {
  env = await rulesEnvironment();
});

afterAll(async () => {
  await env.cleanup();
});

beforeEach(async () => {
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (context) => {
    const db = context.firestore() as unknown as Firestore;
    await setDoc(doc(db, `tenants/${TENANT}`), { name: 'A' });
    for (const path of PATHS) await setDoc(doc(db, path), { tenantId: TENANT, status: 'active' });
  });
});

describe('API key and rate-limit documents', () => {
  it('leave the tenant document readable by its admin (the denials below are not a broken set-up)', async () => {
    await assertSucceeds(getDoc(doc(dbAs(CALLERS[0]), `tenants/${TENANT}`)));
  });

  for (const caller of CALLERS) {
    for (const path of PATHS) {
      it(`deny get, list, create, update and delete of ${path} to the ${caller.name}`, async () => {
        const db = dbAs(caller);
        const ref = doc(db, path);
        await assertFails(getDoc(ref));
        await assertFails(getDocs(collection(db, path.slice(0, path.lastIndexOf('/')))));
        await assertFails(setDoc(doc(db, `${path}-new`), { tenantId: TENANT, status: 'active' }));
        await assertFails(updateDoc(ref, { status: 'revoked' }));
        await assertFails(deleteDoc(ref));
      });
    }
  }
});
