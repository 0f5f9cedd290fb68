import { randomUUID } from 'node:crypto';
import { getAuth } from 'firebase-admin/auth';
import {
  CLEAR_TEXT_TENANT_SETTINGS,
  buildEntry,
  validateEnvelope,
  type AuditEntry,
} from '../../../functions/src/domain';
import { toStored } from '../../../functions/src/store/converters';
import { adminApp, adminDb, requireEmulators } from '../../support/emulators';

export const PASSWORD = 'console-e2e-pass';

export interface ConsoleUser {
  readonly uid: string;
  readonly email: string;
  readonly tenantId: string;
  readonly role: string;
}

/** A tenant document, so the ingest function accepts the tenant's events. */
export async function createTenant(tenantId: string, name: string): Promise<void> {
  await adminDb().collection('tenants').doc(tenantId).set({ name, retentionDays: 90 });
}

/** An email/password user in the Auth emulator with the console's custom claims. */
export async function createUser(tenantId: string, role: string): Promise<ConsoleUser> {
  requireEmulators('FIREBASE_AUTH');
  const email = `${role}.${tenantId}@example.test`.toLowerCase();
  const user = await getAuth(adminApp()).createUser({
    email,
    password: PASSWORD,
    displayName: `${role} of ${tenantId}`,
  });
  await getAuth(adminApp()).setCustomUserClaims(user.uid, { tenantId, role });
  return { uid: user.uid, email, tenantId, role };
}

/**
 * Builds stored entries with the real domain pipeline (validation, classification, redaction,
 * diff, tokens, hash), so what the console shows is what ingest would have stored.
 */
export function buildEntries(envelopes: ReadonlyArray<Record<string, unknown>>, now: Date): AuditEntry[] {
  return envelopes.map((e) => buildEntry(validateEnvelope(e, now), CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' }));
}

/** Writes entries with the Admin SDK in batches (the console only ever reads them). */
export async function writeEntries(entries: readonly AuditEntry[], recordedAt = new Date()): Promise<void> {
  const db = adminDb();
  for (let i = 0; i < entries.length; i += 400) {
    const batch = db.batch();
    for (const entry of entries.slice(i, i + 400)) {
      batch.set(db.collection('audit_logs').doc(entry.logId), toStored(entry, recordedAt));
    }
    await batch.commit();
  }
}

/** A contract envelope for `tenantId`, `minutesAgo` minutes before `now`. */
export function envelopeAt(
  tenantId: string,
  now: Date,
  minutesAgo: number,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: randomUUID(),
    tenantId,
    occurredAt: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
    source: 'console-e2e',
    actor: { type: 'user', id: 'u-alice', name: 'Alice Example', email: 'alice@example.com' },
    resource: { type: 'repository', id: 'r-widgets', name: 'widgets' },
    ...overrides,
  };
}
