import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { seededRulesSuite } from '../support/rules-env';

// The checkpoint chain, its public keys and the verification runs: checkpoints and runs are read
// by the tenant's audit readers only; the public keys by every signed-in audit reader; nothing
// is ever written by a client (the Admin SDK writes them all).

const ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;
const READERS = new Set(['admin', 'auditor', 'reviewer', 'compliance']);
const TENANT_COLLECTIONS = ['audit_checkpoints', 'audit_integrity_runs'] as const;

const { as, anonymous } = seededRulesSuite(async (db) => {
  for (const tenantId of ['tenant-a', 'tenant-b']) {
    await setDoc(doc(db, 'audit_checkpoints', `${tenantId}~0000000001`), { tenantId, seq: 1, count: 3 });
    await setDoc(doc(db, 'audit_integrity_runs', `run-${tenantId}`), { tenantId, ok: true, startedAt: 'x' });
  }
  await setDoc(doc(db, 'audit_checkpoint_keys', 'ed25519:0123456789abcdef'), {
    keyId: 'ed25519:0123456789abcdef',
    algorithm: 'Ed25519',
    publicKey: 'AAAA',
  });
});

describe('audit_checkpoints and audit_integrity_runs', () => {
  for (const role of ROLES) {
    it(`${role}: reads its own tenant's only when its role reads audit data`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      const own = { audit_checkpoints: 'tenant-a~0000000001', audit_integrity_runs: 'run-tenant-a' };
      const other = { audit_checkpoints: 'tenant-b~0000000001', audit_integrity_runs: 'run-tenant-b' };
      for (const name of TENANT_COLLECTIONS) {
        const mine = query(collection(db, name), where('tenantId', '==', 'tenant-a'));
        if (READERS.has(role)) {
          await assertSucceeds(getDocs(mine));
          await assertSucceeds(getDoc(doc(db, name, own[name])));
        } else {
          await assertFails(getDocs(mine));
          await assertFails(getDoc(doc(db, name, own[name])));
        }
        await assertFails(getDoc(doc(db, name, other[name])));
        await assertFails(getDocs(query(collection(db, name), where('tenantId', '==', 'tenant-b'))));
        await assertFails(getDocs(collection(db, name)));
      }
    });

    it(`${role}: never creates, changes or deletes a checkpoint, a key or a run`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      for (const name of TENANT_COLLECTIONS) {
        await assertFails(setDoc(doc(db, name, 'forged'), { tenantId: 'tenant-a' }));
      }
      await assertFails(updateDoc(doc(db, 'audit_checkpoints', 'tenant-a~0000000001'), { count: 4 }));
      await assertFails(deleteDoc(doc(db, 'audit_checkpoints', 'tenant-a~0000000001')));
      await assertFails(updateDoc(doc(db, 'audit_integrity_runs', 'run-tenant-a'), { ok: false }));
      await assertFails(deleteDoc(doc(db, 'audit_integrity_runs', 'run-tenant-a')));
      await assertFails(setDoc(doc(db, 'audit_checkpoint_keys', 'ed25519:forged'), { publicKey: 'BBBB' }));
      await assertFails(updateDoc(doc(db, 'audit_checkpoint_keys', 'ed25519:0123456789abcdef'), { publicKey: 'BBBB' }));
      await assertFails(deleteDoc(doc(db, 'audit_checkpoint_keys', 'ed25519:0123456789abcdef')));
    });
  }

  it('platform admin: reads every tenant, writes nothing', async () => {
    const db = as('platform', { platformAdmin: true });
    for (const name of TENANT_COLLECTIONS) {
      await assertSucceeds(getDocs(query(collection(db, name), where('tenantId', '==', 'tenant-b'))));
      await assertFails(setDoc(doc(db, name, 'forged'), { tenantId: 'tenant-b' }));
    }
    await assertSucceeds(getDocs(collection(db, 'audit_checkpoint_keys')));
    await assertFails(setDoc(doc(db, 'audit_checkpoint_keys', 'ed25519:forged'), { publicKey: 'BBBB' }));
  });
});

describe('audit_checkpoint_keys', () => {
  for (const role of ROLES) {
    it(`${role}: reads the public keys when it reads audit data of some tenant`, async () => {
      const db = as(`${role}-b`, { tenantId: 'tenant-b', role });
      if (READERS.has(role)) {
        await assertSucceeds(getDocs(collection(db, 'audit_checkpoint_keys')));
        await assertSucceeds(getDoc(doc(db, 'audit_checkpoint_keys', 'ed25519:0123456789abcdef')));
      } else {
        await assertFails(getDocs(collection(db, 'audit_checkpoint_keys')));
      }
    });
  }

  it('anonymous callers and users without a tenant read nothing', async () => {
    await assertFails(getDocs(collection(anonymous(), 'audit_checkpoint_keys')));
    await assertFails(getDocs(collection(as('nobody', { role: 'admin' }), 'audit_checkpoint_keys')));
    await assertFails(getDocs(collection(as('member-x', { tenantId: 'tenant-a' }), 'audit_checkpoint_keys')));
  });
});
