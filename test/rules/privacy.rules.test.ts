import { assertFails } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { seededRulesSuite, type Claims } from '../support/rules-env';

// Wrapped data keys and erasure requests are server only: no client, whatever its role or
// tenant, reads or writes them (the Admin SDK does both).

const CALLERS: Array<{ name: string; claims: Claims }> = [
  ...(['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const).map((role) => ({
    name: role,
    claims: { tenantId: 'tenant-a', role },
  })),
  { name: 'platform admin', claims: { platformAdmin: true } },
];
const COLLECTIONS = ['audit_data_keys', 'audit_erasures'] as const;

const { as, anonymous } = seededRulesSuite(async (db) => {
  await setDoc(doc(db, 'audit_data_keys', 'subject-ref-1'), {
    tenantId: 'tenant-a',
    generation: 1,
    wrappedKey: 'v1.a.b',
  });
  await setDoc(doc(db, 'audit_erasures', 'erasure-1'), { tenantId: 'tenant-a', status: 'requested' });
});

describe('audit_data_keys and audit_erasures', () => {
  for (const { name, claims } of CALLERS) {
    it(`${name}: can neither read nor write them`, async () => {
      const db = as(`${name}-uid`, claims);
      const ids = { audit_data_keys: 'subject-ref-1', audit_erasures: 'erasure-1' };
      for (const name of COLLECTIONS) {
        const ref = doc(db, name, ids[name]);
        await assertFails(getDoc(ref));
        await assertFails(getDocs(query(collection(db, name), where('tenantId', '==', 'tenant-a'))));
        await assertFails(setDoc(doc(db, name, 'new'), { tenantId: 'tenant-a', generation: 1, wrappedKey: 'v1.x.y' }));
        await assertFails(updateDoc(ref, { wrappedKey: 'v1.x.y' }));
        await assertFails(deleteDoc(ref));
      }
    });
  }

  it('an unauthenticated caller can neither read nor write them', async () => {
    const db = anonymous();
    for (const name of COLLECTIONS) {
      await assertFails(getDoc(doc(db, name, 'subject-ref-1')));
      await assertFails(setDoc(doc(db, name, 'new'), { tenantId: 'tenant-a' }));
    }
  });
});
