import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import { getAuth } from 'firebase-admin/auth';
import { deleteApp as deleteClientApp, initializeApp as initializeClientApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth as getClientAuth, signInWithEmailAndPassword } from 'firebase/auth';
import {
  connectFirestoreEmulator,
  doc,
  getFirestore as getClientFirestore,
  runTransaction,
  setDoc,
  terminate,
} from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { adminApp, adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc, waitForGone } from '../support/ingest-paths';

// The transactional outbox end to end: documents in audit_outbox reach audit_logs through the
// deployed trigger, are removed once stored, and are kept as `failed` (with a dead letter) when
// they can never be stored.

const db = () => adminDb();
let tenant: string;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  tenant = uniqueTenant('outbox');
  await createTenant(db(), tenant);
});

afterAll(async () => {
  await closeAdminApp();
});

function logRef(envelope: Record<string, unknown>) {
  return db()
    .collection('audit_logs')
    .doc(logIdFor(String(envelope.tenantId), String(envelope.source), String(envelope.eventId)));
}

describe('outbox trigger', () => {
  it('stores an event written with its business change in one transaction, then removes the outbox document', async () => {
    const envelope = testEnvelope(tenant, { eventType: 'repo.visibility_changed' });
    envelope.changes = { before: { visibility: 'private' }, after: { visibility: 'public' } };
    const outbox = db().collection('audit_outbox').doc();
    const project = db().doc(`tenants/${tenant}/projects/p1`);
    await db().runTransaction(async (tx) => {
      const current = await tx.get(project);
      tx.set(project, { visibility: 'public', revision: (current.get('revision') as number | undefined) ?? 1 });
      tx.set(outbox, envelope);
    });

    const entry = await waitForDoc(logRef(envelope), 'outbox event stored');
    expect(entry).toMatchObject({
      tenantId: tenant,
      eventType: 'repo.visibility_changed',
      actor: { type: 'user', id: 'u-alice' },
      level: 'CRITICAL',
      requiresReview: true,
      changedFields: ['visibility'],
    });
    await waitForGone(outbox, 'processed outbox document removed');
  });

  it('writes nothing when the business transaction fails', async () => {
    const outbox = db().collection('audit_outbox').doc();
    await expect(
      db().runTransaction(async (tx) => {
        tx.set(outbox, testEnvelope(tenant));
        await Promise.resolve();
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect((await outbox.get()).exists).toBe(false);
  });

  it('converts a server timestamp in occurredAt to the commit time', async () => {
    const envelope = testEnvelope(tenant, { occurredAt: '2020-01-01T00:00:00Z' });
    const outbox = db().collection('audit_outbox').doc();
    const write = await outbox.set({ ...envelope, occurredAt: FieldValue.serverTimestamp() });
    const entry = await waitForDoc(logRef(envelope), 'server-timestamped event stored');
    // The emulator resolves the server timestamp a few milliseconds before it reports the write time.
    expect(Math.abs((entry.occurredAt as Timestamp).toMillis() - write.writeTime.toMillis())).toBeLessThan(1000);
  });

  it('dead-letters an invalid document and keeps it marked failed for operators', async () => {
    const outbox = db().collection('audit_outbox').doc();
    await outbox.set(testEnvelope(tenant, { eventType: 'NotDotted', actor: { type: 'user' }, colour: 'red' }));

    const failed = await waitForStatus(outbox.id, 'failed');
    expect(failed.failure).toMatchObject({ reason: 'schema_violation', deadLetterId: `outbox-${outbox.id}` });
    const paths = (failed.failure as { errors: Array<{ path: string }> }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['eventType', 'colour']));
    expect(failed.failedAt).toBeInstanceOf(Timestamp);

    const letter = await waitForDoc(db().doc(`audit_dead_letters/outbox-${outbox.id}`), 'dead letter');
    expect(letter).toMatchObject({ reason: 'schema_violation', source: 'outbox', tenantId: tenant });
    expect(String(letter.rawPayload)).toContain('NotDotted');
  });

  it('stores an event sent through Pub/Sub and the outbox once', async () => {
    const envelope = testEnvelope(tenant);
    await publishEnvelope(envelope);
    const first = await waitForDoc(logRef(envelope), 'event stored via Pub/Sub');

    const outbox = db().collection('audit_outbox').doc();
    await outbox.set(envelope);
    await waitForGone(outbox, 'duplicate outbox document removed');

    const stored = await db()
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('eventId', '==', envelope.eventId)
      .get();
    expect(stored.size).toBe(1);
    expect(stored.docs[0]!.get('recordedAt')).toEqual(first.recordedAt);
    expect((await db().doc(`audit_dead_letters/outbox-${outbox.id}`).get()).exists).toBe(false);
  });

  it('marks an event id reused for different content as a conflicting duplicate', async () => {
    const envelope = testEnvelope(tenant);
    const original = db().collection('audit_outbox').doc();
    await original.set(envelope);
    await waitForGone(original, 'original processed');

    const reuse = db().collection('audit_outbox').doc();
    await reuse.set({ ...envelope, actor: { type: 'user', id: 'u-mallory' } });
    const failed = await waitForStatus(reuse.id, 'failed');
    expect(failed.failure).toMatchObject({ reason: 'conflicting_duplicate' });
    expect((await logRef(envelope).get()).get('actor.id')).toBe('u-alice');
  });
});

describe('outbox written by a signed-in client under the deployed rules', () => {
  let app: FirebaseApp;

  beforeAll(async () => {
    const email = `${tenant}@example.test`;
    const user = await getAuth(adminApp()).createUser({ email, password: 'secret-pass-1' });
    await getAuth(adminApp()).setCustomUserClaims(user.uid, { tenantId: tenant, role: 'member' });
    app = initializeClientApp({ projectId: 'demo-auditlog', apiKey: 'fake-api-key' }, `outbox-client-${tenant}`);
    const auth = getClientAuth(app);
    connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
    const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(':');
    connectFirestoreEmulator(getClientFirestore(app), host!, Number(port));
    await signInWithEmailAndPassword(auth, email, 'secret-pass-1');
  });

  afterAll(async () => {
    await terminate(getClientFirestore(app));
    await deleteClientApp(app);
  });

  it('accepts the caller’s own event in a client transaction and stores it', async () => {
    const uid = getClientAuth(app).currentUser!.uid;
    const envelope = testEnvelope(tenant, { actor: { type: 'user', id: uid }, source: 'web-client' });
    const ref = doc(getClientFirestore(app), 'audit_outbox', `client-${String(envelope.eventId)}`);
    await runTransaction(getClientFirestore(app), async (tx) => {
      tx.set(ref, envelope);
      return Promise.resolve();
    });
    const entry = await waitForDoc(logRef(envelope), 'client outbox event stored');
    expect(entry.actor).toEqual({ type: 'user', id: uid });
  });

  it('denies a forged actor and a foreign tenant', async () => {
    const uid = getClientAuth(app).currentUser!.uid;
    const forged = testEnvelope(tenant, { actor: { type: 'user', id: 'someone-else' } });
    const foreign = testEnvelope('another-tenant', { actor: { type: 'user', id: uid } });
    await expect(setDoc(doc(getClientFirestore(app), 'audit_outbox', 'forged'), forged)).rejects.toThrow(
      /PERMISSION_DENIED|permission/i,
    );
    await expect(setDoc(doc(getClientFirestore(app), 'audit_outbox', 'foreign'), foreign)).rejects.toThrow(
      /PERMISSION_DENIED|permission/i,
    );
  });
});

async function waitForStatus(id: string, status: string) {
  const ref = db().collection('audit_outbox').doc(id);
  const snap = await waitFor(
    () => ref.get(),
    (s) => s.get('status') === status,
    { what: `outbox ${id} ${status}` },
  );
  return snap.data()!;
}
