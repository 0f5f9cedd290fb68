import { getAuth } from 'firebase-admin/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuthEvent } from '../../functions/src/auth/blocking';
import { AUTH_SOURCE } from '../../functions/src/domain/auth-events';
import { revealEntries } from '../../functions/src/privacy/data-keys';
import { adminApp, adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, waitForCount } from '../support/ingest-paths';

// Auth blocking functions in the Auth emulator: a client sign-up fires beforeUserCreated and
// beforeUserSignedIn, a password sign-in fires beforeUserSignedIn; each is recorded through the
// outbox as auth.user.created / auth.user.login in the user's tenant (custom claims) or the default.

const db = () => adminDb();
const DEFAULT_TENANT = 'platform';
let tenant: string;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'FIREBASE_AUTH');
  tenant = uniqueTenant('auth');
  await createTenant(db(), tenant);
  // The documented default tenant of users without a tenant claim; merged, never reset.
  await db().collection('tenants').doc(DEFAULT_TENANT).set({ name: 'Platform' }, { merge: true });
});

afterAll(async () => {
  await closeAdminApp();
});

/** Calls the Auth emulator's REST API the way a client SDK does (an API key, no admin token). */
async function identityToolkit(
  method: string,
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=fake-api-key`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function authEntries(tenantId: string, uid: string, eventType: string) {
  return db()
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .where('source', '==', AUTH_SOURCE)
    .where('actor.id', '==', uid)
    .where('eventType', '==', eventType);
}

describe('Auth blocking functions', () => {
  let uid: string;
  const email = `user-${Date.now().toString(36)}@example.test`;

  it('record a sign-up as auth.user.created and auth.user.login in the default tenant', async () => {
    const signUp = await identityToolkit('signUp', { email, password: 'secret-pass-1', returnSecureToken: true });
    expect(signUp.status).toBe(200);
    uid = String(signUp.json.localId);

    const [stored] = await waitForCount(authEntries(DEFAULT_TENANT, uid, 'auth.user.created'), 1, 'auth.user.created');
    // The default tenant seals personal data (the default): the address and IP are stored sealed
    // and open for the tenant's readers.
    expect(JSON.stringify(stored)).not.toContain(email);
    const [created] = await revealEntries(DEFAULT_TENANT, [stored as { actor: Record<string, unknown> }]);
    expect(created).toMatchObject({
      category: 'AUTHENTICATION',
      level: 'INFO',
      operation: 'CREATE',
      actor: { type: 'user', id: uid, email, ip: '127.0.0.1' },
      resource: { type: 'user', id: uid },
      metadata: { tenantFrom: 'default', signInMethod: 'password' },
    });
    await waitForCount(authEntries(DEFAULT_TENANT, uid, 'auth.user.login'), 1, 'auth.user.login at sign-up');
  });

  it('record a password sign-in as auth.user.login in the tenant of the custom claims', async () => {
    await getAuth(adminApp()).setCustomUserClaims(uid, { tenantId: tenant, role: 'auditor' });
    const started = performance.now();
    const signIn = await identityToolkit('signInWithPassword', {
      email,
      password: 'secret-pass-1',
      returnSecureToken: true,
    });
    const elapsedMs = performance.now() - started;
    expect(signIn.status).toBe(200);
    console.info(`sign-in through the blocking function took ${elapsedMs.toFixed(0)} ms`);

    const [login] = await waitForCount(
      authEntries(tenant, uid, 'auth.user.login'),
      1,
      'auth.user.login in the claimed tenant',
    );
    expect(login).toMatchObject({
      category: 'AUTHENTICATION',
      operation: 'EXECUTE',
      outcome: 'success',
      actor: { type: 'user', id: uid, roles: ['auditor'] },
      metadata: { tenantFrom: 'claims' },
    });
  });

  it('see no failed password sign-in (the gap the SDK fills): only successful ones become auth.user.login', async () => {
    const failed = await identityToolkit('signInWithPassword', {
      email,
      password: 'wrong-pass',
      returnSecureToken: true,
    });
    expect(failed.status).toBe(400);
    expect(JSON.stringify(failed.json)).toMatch(/INVALID_LOGIN_CREDENTIALS|INVALID_PASSWORD/);
    const ok = await identityToolkit('signInWithPassword', {
      email,
      password: 'secret-pass-1',
      returnSecureToken: true,
    });
    expect(ok.status).toBe(200);

    const logins = await waitForCount(authEntries(tenant, uid, 'auth.user.login'), 2, 'second auth.user.login');
    expect(logins).toHaveLength(2);
    expect(logins.every((e) => e.outcome === 'success')).toBe(true);
  });

  it('never throw from the audit write, whatever the event looks like', async () => {
    const broken = {
      get data(): never {
        throw new Error('identity platform sent garbage');
      },
    } as unknown as Parameters<typeof recordAuthEvent>[1];
    await expect(recordAuthEvent('signedIn', broken)).resolves.toBeNull();
    const empty = { eventType: 'providers/cloud.auth/eventTypes/user.beforeSignIn' } as Parameters<
      typeof recordAuthEvent
    >[1];
    await expect(recordAuthEvent('signedIn', empty)).resolves.toBeNull();
  });
});
