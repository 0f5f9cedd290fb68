import { assertFails, assertSucceeds, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  query,
  setDoc,
  updateDoc,
  where,
  type Firestore,
} from 'firebase/firestore';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { rulesEnvironment, type Claims } from '../support/rules-env';

// The access matrix of the contract: two tenants, every role (plus platform admin, a user with no
// claims and an anonymous caller), every operation, every audit collection.

const TENANTS = ['tenant-a', 'tenant-b'] as const;
const READ_ROLES = new Set(['admin', 'auditor', 'reviewer', 'compliance']);

interface Caller {
  name: string;
  uid?: string;
  claims?: Claims;
}

const CALLERS: Caller[] = [
  ...TENANTS.flatMap((tenantId) =>
    (['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const).map((role) => ({
      name: `${role} of ${tenantId}`,
      uid: `${role}-${tenantId}`,
      claims: { tenantId, role },
    })),
  ),
  { name: 'platform admin', uid: 'platform-admin', claims: { platformAdmin: true } },
  { name: 'user without claims', uid: 'no-claims', claims: {} },
  { name: 'unauthenticated caller' },
];

/** Collections holding one document per tenant, keyed by `tenantId`, and who may read them. */
interface TenantScoped {
  collection: string;
  canRead: (caller: Caller, tenantId: string) => boolean;
}

const sameTenant = (c: Caller, t: string) => c.claims?.tenantId === t;
const isPlatformAdmin = (c: Caller) => c.claims?.platformAdmin === true;
const readsAudit = (c: Caller, t: string) =>
  isPlatformAdmin(c) || (sameTenant(c, t) && READ_ROLES.has(c.claims?.role ?? ''));
const isTenantAdmin = (c: Caller, t: string) => sameTenant(c, t) && c.claims?.role === 'admin';

const TENANT_SCOPED: TenantScoped[] = [
  { collection: 'audit_logs', canRead: readsAudit },
  // The review state of flagged entries: read like the entries, never written by a client.
  { collection: 'audit_reviews', canRead: readsAudit },
  { collection: 'audit_archives', canRead: readsAudit },
  { collection: 'audit_checkpoints', canRead: readsAudit },
  { collection: 'audit_dead_letters', canRead: (c, t) => isPlatformAdmin(c) || isTenantAdmin(c, t) },
  // The gap detector's per-stream state, shown on the Operations page.
  { collection: 'audit_streams', canRead: (c, t) => isPlatformAdmin(c) || isTenantAdmin(c, t) },
];

let env: RulesTestEnvironment;

function firestoreOf(caller: Caller): Firestore {
  const ctx = caller.uid ? env.authenticatedContext(caller.uid, { ...caller.claims }) : env.unauthenticatedContext();
  return ctx.firestore() as unknown as Firestore;
}

beforeAll(async () => {
  env = await rulesEnvironment();
});

afterAll(async () => {
  await env.cleanup();
});

beforeEach(async () => {
  await env.clearFirestore();
  await env.withSecurityRulesDisabled(async (ctx) => {
    const db = ctx.firestore() as unknown as Firestore;
    for (const tenantId of TENANTS) {
      for (const { collection: name } of TENANT_SCOPED) {
        await setDoc(doc(db, name, `${tenantId}-doc`), { tenantId, level: 'INFO', status: 'pending' });
      }
      await setDoc(doc(db, 'tenants', tenantId), { name: tenantId, retentionDays: 90 });
      await setDoc(doc(db, 'tenants', tenantId, 'members', `admin-${tenantId}`), { role: 'admin' });
      await setDoc(doc(db, 'tenants', tenantId, 'members', `member-${tenantId}`), { role: 'member' });
      await setDoc(doc(db, 'notifications', `${tenantId}-note`), { tenantId, recipientUid: `admin-${tenantId}` });
    }
    await setDoc(doc(db, 'audit_dead_letters', 'no-tenant'), { reason: 'invalid_json' });
    await setDoc(doc(db, 'audit_dead_letter_payloads', 'tenant-a-doc'), { rawPayload: '{"password":"p"}' });
    await setDoc(doc(db, 'audit_outbox', 'pending'), {
      tenantId: 'tenant-a',
      actor: { type: 'user', id: 'admin-tenant-a' },
    });
  });
});

