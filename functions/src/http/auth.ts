import type { Firestore } from 'firebase-admin/firestore';
import type { Request } from 'firebase-functions/v2/https';
import { keyFromAuthorization, verifyApiKey, type ApiPrincipal } from '../domain/api';
import { readApiKey } from './key-store';
import { header } from './router';

/**
 * The tenant and key of `Authorization: Bearer <key>`, or an `ApiError` (401/403). One direct
 * document read per request, no cache: a revocation takes effect on the very next request.
 */
export async function authenticate(db: Firestore, req: Request): Promise<ApiPrincipal> {
  const presented = keyFromAuthorization(header(req, 'authorization'));
  return verifyApiKey(presented, await readApiKey(db, presented.tenantId, presented.keyId));
}
