import { getAuth, type Auth } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { firestore } from '../firebase';
import { COLLECTIONS } from '../store/collections';

/** Someone who receives in-app and email alerts. */
export interface Recipient {
  uid: string;
  email?: string;
}

/** The Admin SDK's Auth, on the same default app as {@link firestore}. */
export function adminAuth(): Auth {
  firestore();
  return getAuth();
}

const MEMBERS = 'members';
const MAX_RECIPIENTS = 200;
const CACHE_TTL_MS = 30_000;
const cache = new Map<string, { recipients: Recipient[]; expires: number }>();

/**
 * The members of a tenant holding one of `roles`. Candidates come from the tenant's member
 * directory (`tenants/{t}/members/{uid}`, field `role`); each is confirmed against the custom
 * claims in Firebase Auth, which are what the rules trust, so a stale directory entry never
 * receives another tenant's alerts. Disabled users receive nothing.
 */
export async function tenantRecipients(
  db: Firestore,
  tenantId: string,
  roles: readonly string[],
  now = Date.now(),
): Promise<Recipient[]> {
  const key = `${tenantId}\n${[...roles].sort().join(',')}`;
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.recipients;

  const members = await db
    .collection(COLLECTIONS.tenants)
    .doc(tenantId)
    .collection(MEMBERS)
    .where('role', 'in', [...roles])
    .limit(MAX_RECIPIENTS)
    .get();
  const recipients: Recipient[] = [];
  const uids = members.docs.map((d) => d.id);
  for (let i = 0; i < uids.length; i += 100) {
    const { users } = await adminAuth().getUsers(uids.slice(i, i + 100).map((uid) => ({ uid })));
    for (const user of users) {
      const claims = user.customClaims ?? {};
      if (user.disabled || claims.tenantId !== tenantId || !roles.includes(String(claims.role))) continue;
      recipients.push({ uid: user.uid, ...(user.email ? { email: user.email } : {}) });
    }
  }
  recipients.sort((a, b) => a.uid.localeCompare(b.uid));
  cache.set(key, { recipients, expires: now + CACHE_TTL_MS });
  return recipients;
}
