import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, query, setDoc, updateDoc, where } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { seededRulesSuite } from '../support/rules-env';

// Export jobs and report records: readable by the roles that may create them, in their own tenant
// only; never written by a client. Download links are server-only.

const ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;
const EXPORTERS = new Set(['admin', 'auditor', 'compliance']);
const REPORTERS = new Set(['admin', 'compliance']);

const { as, anonymous } = seededRulesSuite(async (db) => {
  for (const tenantId of ['tenant-a', 'tenant-b']) {
    await setDoc(doc(db, 'audit_exports', `export-${tenantId}`), { tenantId, state: 'succeeded' });
    await setDoc(doc(db, 'audit_reports', `report-${tenantId}`), { tenantId, state: 'succeeded' });
  }
  await setDoc(doc(db, 'audit_download_links', 'hash'), { tenantId: 'tenant-a', jobId: 'export-tenant-a' });
});

describe('audit_exports and audit_reports', () => {
  for (const role of ROLES) {
    it(`${role}: reads exports and reports of its own tenant only as its role allows`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      const exports = query(collection(db, 'audit_exports'), where('tenantId', '==', 'tenant-a'));
      const reports = query(collection(db, 'audit_reports'), where('tenantId', '==', 'tenant-a'));
      if (EXPORTERS.has(role)) {
        await assertSucceeds(getDocs(exports));
        await assertSucceeds(getDoc(doc(db, 'audit_exports', 'export-tenant-a')));
      } else {
        await assertFails(getDocs(exports));
      }
      if (REPORTERS.has(role)) await assertSucceeds(getDocs(reports));
      else await assertFails(getDocs(reports));
      // Never another tenant's, never without the tenant condition.
      await assertFails(getDoc(doc(db, 'audit_exports', 'export-tenant-b')));
      await assertFails(getDoc(doc(db, 'audit_reports', 'report-tenant-b')));
      await assertFails(getDocs(collection(db, 'audit_exports')));
    });

    it(`${role}: never creates, changes or deletes a job, and never reads a download link`, async () => {
      const db = as(`${role}-a`, { tenantId: 'tenant-a', role });
      await assertFails(setDoc(doc(db, 'audit_exports', 'new'), { tenantId: 'tenant-a', state: 'queued' }));
      await assertFails(updateDoc(doc(db, 'audit_exports', 'export-tenant-a'), { state: 'canceled' }));
      await assertFails(deleteDoc(doc(db, 'audit_exports', 'export-tenant-a')));
      await assertFails(setDoc(doc(db, 'audit_reports', 'new'), { tenantId: 'tenant-a', state: 'queued' }));
      await assertFails(updateDoc(doc(db, 'audit_reports', 'report-tenant-a'), { sha256: 'forged' }));
      await assertFails(getDoc(doc(db, 'audit_download_links', 'hash')));
      await assertFails(setDoc(doc(db, 'audit_exports', 'export-tenant-a', 'slices', '1'), {}));
    });
  }

  it('refuses unauthenticated callers', async () => {
    const db = anonymous();
    await assertFails(getDoc(doc(db, 'audit_exports', 'export-tenant-a')));
    await assertFails(getDoc(doc(db, 'audit_reports', 'report-tenant-a')));
  });
});
