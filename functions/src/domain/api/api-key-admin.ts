import { z } from 'zod';
import { NO_CONTROL_CHARS } from '../envelope';
import { API_KEY_SCOPES, DEFAULT_API_KEY_SCOPES, KEY_ID_PATTERN } from './api-keys';
import { ApiError, assertApi, fieldErrorsOf } from './errors';

/** Source of the audit entries the key callables write (`config.api_key.*`). */
export const API_KEY_AUDIT_SOURCE = 'audit-api';

export const createApiKeyInputSchema = z.strictObject({
  name: z
    .string('must be a string')
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'must be at most 100 characters')
    .regex(NO_CONTROL_CHARS, 'must not contain control characters'),
  /** What the key may do; `ingest` and `read` when omitted. Duplicates collapse, the order is fixed. */
  scopes: z
    .array(z.enum(API_KEY_SCOPES, `must be one of ${API_KEY_SCOPES.join(', ')}`), 'must be a list of scopes')
    .min(1, 'must name at least one scope')
    .max(API_KEY_SCOPES.length * 4, 'lists too many scopes')
    .default([...DEFAULT_API_KEY_SCOPES])
    .transform((scopes) => API_KEY_SCOPES.filter((scope) => scopes.includes(scope))),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInputSchema>;

export const revokeApiKeyInputSchema = z.strictObject({
  keyId: z.string('must be a string').regex(KEY_ID_PATTERN, 'must be the 16 hex characters of a key id'),
});
export type RevokeApiKeyInput = z.infer<typeof revokeApiKeyInputSchema>;

/** Parses callable input with a schema, turning issues into `invalid_argument` field errors. */
export function parseCallableInput<T>(schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  throw new ApiError('invalid_argument', 'the request data breaks a rule', {
    errors: fieldErrorsOf(result.error.issues),
  });
}

/** What a callable knows about its caller: the uid and the ID token's claims. */
export interface CallerAuth {
  uid: string;
  token: Readonly<Record<string, unknown>>;
}

/** A tenant admin, as the claims prove. */
export interface TenantAdmin {
  uid: string;
  tenantId: string;
  email?: string;
}

/**
 * Only an `admin` of a tenant (custom claims `tenantId` and `role`) manages that tenant's keys.
 * A platform admin is read-only by contract, so the flag grants nothing here.
 */
export function requireTenantAdmin(auth: CallerAuth | undefined): TenantAdmin {
  assertApi(auth, 'unauthenticated', 'sign in to manage API keys');
  const tenantId = auth.token.tenantId;
  assertApi(
    typeof tenantId === 'string' && tenantId.length > 0 && auth.token.role === 'admin',
    'permission_denied',
    'only an admin of the tenant may manage its API keys',
  );
  const email = typeof auth.token.email === 'string' ? auth.token.email : undefined;
  return { uid: auth.uid, tenantId, ...(email !== undefined ? { email } : {}) };
}

export interface ApiKeyAuditInput {
  admin: TenantAdmin;
  keyId: string;
  name: string;
  displayPrefix: string;
  /** When the change committed (ISO 8601): key creation or revocation time. */
  occurredAt: string;
  /** The key's scopes, recorded on creation. */
  scopes?: readonly string[];
}

function actorOf(admin: TenantAdmin): Record<string, unknown> {
  return { type: 'user', id: admin.uid, ...(admin.email !== undefined ? { email: admin.email } : {}) };
}

/**
 * The audit envelope of a key creation. The event id is derived from the key id, so a retried
 * ingest of the same creation is a harmless duplicate. The hash and secret never appear in it.
 */
export function apiKeyCreatedEvent(input: ApiKeyAuditInput): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `api-key-created-${input.keyId}`,
    eventType: 'config.api_key.created',
    tenantId: input.admin.tenantId,
    occurredAt: input.occurredAt,
    source: API_KEY_AUDIT_SOURCE,
    actor: actorOf(input.admin),
    resource: { type: 'api_key', id: input.keyId, name: input.name },
    operation: 'CREATE',
    changes: {
      before: null,
      after: {
        name: input.name,
        displayPrefix: input.displayPrefix,
        status: 'active',
        ...(input.scopes !== undefined ? { scopes: [...input.scopes] } : {}),
      },
    },
  };
}

/**
 * The audit envelope of a revocation: an UPDATE of the key's status (the record is kept, so
 * earlier requests stay attributable). `occurredAt` is the stored revocation time, so revoking an
 * already-revoked key re-sends an identical event and is stored once.
 */
export function apiKeyRevokedEvent(input: ApiKeyAuditInput): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `api-key-revoked-${input.keyId}`,
    eventType: 'config.api_key.revoked',
    tenantId: input.admin.tenantId,
    occurredAt: input.occurredAt,
    source: API_KEY_AUDIT_SOURCE,
    actor: actorOf(input.admin),
    resource: { type: 'api_key', id: input.keyId, name: input.name },
    operation: 'UPDATE',
    changes: {
      before: { name: input.name, displayPrefix: input.displayPrefix, status: 'active' },
      after: { name: input.name, displayPrefix: input.displayPrefix, status: 'revoked' },
    },
  };
}
