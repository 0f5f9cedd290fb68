import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  orderBy,
  query,
  setDoc,
  updateDoc,
  where,
} from 'firebase/firestore';
import { describe, expect, it } from 'vitest';
import { seededRulesSuite } from '../support/rules-env';

// Daily rollups are tenant data: read by the tenant's audit readers (as its entries are), by
// platform admins, by nobody else; never written by a client.

const ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;
const READERS = new Set(['admin', 'auditor', 'reviewer', 'compliance']);

const { as, anonymous } = seededRulesSuite(async (db) => {
  for (const tenantId of ['tenant-a', 'tenant-b']) {
    for (const date of ['2026-03-01', '2026-03-02']) {
      await setDoc(doc(db, 'audit_rollups', `${tenantId}~${date}`), { tenantId, date, entries: 3, final: true });
    }
  }
});

describe('audit_rollups', () => {
  for (const role of ROLES) {
    it(`${role}: reads its own tenant's days only when its role reads audit data`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      const period = query(
        collection(db, 'audit_rollups'),
        where('tenantId', '==', 'tenant-a'),
        where('date', '>=', '2026-03-01'),
        where('date', '<=', '2026-03-31'),
        orderBy('date'),
      );
      if (READERS.has(role)) {
        const snap = await assertSucceeds(getDocs(period));
        expect(snap.docs.map((d) => d.id)).toEqual(['tenant-a~2026-03-01', 'tenant-a~2026-03-02']);
        await assertSucceeds(getDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-01')));
      } else {
        await assertFails(getDocs(period));
        await assertFails(getDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-01')));
      }
      await assertFails(getDoc(doc(db, 'audit_rollups', 'tenant-b~2026-03-01')));
      await assertFails(getDocs(query(collection(db, 'audit_rollups'), where('tenantId', '==', 'tenant-b'))));
      await assertFails(getDocs(collection(db, 'audit_rollups')));
    });

    it(`${role}: never creates, changes or deletes a rollup`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      await assertFails(setDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-03'), { tenantId: 'tenant-a' }));
      await assertFails(updateDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-01'), { entries: 0 }));
      await assertFails(deleteDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-01')));
    });
  }

  it('platform admin: reads every tenant, writes nothing', async () => {
    const db = as('platform', { platformAdmin: true });
    await assertSucceeds(getDocs(query(collection(db, 'audit_rollups'), where('tenantId', '==', 'tenant-b'))));
    await assertSucceeds(getDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-02')));
    await assertFails(setDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-09'), { tenantId: 'tenant-a' }));
  });

  it('a signed-out visitor reads nothing', async () => {
    const db = anonymous();
    await assertFails(getDoc(doc(db, 'audit_rollups', 'tenant-a~2026-03-01')));
  });
});
