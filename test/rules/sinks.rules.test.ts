import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { seededRulesSuite } from '../support/rules-env';

// Streams to external sinks: a tenant's admins read its streams' configuration and health; no
// other role, no other tenant and no platform admin reads them; nobody writes them; the signing
// keys are read by no client at all, the stream's own admin included.

const ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;

const { as, anonymous } = seededRulesSuite(async (db) => {
  for (const tenantId of ['tenant-a', 'tenant-b']) {
    await setDoc(doc(db, 'audit_sinks', `sink-${tenantId}`), {
      tenantId,
      name: 'SIEM',
      url: 'https://siem.example.com/in',
      status: 'active',
      health: { deliveredCount: 3 },
    });
    await setDoc(doc(db, 'audit_sink_secrets', `sink-${tenantId}`), { tenantId, secret: 'whsec_x' });
  }
});

describe('audit_sinks and audit_sink_secrets', () => {
  for (const role of ROLES) {
    it(`${role}: reads its own tenant's streams only as an admin, never another tenant's`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      const mine = query(collection(db, 'audit_sinks'), where('tenantId', '==', 'tenant-a'));
      if (role === 'admin') {
        await assertSucceeds(getDocs(mine));
        await assertSucceeds(getDoc(doc(db, 'audit_sinks', 'sink-tenant-a')));
      } else {
        await assertFails(getDocs(mine));
        await assertFails(getDoc(doc(db, 'audit_sinks', 'sink-tenant-a')));
      }
      await assertFails(getDoc(doc(db, 'audit_sinks', 'sink-tenant-b')));
      await assertFails(getDocs(query(collection(db, 'audit_sinks'), where('tenantId', '==', 'tenant-b'))));
      await assertFails(getDocs(collection(db, 'audit_sinks')));
    });

    it(`${role}: never reads a signing key, and never writes a stream or a key`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      await assertFails(getDoc(doc(db, 'audit_sink_secrets', 'sink-tenant-a')));
      await assertFails(getDocs(query(collection(db, 'audit_sink_secrets'), where('tenantId', '==', 'tenant-a'))));
      await assertFails(
        setDoc(doc(db, 'audit_sinks', 'forged'), { tenantId: 'tenant-a', url: 'https://evil.example' }),
      );
      await assertFails(updateDoc(doc(db, 'audit_sinks', 'sink-tenant-a'), { url: 'https://evil.example' }));
      await assertFails(updateDoc(doc(db, 'audit_sinks', 'sink-tenant-a'), { 'health.deliveredCount': 0 }));
      await assertFails(deleteDoc(doc(db, 'audit_sinks', 'sink-tenant-a')));
      await assertFails(setDoc(doc(db, 'audit_sink_secrets', 'sink-tenant-a'), { secret: 'whsec_mine' }));
      await assertFails(deleteDoc(doc(db, 'audit_sink_secrets', 'sink-tenant-a')));
    });
  }

  it('platform admin: reads no stream and no key, writes nothing', async () => {
    const db = as('platform', { platformAdmin: true });
    await assertFails(getDoc(doc(db, 'audit_sinks', 'sink-tenant-a')));
    await assertFails(getDocs(query(collection(db, 'audit_sinks'), where('tenantId', '==', 'tenant-a'))));
    await assertFails(getDoc(doc(db, 'audit_sink_secrets', 'sink-tenant-a')));
    await assertFails(updateDoc(doc(db, 'audit_sinks', 'sink-tenant-a'), { status: 'paused' }));
  });

  it('signed out: reads and writes nothing', async () => {
    const db = anonymous();
    await assertFails(getDoc(doc(db, 'audit_sinks', 'sink-tenant-a')));
    await assertFails(getDoc(doc(db, 'audit_sink_secrets', 'sink-tenant-a')));
    await assertFails(setDoc(doc(db, 'audit_sinks', 'x'), { tenantId: 'tenant-a' }));
  });
});
