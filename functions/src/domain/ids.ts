import { sha256Hex } from './canonical';

/**
 * The document id of an entry: 32 hex characters of SHA-256 over `(tenantId, source, eventId)`.
 * Deterministic, so every redelivery of an event addresses the same document and `create()`
 * stores it once; uniformly spread, so ids never hotspot a Firestore key range the way
 * time-ordered ids do. The separator cannot occur in tenantId or source (see the envelope).
 */
export function logIdFor(tenantId: string, source: string, eventId: string): string {
  return sha256Hex(`${tenantId}\n${source}\n${eventId}`).slice(0, 32);
}
