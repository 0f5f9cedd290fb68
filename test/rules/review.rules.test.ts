import { assertFails, assertSucceeds, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import {
  Timestamp,
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
  type Firestore,
} from 'firebase/firestore';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rulesEnvironment, type Claims } from '../support/rules-env';

// Rules of the review workflow and alerts: the tenant's audit readers read the review queue
// (audit_reviews), reviewers and admins its investigations, recipients their notifications, and
// no client (admins included) ever writes an entry, a review doc, investigations, notifications,
// mail, webhook deliveries or the signing secret.

const TENANTS = ['tenant-a', 'tenant-b'] as const;
const ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;
const LOG_ID = (tenantId: string) => `${tenantId}-flagged`;

interface Caller {
  name: string;
  uid?: string;
  claims?: Claims;
}

const CALLERS: Caller[] = [
  ...TENANTS.flatMap((tenantId) =>
    ROLES.map((role) => ({ name: `${role} of ${tenantId}`, uid: `${role}-${tenantId}`, claims: { tenantId, role } })),
  ),
  { name: 'platform admin', uid: 'platform-admin', claims: { platformAdmin: true } },
  { name: 'user without claims', uid: 'no-claims', claims: {} },
  { name: 'unauthenticated caller' },
];

const sameTenant = (c: Caller, t: string) => c.claims?.tenantId === t;
const platform = (c: Caller) => c.claims?.platformAdmin === true;
const reviewsTenant = (c: Caller, t: string) =>
  platform(c) || (sameTenant(c, t) && (c.claims?.role === 'admin' || c.claims?.role === 'reviewer'));
const readsAudit = (c: Caller, t: string) =>
  platform(c) || (sameTenant(c, t) && ['admin', 'auditor', 'reviewer', 'compliance'].includes(c.claims?.role ?? ''));
const adminOf = (c: Caller, t: string) => platform(c) || (sameTenant(c, t) && c.claims?.role === 'admin');

let env: RulesTestEnvironment;

function dbOf(caller: Caller): Firestore {
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
      const occurredAt = Timestamp.fromDate(new Date('2026-03-01T12:00:00Z'));
      const copied = {
        tenantId,
        eventType: 'security.anomaly.repeated_denials',
        level: 'CRITICAL',
        category: 'SECURITY',
      };
      await setDoc(doc(db, 'audit_logs', LOG_ID(tenantId)), { ...copied, requiresReview: true, occurredAt });
      await setDoc(doc(db, 'audit_reviews', LOG_ID(tenantId)), {
        ...copied,
        logId: LOG_ID(tenantId),
        occurredAt,
        status: 'pending',
        version: 0,
        decisions: [],
        dueAt: Timestamp.fromDate(new Date('2026-03-02T12:00:00Z')),
      });
      await setDoc(doc(db, 'tenants', tenantId, 'investigations', LOG_ID(tenantId)), {
        tenantId,
        logId: LOG_ID(tenantId),
        status: 'open',
        openedAt: Timestamp.now(),
      });
      await setDoc(doc(db, 'tenants', tenantId, 'webhook_deliveries', 'd1'), { tenantId, status: 'delivered' });
      await setDoc(doc(db, 'tenants', tenantId, 'secrets', 'webhook'), { secret: 'whsec_x' });
      await setDoc(doc(db, 'notifications', `${tenantId}-review`), {
        tenantId,
        recipientUid: `reviewer-${tenantId}`,
        read: false,
        createdAt: Timestamp.now(),
      });
      await setDoc(doc(db, 'mail', `${tenantId}-mail`), { to: 'a@example.com', message: { subject: 's' }, tenantId });
    }
  });
});

function queue(db: Firestore, tenantId: string) {
  return query(
    collection(db, 'audit_reviews'),
    where('tenantId', '==', tenantId),
    where('status', 'in', ['pending', 'investigating', 'escalated']),
    orderBy('occurredAt', 'desc'),
  );
}

