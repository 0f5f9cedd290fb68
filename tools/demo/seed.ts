import type { Auth } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { callCallable, signIn } from './emulator-rest';
import { adminOf, claimsOf, PLATFORM_TENANT, type DemoUser, type DemoWorld } from './world';

/**
 * Seeds the demo: tenant documents with their settings, Auth users with the contract's custom
 * claims, and `tenants/{t}/members/{uid}` documents. Safe to run again (every write is an upsert).
 */
export async function seedDemo(db: Firestore, auth: Auth, world: DemoWorld, now = new Date()): Promise<void> {
  const batch = db.batch();
  for (const tenant of world.tenants) batch.set(db.collection('tenants').doc(tenant.id), tenant.settings);
  // Auth events of users without a tenant claim (the platform admin, brand-new sign-ups) land here.
  batch.set(
    db.collection('tenants').doc(PLATFORM_TENANT),
    { name: 'Platform operators', retentionDays: 365 },
    { merge: true },
  );
  await batch.commit();

  await Promise.all(world.users.map((user) => upsertUser(auth, user)));

  const members = db.batch();
  for (const user of world.users) {
    if (!user.tenantId) continue;
    const admin = adminOf(world, user.tenantId);
    members.set(db.doc(`tenants/${user.tenantId}/members/${user.uid}`), {
      uid: user.uid,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      joinedAt: now.toISOString(),
      createdBy: admin.uid,
      updatedBy: admin.uid,
    });
  }
  for (const tenant of world.tenants) {
    const admin = adminOf(world, tenant.id);
    members.set(db.doc(`tenants/${tenant.id}/settings/org`), {
      requireTwoFactor: false,
      defaultRepoVisibility: 'private',
      updatedBy: admin.uid,
    });
  }
  await members.commit();
}

async function upsertUser(auth: Auth, user: DemoUser): Promise<void> {
  const profile = { email: user.email, password: user.password, displayName: user.displayName, emailVerified: true };
  try {
    await auth.createUser({ uid: user.uid, ...profile });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'auth/uid-already-exists' && code !== 'auth/email-already-exists') throw err;
    await auth.updateUser(user.uid, profile);
  }
  await auth.setCustomUserClaims(user.uid, claimsOf(user));
}

/** What `createApiKey` answers. */
interface CreatedKey {
  keyId: string;
  key: string;
}

/**
 * Creates an API key for each tenant the way a tenant admin does: signed in, through the
 * `createApiKey` callable (the key is shown once, so the demo keeps it in memory only).
 */
export async function createDemoApiKeys(world: DemoWorld, name = 'demo traffic'): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const tenant of world.tenants) {
    const admin = adminOf(world, tenant.id);
    // Retried: on a loaded machine the blocking functions' first start can outlast their 7 s.
    const session = await signIn(admin.email, admin.password, admin.ip);
    const created = await callCallable<CreatedKey>('createApiKey', { name }, session.idToken);
    keys.set(tenant.id, created.key);
  }
  return keys;
}
