import { getAuth } from 'firebase-admin/auth';
import { deleteApp as deleteClientApp, initializeApp as initializeClientApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth as getClientAuth, signInWithEmailAndPassword } from 'firebase/auth';
import {
  connectFirestoreEmulator,
  doc,
  getFirestore as getClientFirestore,
  setDoc,
  terminate,
} from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { revealEntries } from '../../functions/src/privacy/data-keys';
import { adminApp, adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, testEnvelope, waitForDoc } from '../support/ingest-paths';

// What a tenant member can do with the outbox from a signed-in client: no security-relevant
// families, a bounded number of events per user (the excess dead-lettered, never dropped), and
// actor details nobody verified are marked as asserted on the stored entry.

const db = () => adminDb();
const BOUND = 5;
let tenant: string;
const apps: FirebaseApp[] = [];

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  tenant = uniqueTenant('outbox-abuse');
  // A day-long window: a burst of a few seconds stays inside one window.
  await createTenant(db(), tenant, { outbox: { userRateLimit: { events: BOUND, windowSeconds: 86_400 } } });
});

afterAll(async () => {
  for (const app of apps) {
    await terminate(getClientFirestore(app));
    await deleteClientApp(app);
  }
  await closeAdminApp();
});

/** A member of the tenant signed in with the client SDK; returns its Firestore and uid. */
async function memberClient(label: string) {
  const email = `${label}-${tenant}@example.test`;
  const user = await getAuth(adminApp()).createUser({ email, password: 'secret-pass-1' });
  await getAuth(adminApp()).setCustomUserClaims(user.uid, { tenantId: tenant, role: 'member' });
  const app = initializeClientApp({ projectId: 'demo-auditlog', apiKey: 'fake-api-key' }, `${label}-${tenant}`);
  apps.push(app);
  const auth = getClientAuth(app);
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
  const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(':');
  connectFirestoreEmulator(getClientFirestore(app), host!, Number(port));
  await signInWithEmailAndPassword(auth, email, 'secret-pass-1');
  return { firestore: getClientFirestore(app), uid: user.uid };
}

function logRef(envelope: Record<string, unknown>) {
  return db()
    .collection('audit_logs')
    .doc(logIdFor(String(envelope.tenantId), String(envelope.source), String(envelope.eventId)));
}

async function failedOutbox(id: string) {
  const ref = db().collection('audit_outbox').doc(id);
  const snap = await waitFor(
    () => ref.get(),
    (s) => s.get('status') === 'failed',
    { what: `outbox ${id} failed` },
  );
  return snap.data()!;
}

describe('outbox abuse by a tenant member', () => {
  it('refuses a member’s CRITICAL SECURITY event at the rules', async () => {
    const { firestore, uid } = await memberClient('minter');
    const security = testEnvelope(tenant, {
      eventType: 'security.secret.leaked',
      source: 'web-client',
      actor: { type: 'user', id: uid },
    });
    await expect(setDoc(doc(firestore, 'audit_outbox', `mint-${uid}`), security)).rejects.toThrow(
      /PERMISSION_DENIED|permission/i,
    );
  });

  it('narrows the outbox to a tenant’s allowed families for every writer', async () => {
    // A tenant of its own: the trigger caches tenant settings for a while.
    const narrowed = uniqueTenant('outbox-narrow');
    await createTenant(db(), narrowed, { outbox: { allowedFamilies: ['repo'] } });
    const issue = testEnvelope(narrowed, { eventType: 'issue.created', resource: { type: 'issue', id: 'i-1' } });
    const id = `narrowed-${String(issue.eventId)}`;
    await db().collection('audit_outbox').doc(id).set(issue);
    const failed = await failedOutbox(id);
    expect(failed.failure).toMatchObject({ reason: 'family_not_allowed' });
    const dead = await waitForDoc(db().collection('audit_dead_letters').doc(`outbox-${id}`), 'dead letter');
    expect(dead).toMatchObject({ reason: 'family_not_allowed', tenantId: narrowed });
    expect((await logRef(issue).get()).exists).toBe(false);
  });

  it('stores the per-user bound’s worth of a burst and dead-letters the excess as rate_limited', async () => {
    const { firestore, uid } = await memberClient('burst');
    const burst = Array.from({ length: BOUND + 3 }, () =>
      testEnvelope(tenant, { source: 'web-client', actor: { type: 'user', id: uid } }),
    );
    await Promise.all(burst.map((e) => setDoc(doc(firestore, 'audit_outbox', `burst-${String(e.eventId)}`), e)));

    const outcomes = await waitFor(
      () =>
        Promise.all(
          burst.map(async (e) => {
            if ((await logRef(e).get()).exists) return 'stored';
            const outbox = await db()
              .collection('audit_outbox')
              .doc(`burst-${String(e.eventId)}`)
              .get();
            return outbox.get('status') === 'failed' ? String(outbox.get('failure.reason')) : 'pending';
          }),
        ),
      (all) => !all.includes('pending'),
      { what: 'every burst event stored or dead-lettered', timeoutMs: 60_000 },
    );
    expect(outcomes.filter((o) => o === 'stored')).toHaveLength(BOUND);
    expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(3);
    const limited = burst.filter((_, i) => outcomes[i] === 'rate_limited');
    for (const e of limited) {
      const dead = await waitForDoc(
        db()
          .collection('audit_dead_letters')
          .doc(`outbox-burst-${String(e.eventId)}`),
        'rate-limited dead letter',
      );
      expect(dead).toMatchObject({ reason: 'rate_limited', tenantId: tenant });
    }
  });

  it('marks actor details the client asserted, whatever the client says about them', async () => {
    const { firestore, uid } = await memberClient('asserter');
    const envelope = testEnvelope(tenant, {
      source: 'web-client',
      actor: { type: 'user', id: uid, name: 'Chief Executive', ip: '10.0.0.1', roles: ['owner'], userAgent: 'curl/8' },
      metadata: { asserted: [], ticket: 'T-1' },
    });
    await setDoc(doc(firestore, 'audit_outbox', `asserted-${uid}`), envelope);
    const stored = await waitForDoc(logRef(envelope), 'asserted entry');
    // The tenant seals personal data (the default): the asserted name is stored sealed and opens
    // for the tenant's readers; the marks are what this test is about.
    expect(JSON.stringify(stored.actor)).not.toContain('Chief Executive');
    const [entry] = await revealEntries(tenant, [stored as { actor: Record<string, unknown> }]);
    expect(entry!.actor).toMatchObject({ id: uid, name: 'Chief Executive', roles: ['owner'] });
    expect(stored.metadata).toEqual({ asserted: ['ip', 'name', 'roles', 'userAgent'], ticket: 'T-1' });
  });
});