describe.each(CALLERS)('$name', (caller) => {
  describe.each(TENANT_SCOPED)('$collection', ({ collection: name, canRead }) => {
    it.each(TENANTS)('get, list, create, update and delete of %s', async (tenantId) => {
      const db = firestoreOf(caller);
      const ref = doc(db, name, `${tenantId}-doc`);
      const listing = query(collection(db, name), where('tenantId', '==', tenantId));
      const allowed = canRead(caller, tenantId);
      await (allowed ? assertSucceeds(getDoc(ref)) : assertFails(getDoc(ref)));
      await (allowed ? assertSucceeds(getDocs(listing)) : assertFails(getDocs(listing)));
      await assertFails(setDoc(doc(db, name, `${tenantId}-new`), { tenantId }));
      await assertFails(updateDoc(ref, { level: 'CRITICAL', reviewStatus: 'approved' }));
      await assertFails(updateDoc(ref, { status: 'approved' }));
      await assertFails(setDoc(ref, { tenantId, status: 'approved' }));
      await assertFails(deleteDoc(ref));
    });

    it('cannot list without the tenant condition (rules are not filters)', async () => {
      const db = firestoreOf(caller);
      const unscoped = collection(db, name);
      await (isPlatformAdmin(caller) ? assertSucceeds(getDocs(unscoped)) : assertFails(getDocs(unscoped)));
    });
  });

  it('tenant settings and members: only own-tenant admins (and the member for their own record) read; nobody writes', async () => {
    const db = firestoreOf(caller);
    for (const tenantId of TENANTS) {
      const admin = isPlatformAdmin(caller) || isTenantAdmin(caller, tenantId);
      const settings = doc(db, 'tenants', tenantId);
      await (admin ? assertSucceeds(getDoc(settings)) : assertFails(getDoc(settings)));
      await assertFails(setDoc(settings, { retentionDays: 1 }));
      await assertFails(updateDoc(settings, { retentionDays: 1 }));
      await assertFails(deleteDoc(settings));
      const members = collection(db, 'tenants', tenantId, 'members');
      await (admin ? assertSucceeds(getDocs(members)) : assertFails(getDocs(members)));
      if (caller.uid) {
        const own = doc(db, 'tenants', tenantId, 'members', caller.uid);
        await (admin || sameTenant(caller, tenantId) ? assertSucceeds(getDoc(own)) : assertFails(getDoc(own)));
        await assertFails(setDoc(own, { role: 'admin' }));
      }
    }
  });

  it('notifications: only the recipient reads; nobody writes', async () => {
    const db = firestoreOf(caller);
    for (const tenantId of TENANTS) {
      const ref = doc(db, 'notifications', `${tenantId}-note`);
      const recipient = caller.uid === `admin-${tenantId}` && sameTenant(caller, tenantId);
      await (recipient ? assertSucceeds(getDoc(ref)) : assertFails(getDoc(ref)));
      await assertFails(updateDoc(ref, { read: true }));
      await assertFails(deleteDoc(ref));
    }
  });

  it('outbox: never read, updated or deleted from a client', async () => {
    const db = firestoreOf(caller);
    const ref = doc(db, 'audit_outbox', 'pending');
    await assertFails(getDoc(ref));
    await assertFails(getDocs(query(collection(db, 'audit_outbox'), where('tenantId', '==', 'tenant-a'))));
    await assertFails(updateDoc(ref, { tenantId: 'tenant-b' }));
    await assertFails(deleteDoc(ref));
  });

  it('dead letters without a tenant: platform admins only', async () => {
    const db = firestoreOf(caller);
    const ref = doc(db, 'audit_dead_letters', 'no-tenant');
    await (isPlatformAdmin(caller) ? assertSucceeds(getDoc(ref)) : assertFails(getDoc(ref)));
  });

  it('unredacted dead-letter payloads: never read or written from a client, not even by platform admins', async () => {
    const db = firestoreOf(caller);
    const ref = doc(db, 'audit_dead_letter_payloads', 'tenant-a-doc');
    await assertFails(getDoc(ref));
    await assertFails(getDocs(collection(db, 'audit_dead_letter_payloads')));
    await assertFails(setDoc(doc(db, 'audit_dead_letter_payloads', 'new'), { rawPayload: 'x' }));
    await assertFails(deleteDoc(ref));
  });

  it('anything outside the contract is closed', async () => {
    const db = firestoreOf(caller);
    await assertFails(getDoc(doc(db, 'unknown_collection', 'x')));
    await assertFails(setDoc(doc(db, 'unknown_collection', 'x'), { a: 1 }));
  });
});
