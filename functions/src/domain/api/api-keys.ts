import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../canonical';
import { ApiError, assertApi } from './errors';

/**
 * Tenant API keys. A key reads `alk_<tenantId>.<keyId>.<secret>`:
 * - `tenantId` and `keyId` (16 hex characters) address the stored record directly
 *   (`tenants/{tenantId}/api_keys/{keyId}`), so verifying a key never scans or queries;
 * - `secret` is 32 random bytes (256 bits, base64url), so an unsalted SHA-256 of the whole key is
 *   a safe verifier: there is no dictionary to try. Only that hash is stored; the plaintext key is
 *   shown once, when it is created.
 * The `.` separator cannot occur in a tenant id (`[A-Za-z0-9_-]`), so parsing is unambiguous.
 */
export const API_KEY_PREFIX = 'alk_';
export const KEY_ID_BYTES = 8;
export const SECRET_BYTES = 32;

const KEY_PATTERN = /^alk_([A-Za-z0-9_-]{1,128})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;
export const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** Source of cryptographically random bytes (injected: `crypto.randomBytes` in production). */
export type RandomBytes = (size: number) => Uint8Array;

/** A presented key, split into its parts. */
export interface ParsedApiKey {
  key: string;
  tenantId: string;
  keyId: string;
}

/** A freshly generated key: the plaintext (show once) and what is stored. */
export interface GeneratedApiKey extends ParsedApiKey {
  /** Hex SHA-256 of `key`: the only form of the secret that is stored. */
  hash: string;
  /** The non-secret part (`alk_<tenantId>.<keyId>`), safe to display and log. */
  displayPrefix: string;
}

/**
 * What a key may do: `ingest` (POST /v1/events), `read` (GET /v1/events) and `backfill` (ingest
 * events older than the tenant's `ingest.maxBackdateDays`, for importing history). A key stored
 * before scopes existed has none recorded and keeps the default scopes, so no producer breaks on
 * upgrade; `backfill` is never a default: it must be asked for.
 */
export const API_KEY_SCOPES = ['ingest', 'read', 'backfill'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = ['ingest', 'read'];

export const API_KEY_STATUSES = ['active', 'revoked'] as const;
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** The stored record of a key, as far as verification needs it (timestamps stay in the adapter). */
export const apiKeyRecordSchema = z.object({
  keyId: z.string().regex(KEY_ID_PATTERN),
  tenantId: z.string().min(1),
  name: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  displayPrefix: z.string(),
  status: z.enum(API_KEY_STATUSES),
  createdBy: z.string(),
  revokedBy: z.string().optional(),
  scopes: z.array(z.enum(API_KEY_SCOPES)).optional(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;

/** The key a caller authenticated with. */
export interface ApiPrincipal {
  tenantId: string;
  keyId: string;
  /** What the key may do; every scope for a key stored without any. */
  scopes: readonly ApiKeyScope[];
}

/** Hex SHA-256 of a whole key. */
export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** Creates a key for a tenant from injected random bytes. */
export function generateApiKey(tenantId: string, random: RandomBytes): GeneratedApiKey {
  const keyId = Buffer.from(random(KEY_ID_BYTES)).toString('hex');
  const secret = Buffer.from(random(SECRET_BYTES)).toString('base64url');
  const displayPrefix = `${API_KEY_PREFIX}${tenantId}.${keyId}`;
  const key = `${displayPrefix}.${secret}`;
  // A broken random source (short reads) must never yield a weak key.
  if (!KEY_PATTERN.test(key)) throw new Error('random source returned too few bytes for an API key');
  return { key, tenantId, keyId, hash: hashApiKey(key), displayPrefix };
}

/** Splits a key into its parts, or returns null when it is not shaped like one of ours. */
export function parseApiKey(key: string): ParsedApiKey | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  return { key, tenantId: match[1]!, keyId: match[2]! };
}

/**
 * Reads `Authorization: Bearer <key>`. A missing header, another scheme or a value that is not
 * shaped like a key is `missing_api_key` (401) without touching the store.
 */
export function keyFromAuthorization(header: string | undefined): ParsedApiKey {
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '');
  assertApi(match, 'missing_api_key', 'send the tenant API key as "Authorization: Bearer <key>"', {
    errors: [{ path: 'header.authorization', message: 'must be "Bearer <tenant API key>"' }],
  });
  const parsed = parseApiKey(match[1]!);
  assertApi(parsed, 'missing_api_key', 'the bearer token is not an API key of this service', {
    errors: [{ path: 'header.authorization', message: 'must carry a key of the form alk_<tenant>.<id>.<secret>' }],
  });
  return parsed;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Verifies a presented key against its stored record. Unknown keys and wrong secrets are the same
 * `invalid_api_key`, so a caller cannot probe which key ids exist; revocation is only disclosed
 * to a caller who holds the real secret.
 */
export function verifyApiKey(presented: ParsedApiKey, record: ApiKeyRecord | null): ApiPrincipal {
  const matches =
    record !== null &&
    record.tenantId === presented.tenantId &&
    record.keyId === presented.keyId &&
    sameHash(hashApiKey(presented.key), record.hash);
  if (!matches) throw new ApiError('invalid_api_key', 'the API key is not valid');
  assertApi(record.status === 'active', 'api_key_revoked', `API key ${record.displayPrefix} was revoked`);
  return { tenantId: record.tenantId, keyId: record.keyId, scopes: record.scopes ?? DEFAULT_API_KEY_SCOPES };
}

/** Refuses a key that lacks `scope` with `insufficient_scope` (403), naming what it may do. */
export function requireScope(principal: ApiPrincipal, scope: ApiKeyScope): void {
  assertApi(
    principal.scopes.includes(scope),
    'insufficient_scope',
    `API key ${principal.keyId} lacks the "${scope}" scope (it has: ${principal.scopes.join(', ') || 'none'}); ` +
      'a tenant admin can create a key with that scope',
  );
}
