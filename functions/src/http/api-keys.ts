import type { CallableOutput } from '@audit-log/model/callables';
import { randomBytes } from 'node:crypto';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { REGION } from '../config';
import { firestore } from '../firebase';
import {
  ApiError,
  apiKeyCreatedEvent,
  apiKeyRevokedEvent,
  createApiKeyInputSchema,
  generateApiKey,
  parseCallableInput,
  requireTenantAdmin,
  revokeApiKeyInputSchema,
  type CallerAuth,
} from '../domain/api';
import { ingestSystemEvent } from '../ingest/ingest';
import { tenantRef } from './collections';
import { deleteApiKey, insertApiKey, markApiKeyRevoked } from './key-store';
import { apiKeyChanged } from './logs';

function callerOf(request: CallableRequest): CallerAuth | undefined {
  return request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined;
}

/** Ingests an audit envelope of key management; a rejection here is a bug, never the caller's fault. */
async function audit(envelope: Record<string, unknown>, deadLetterId: string): Promise<void> {
  const outcome = await ingestSystemEvent(envelope, deadLetterId, 'http');
  if (outcome.status === 'rejected') throw new Error(`audit event rejected: ${outcome.reason} ${outcome.message}`);
}

/**
 * Creates an API key for the caller's tenant (tenant admins only) and records
 * `config.api_key.created`. The key is stored hashed first; if the audit event cannot be
 * stored the key is deleted again before anyone saw it, so no usable key exists unaudited.
 */
export function handleCreateApiKey(request: CallableRequest): Promise<CallableOutput<'createApiKey'>> {
  return runCallable('createApiKey', async () => {
    const admin = requireTenantAdmin(callerOf(request));
    const input = parseCallableInput(createApiKeyInputSchema, request.data);
    const db = firestore();
    const tenant = await tenantRef(db, admin.tenantId).get();
    if (!tenant.exists) throw new ApiError('tenant_not_found', `tenant ${admin.tenantId} does not exist`);

    const key = generateApiKey(admin.tenantId, (size) => randomBytes(size));
    const createdAt = new Date();
    await insertApiKey(db, key, input.name, admin, createdAt, input.scopes);
    const event = apiKeyCreatedEvent({
      admin,
      keyId: key.keyId,
      name: input.name,
      displayPrefix: key.displayPrefix,
      scopes: input.scopes,
      occurredAt: createdAt.toISOString(),
    });
    try {
      await audit(event, `http-api-key-created-${key.tenantId}-${key.keyId}`);
    } catch (err) {
      await deleteApiKey(db, key.tenantId, key.keyId);
      throw err;
    }
    apiKeyChanged('created', key.tenantId, key.keyId, admin.uid);
    return {
      keyId: key.keyId,
      key: key.key,
      name: input.name,
      displayPrefix: key.displayPrefix,
      scopes: input.scopes,
      createdAt: createdAt.toISOString(),
    };
  });
}

/**
 * Revokes a key of the caller's tenant (tenant admins only) and records
 * `config.api_key.revoked`. Idempotent: revoking again re-sends the identical audit event.
 */
export function handleRevokeApiKey(request: CallableRequest): Promise<CallableOutput<'revokeApiKey'>> {
  return runCallable('revokeApiKey', async () => {
    const admin = requireTenantAdmin(callerOf(request));
    const { keyId } = parseCallableInput(revokeApiKeyInputSchema, request.data);
    const revoked = await markApiKeyRevoked(firestore(), admin.tenantId, keyId, admin, new Date());
    const event = apiKeyRevokedEvent({
      admin: revoked.revokedBy,
      keyId,
      name: revoked.record.name,
      displayPrefix: revoked.record.displayPrefix,
      occurredAt: revoked.revokedAt.toISOString(),
    });
    await audit(event, `http-api-key-revoked-${admin.tenantId}-${keyId}`);
    apiKeyChanged('revoked', admin.tenantId, keyId, admin.uid);
    return { keyId, status: 'revoked', revokedAt: revoked.revokedAt.toISOString() };
  });
}

const callableOptions = { region: REGION, memory: '256MiB' as const, timeoutSeconds: 30 };

/** Callable: `{name}` → the new key, shown once. */
export const createApiKey = onCall(callableOptions, withFreshToken(handleCreateApiKey));
/** Callable: `{keyId}` → the key is revoked. */
export const revokeApiKey = onCall(callableOptions, withFreshToken(handleRevokeApiKey));
