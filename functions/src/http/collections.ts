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
   * `tenants/{tenantId}/api_rate_limits/ingest-{windowMs}-{index}-{shard}`: the sharded window
   * counters of POST /v1/events (see `functions/src/domain/api/rate-limit.ts`).
   */
  rateLimits: 'api_rate_limits',
} as const;

export function apiKeyRef(db: Firestore, tenantId: string, keyId: string) {
  return db.collection(COLLECTIONS.tenants).doc(tenantId).collection(API_COLLECTIONS.apiKeys).doc(keyId);
}

/** One shard of one window's ingest counter. */
export function rateCounterRef(db: Firestore, tenantId: string, windowMs: number, index: number, shard: number) {
  return db
    .collection(COLLECTIONS.tenants)
    .doc(tenantId)
    .collection(API_COLLECTIONS.rateLimits)
    .doc(`ingest-${windowMs}-${index}-${shard}`);
}

export function tenantRef(db: Firestore, tenantId: string) {
  return db.collection(COLLECTIONS.tenants).doc(tenantId);
}
