import { deleteApp as deleteClientApp, initializeApp as initializeClientApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth as getClientAuth, signInWithEmailAndPassword } from 'firebase/auth';
import {
  connectFirestoreEmulator,
  doc,
  getFirestore as getClientFirestore,
  setDoc,
  terminate,
  type Firestore as ClientFirestore,
} from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { postEvents, seedKey } from '../support/api-client';
import { ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';

// Attacks on the audit system's own events by the people it audits. A tenant member may append
// their own events to the outbox, and a producer may publish or POST events; none of them may
// pre-empt, squat or forge an event the system itself records (settings changes, anomalies,
// review decisions, key management, …), whose event ids are predictable.

const db = () => adminDb();
const tenant = uniqueTenant('sysev');
const DENIED = /PERMISSION_DENIED|permission/i;

let admin: User;
let member: User;
let app: FirebaseApp;
let memberDb: ClientFirestore;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  await createTenant(db(), tenant);
  [admin, member] = await Promise.all([tenantUser(db(), tenant, 'admin'), tenantUser(db(), tenant, 'member')]);
  app = initializeClientApp({ projectId: 'demo-auditlog', apiKey: 'fake-api-key' }, `sysev-${tenant}`);
  const auth = getClientAuth(app);
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`, { disableWarnings: true });
  memberDb = getClientFirestore(app);
  const [host, port] = process.env.FIRESTORE_EMULATOR_HOST!.split(':');
  connectFirestoreEmulator(memberDb, host!, Number(port));
  await signInWithEmailAndPassword(auth, member.email, 'secret-pass-1');
});

afterAll(async () => {
  await terminate(memberDb);
  await deleteClientApp(app);
  await closeAdminApp();
});

/** The member's own event, shaped so the outbox rules accept it. */
function memberEvent(overrides: Record<string, unknown>): Record<string, unknown> {
  return testEnvelope(tenant, { actor: { type: 'user', id: member.uid }, ...overrides });
}

/** Tries a client write; resolves to whether the rules allowed it. */
async function clientWrite(id: string, data: Record<string, unknown>): Promise<boolean> {
  try {
    await setDoc(doc(memberDb, 'audit_outbox', id), data);
    return true;
  } catch (err) {
    expect(String(err)).toMatch(DENIED);
    return false;
  }
}

async function changeSettings(retentionDays: number): Promise<string> {
  const answer = await ok<{ auditLogId: string; version: number }>(
    'updateTenantSettings',
    { settings: { retentionDays } },
    admin.idToken,
  );
  return answer.auditLogId;
}

describe('the system’s own events cannot be silenced or forged by a tenant member', () => {
  it('pre-creating the outbox document of the next settings change does not stop it being audited', async () => {
    // The next settings change records event `tenant-settings-1` of source `audit-settings`.
    const nextLogId = logIdFor(tenant, 'audit-settings', 'tenant-settings-1');
    // An envelope the rules accept and ingest rejects (too far in the future), so the document
    // would stay behind as `failed` and a later overwrite of it would never be ingested.
    const poison = memberEvent({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() });
    const allowed: Record<string, boolean> = {};
    for (const id of [`sys-${nextLogId}`, `cmd-${nextLogId}`, `sys-anything`]) {
      allowed[id] = await clientWrite(id, poison);
    }
    const auditLogId = await changeSettings(45);
    expect(auditLogId).toBe(nextLogId);
    const entry = await waitForDoc(db().collection('audit_logs').doc(auditLogId), 'the settings change entry', 60_000);
    expect(entry).toMatchObject({
      eventType: 'config.tenant_settings.updated',
      source: 'audit-settings',
      actor: { type: 'user', id: admin.uid },
      changes: { after: { retentionDays: 45 } },
    });
    // Whatever the client could create, no id of the system's namespace is among them.
    expect(allowed[`sys-${nextLogId}`]).toBe(false);
    expect(allowed['sys-anything']).toBe(false);
  });

  it('a member cannot write a system source through the outbox, whatever its case', async () => {
    const squat = {
      eventId: 'tenant-settings-2',
      eventType: 'config.tenant_settings.updated',
      resource: { type: 'tenant', id: tenant },
    };
    for (const source of [
      'audit-settings',
      'Audit-Settings',
      'anomaly-detector',
      'firebase-auth',
      'audit-new-module',
      'audit-ingest',
    ]) {
      expect(await clientWrite(`squat-${source}`, memberEvent({ ...squat, source })), source).toBe(false);
    }
    // The real event then takes its id as usual.
    const auditLogId = await changeSettings(60);
    expect(auditLogId).toBe(logIdFor(tenant, 'audit-settings', 'tenant-settings-2'));
    const entry = await waitForDoc(db().collection('audit_logs').doc(auditLogId), 'the settings change entry', 60_000);
    expect(entry).toMatchObject({ actor: { type: 'user', id: admin.uid }, changes: { after: { retentionDays: 60 } } });
  });
});

describe('producers cannot write system sources or audit.* events through Pub/Sub or HTTP', () => {
  // The repeated-denials anomaly of a user, as the detector would name it: a producer that could
  // store it first would silence the real one (it would become a conflicting duplicate).
  const squatted = (overrides: Record<string, unknown>) =>
    testEnvelope(tenant, {
      eventType: 'security.anomaly.repeated_denials',
      source: 'anomaly-detector',
      actor: { type: 'system', id: 'anomaly-detector' },
      ...overrides,
    });

  it('dead-letters a Pub/Sub event with a reserved source, with a field error', async () => {
    const event = squatted({ eventId: 'repeated-denials-pubsub' });
    const messageId = await publishEnvelope(event);
    const letter = await waitForDoc(db().doc(`audit_dead_letters/pubsub-${messageId}`), 'the dead letter', 60_000);
    expect(letter).toMatchObject({ reason: 'system_reserved', tenantId: tenant });
    expect(letter.errors).toEqual([expect.objectContaining({ path: 'source' })]);
    expect(letter.systemEvent).toBeUndefined();
    const stored = await db()
      .doc(`audit_logs/${logIdFor(tenant, 'anomaly-detector', 'repeated-denials-pubsub')}`)
      .get();
    expect(stored.exists).toBe(false);
  });

  it('answers 400 over HTTP for a reserved source or an audit.* type and stores the rest of the batch', async () => {
    const key = await seedKey(db(), tenant);
    const forged = squatted({ eventId: 'repeated-denials-http' });
    const decision = testEnvelope(tenant, { eventType: 'audit.review.approved', eventId: 'review-forged-1' });
    const honest = testEnvelope(tenant);
    const answer = await postEvents(key, { events: [forged, decision, honest] });
    const results = (answer.body as { results?: Array<Record<string, unknown>> }).results ?? [];
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'stored']);
    expect(results[0]).toMatchObject({ reason: 'system_reserved' });
    expect(results[0]!.errors).toEqual([expect.objectContaining({ path: 'source' })]);
    expect(results[1]).toMatchObject({ reason: 'system_reserved' });
    expect(results[1]!.errors).toEqual([expect.objectContaining({ path: 'eventType' })]);
    const id = (e: Record<string, unknown>) => logIdFor(tenant, String(e.source), String(e.eventId));
    expect(
      (
        await db()
          .doc(`audit_logs/${id(forged)}`)
          .get()
      ).exists,
    ).toBe(false);
    expect(
      (
        await db()
          .doc(`audit_logs/${id(decision)}`)
          .get()
      ).exists,
    ).toBe(false);
    expect(
      (
        await db()
          .doc(`audit_logs/${id(honest)}`)
          .get()
      ).exists,
    ).toBe(true);
  });
});
