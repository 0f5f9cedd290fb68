import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import {
  ApiError,
  apiKeyRecordSchema,
  type ApiKeyRecord,
  type ApiKeyScope,
  type GeneratedApiKey,
  type TenantAdmin,
} from '../domain/api';
import { apiKeyRef } from './collections';

/** Firestore side of API keys: `tenants/{tenantId}/api_keys/{keyId}`. Only hashes are stored. */

/** The stored record of a key, or null when absent or unreadable (then the key simply fails). */
export async function readApiKey(db: Firestore, tenantId: string, keyId: string): Promise<ApiKeyRecord | null> {
  const snap = await apiKeyRef(db, tenantId, keyId).get();
  if (!snap.exists) return null;
  const parsed = apiKeyRecordSchema.safeParse(snap.data());
  return parsed.success ? parsed.data : null;
}

/** Stores a new key; `create()` so a (vanishingly unlikely) key id collision fails instead of overwriting. */
export async function insertApiKey(
  db: Firestore,
  key: GeneratedApiKey,
  name: string,
  admin: TenantAdmin,
  createdAt: Date,
  scopes: readonly ApiKeyScope[],
): Promise<void> {
  await apiKeyRef(db, key.tenantId, key.keyId).create({
    keyId: key.keyId,
    tenantId: key.tenantId,
    name,
    hash: key.hash,
    displayPrefix: key.displayPrefix,
    status: 'active',
    scopes: [...scopes],
    createdAt: Timestamp.fromDate(createdAt),
    createdBy: admin.uid,
    ...(admin.email !== undefined ? { createdByEmail: admin.email } : {}),
  });
}

/** Removes a key that was never handed out (its creation could not be audited). */
export async function deleteApiKey(db: Firestore, tenantId: string, keyId: string): Promise<void> {
  await apiKeyRef(db, tenantId, keyId).delete();
}

export interface RevokedKey {
  record: ApiKeyRecord;
  revokedAt: Date;
  /** Who revoked it first: a repeated revocation reports the original one. */
  revokedBy: TenantAdmin;
}

/**
 * Marks a key revoked, in a transaction so two admins revoking at once agree on one revocation.
 * Revoking a revoked key changes nothing and returns the original revocation, which lets the
 * caller re-send the identical audit event (stored once) if the first attempt failed to audit.
 */
export async function markApiKeyRevoked(
  db: Firestore,
  tenantId: string,
  keyId: string,
  admin: TenantAdmin,
  now: Date,
): Promise<RevokedKey> {
  const ref = apiKeyRef(db, tenantId, keyId);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const parsed = snap.exists ? apiKeyRecordSchema.safeParse(snap.data()) : null;
    if (!parsed?.success) throw new ApiError('api_key_not_found', `no API key ${keyId} in tenant ${tenantId}`);
    const record = parsed.data;
    if (record.status === 'revoked') {
      const at = snap.get('revokedAt') as Timestamp | undefined;
      const email = snap.get('revokedByEmail') as unknown;
      return {
        record,
        revokedAt: at?.toDate() ?? now,
        revokedBy: {
          uid: record.revokedBy ?? admin.uid,
          tenantId,
          ...(typeof email === 'string' ? { email } : {}),
        },
      };
    }
    tx.update(ref, {
      status: 'revoked',
      revokedAt: Timestamp.fromDate(now),
      revokedBy: admin.uid,
      ...(admin.email !== undefined ? { revokedByEmail: admin.email } : {}),
    });
    return {
      record: { ...record, status: 'revoked' as const, revokedBy: admin.uid },
      revokedAt: now,
      revokedBy: admin,
    };
  });
}