describe.each(CALLERS)('$name', (caller) => {
  it.each(TENANTS)('reads the review queue of %s only with audit access to it', async (tenantId) => {
    const db = dbOf(caller);
    const allowed = readsAudit(caller, tenantId);
    await (allowed ? assertSucceeds(getDocs(queue(db, tenantId))) : assertFails(getDocs(queue(db, tenantId))));
    if (reviewsTenant(caller, tenantId)) {
      const snap = await getDocs(queue(db, tenantId));
      expect(snap.docs.map((d) => d.id)).toEqual([LOG_ID(tenantId)]);
    }
  });

  it.each(TENANTS)('reads investigations of %s only as its reviewer or admin', async (tenantId) => {
    const db = dbOf(caller);
    const ref = doc(db, 'tenants', tenantId, 'investigations', LOG_ID(tenantId));
    const open = query(collection(db, 'tenants', tenantId, 'investigations'), where('status', '==', 'open'));
    const allowed = reviewsTenant(caller, tenantId);
    await (allowed ? assertSucceeds(getDoc(ref)) : assertFails(getDoc(ref)));
    await (allowed ? assertSucceeds(getDocs(open)) : assertFails(getDocs(open)));
  });

  it.each(TENANTS)('reads the review doc of an entry of %s exactly when it reads the entry', async (tenantId) => {
    const db = dbOf(caller);
    const review = getDoc(doc(db, 'audit_reviews', LOG_ID(tenantId)));
    await (readsAudit(caller, tenantId) ? assertSucceeds(review) : assertFails(review));
    // Rules are not filters: a listing without the tenant condition is refused (platform admins
    // read every tenant).
    const unscoped = getDocs(query(collection(db, 'audit_reviews'), where('status', '==', 'pending')));
    await (platform(caller) ? assertSucceeds(unscoped) : assertFails(unscoped));
  });

  it.each(TENANTS)('never updates or deletes an entry of %s, nor writes its review doc', async (tenantId) => {
    const db = dbOf(caller);
    const ref = doc(db, 'audit_logs', LOG_ID(tenantId));
    await assertFails(updateDoc(ref, { reviewStatus: 'approved' }));
    await assertFails(updateDoc(ref, { 'review.assignee': { uid: caller.uid ?? 'x' } }));
    await assertFails(updateDoc(ref, { level: 'INFO' }));
    await assertFails(setDoc(ref, { reviewStatus: 'approved' }, { merge: true }));
    await assertFails(setDoc(ref, { tenantId, level: 'INFO' }));
    await assertFails(deleteDoc(ref));
    const review = doc(db, 'audit_reviews', LOG_ID(tenantId));
    await assertFails(updateDoc(review, { status: 'approved' }));
    await assertFails(updateDoc(review, { assignee: { uid: caller.uid ?? 'x' } }));
    await assertFails(updateDoc(review, { awaitingConfirmation: { by: { uid: 'someone-else' } } }));
    await assertFails(setDoc(review, { status: 'approved' }, { merge: true }));
    await assertFails(deleteDoc(review));
    await assertFails(setDoc(doc(db, 'audit_reviews', `${tenantId}-forged`), { tenantId, status: 'approved' }));
  });

  it.each(TENANTS)('never writes investigations, notifications, mail or deliveries of %s', async (tenantId) => {
    const db = dbOf(caller);
    await assertFails(setDoc(doc(db, 'tenants', tenantId, 'investigations', 'new'), { tenantId, status: 'open' }));
    await assertFails(
      updateDoc(doc(db, 'tenants', tenantId, 'investigations', LOG_ID(tenantId)), { status: 'closed' }),
    );
    await assertFails(updateDoc(doc(db, 'notifications', `${tenantId}-review`), { read: true }));
    await assertFails(
      setDoc(doc(db, 'notifications', `${tenantId}-forged`), {
        tenantId,
        recipientUid: caller.uid ?? 'x',
        read: false,
      }),
    );
    await assertFails(
      setDoc(doc(db, 'mail', `${tenantId}-forged`), { to: 'x@example.com', message: { subject: 'hi' } }),
    );
    await assertFails(updateDoc(doc(db, 'tenants', tenantId, 'webhook_deliveries', 'd1'), { status: 'failed' }));
    await assertFails(setDoc(doc(db, 'tenants', tenantId, 'secrets', 'webhook'), { secret: 'mine' }));
  });

  it.each(TENANTS)('reads webhook deliveries of %s only as its admin; never mail or the secret', async (tenantId) => {
    const db = dbOf(caller);
    const delivery = doc(db, 'tenants', tenantId, 'webhook_deliveries', 'd1');
    await (adminOf(caller, tenantId) ? assertSucceeds(getDoc(delivery)) : assertFails(getDoc(delivery)));
    await assertFails(getDoc(doc(db, 'tenants', tenantId, 'secrets', 'webhook')));
    await assertFails(getDoc(doc(db, 'mail', `${tenantId}-mail`)));
    await assertFails(getDocs(query(collection(db, 'mail'), where('tenantId', '==', tenantId))));
  });

  it.each(TENANTS)('reads the review notifications of %s only as their recipient', async (tenantId) => {
    const db = dbOf(caller);
    const recipient = caller.uid === `reviewer-${tenantId}` && sameTenant(caller, tenantId);
    const ref = doc(db, 'notifications', `${tenantId}-review`);
    await (recipient ? assertSucceeds(getDoc(ref)) : assertFails(getDoc(ref)));
    const mine = query(
      collection(db, 'notifications'),
      where('tenantId', '==', tenantId),
      where('recipientUid', '==', caller.uid ?? 'nobody'),
      where('read', '==', false),
    );
    await (sameTenant(caller, tenantId) ? assertSucceeds(getDocs(mine)) : assertFails(getDocs(mine)));
  });
});

describe('audit.* events are the system’s own', () => {
  it('a tenant user cannot forge a review decision through the outbox, even as themselves', async () => {
    const db = dbOf({ name: 'reviewer', uid: 'reviewer-tenant-a', claims: { tenantId: 'tenant-a', role: 'reviewer' } });
    const envelope = {
      specVersion: '1.0',
      eventId: 'forged-1',
      tenantId: 'tenant-a',
      occurredAt: '2026-03-01T12:00:00Z',
      source: 'audit-review',
      actor: { type: 'user', id: 'reviewer-tenant-a' },
      resource: { type: 'audit_entry', id: LOG_ID('tenant-a') },
    };
    await assertFails(setDoc(doc(db, 'audit_outbox', 'o1'), { ...envelope, eventType: 'audit.review.approved' }));
    // The review module's source is the system's too, whatever the event type.
    await assertFails(setDoc(doc(db, 'audit_outbox', 'o2'), { ...envelope, eventType: 'repo.settings_updated' }));
    await assertSucceeds(
      setDoc(doc(db, 'audit_outbox', 'o3'), {
        ...envelope,
        source: 'repo-service',
        eventType: 'repo.settings_updated',
      }),
    );
  });
});
