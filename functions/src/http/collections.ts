import type { Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS } from '../store/collections';

/**
 * Server-only subcollections of a tenant used by the HTTP API. firestore.rules deny every client
 * access to them: key hashes and rate counters are nobody's business but the API's.
 */
export const API_COLLECTIONS = {
  /** `tenants/{tenantId}/api_keys/{keyId}`: hashed API keys. */
  apiKeys: 'api_keys',
  /**
   * `tenants/{tenantId}/api_rate_limits/{counter}-{windowMs}-{index}-{shard}`: the sharded window
   * counters of the API's budgets (`ingest`, `key-<keyId>`, `read`) (see `functions/src/domain/api/rate-limit.ts`).
   */
  rateLimits: 'api_rate_limits',
} as const;

export function apiKeyRef(db: Firestore, tenantId: string, keyId: string) {
  return db.collection(COLLECTIONS.tenants).doc(tenantId).collection(API_COLLECTIONS.apiKeys).doc(keyId);
}

/**
 * One shard of one window's counter of a budget: `counter` is `ingest` (the tenant's ingest),
 * `key-<keyId>` (one key's share of it) or `read` (GET requests).
 */
export function rateCounterRef(
  db: Firestore,
  tenantId: string,
  counter: string,
  windowMs: number,
  index: number,
  shard: number,
) {
  return db
    .collection(COLLECTIONS.tenants)
    .doc(tenantId)
    .collection(API_COLLECTIONS.rateLimits)
    .doc(`${counter}-${windowMs}-${index}-${shard}`);
}

export function tenantRef(db: Firestore, tenantId: string) {
  return db.collection(COLLECTIONS.tenants).doc(tenantId);
}
