import { getAuth, type DecodedIdToken } from 'firebase-admin/auth';
import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { firestore } from '../firebase';
import { tokenCheckFailed } from './logs';

/**
 * Revocation checks of ID tokens. The platform verifies a callable's ID token (signature,
 * expiry) but never asks whether it was revoked, so a user whose role was removed, or whose
 * sessions an admin revoked, keeps an hour of access with the token they hold. The callables that
 * administer or export a tenant check revocation too: one Auth lookup per call.
 */

function bearerOf(header: unknown): string | undefined {
  const value = Array.isArray(header) ? (header[0] as unknown) : header;
  if (typeof value !== 'string') return undefined;
  return /^Bearer\s+(\S+)$/i.exec(value)?.[1];
}

/**
 * Verifies an ID token with the revocation check. Resolves to the decoded token, to `null` when
 * the token is revoked, its user disabled or deleted, or the token is otherwise invalid.
 */
export async function verifyFreshIdToken(token: string): Promise<DecodedIdToken | null> {
  firestore(); // initialises the default app the Auth client belongs to
  try {
    return await getAuth().verifyIdToken(token, true);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // Auth's own answers (`auth/id-token-revoked`, `auth/user-disabled`, `auth/id-token-expired`,
    // ...) refuse the token; anything else is a failure to ask, which the caller turns into a retry.
    if (typeof code === 'string' && code.startsWith('auth/')) return null;
    throw err;
  }
}

/** Refuses a signed-in callable request whose ID token was revoked (`unauthenticated`). */
export async function assertTokenNotRevoked(request: CallableRequest): Promise<void> {
  if (!request.auth) return; // the handler refuses anonymous callers itself
  const token = bearerOf(request.rawRequest.headers.authorization);
  let decoded: DecodedIdToken | null;
  try {
    decoded = token === undefined ? null : await verifyFreshIdToken(token);
  } catch (err) {
    // Auth could not be asked: refuse rather than let a possibly revoked token through.
    tokenCheckFailed(err);
    throw new HttpsError('unavailable', 'could not check the session; retry', { code: 'unavailable' });
  }
  if (decoded === null || decoded.uid !== request.auth.uid) {
    throw new HttpsError('unauthenticated', 'your session was revoked or has ended; sign in again', {
      code: 'unauthenticated',
    });
  }
}

/** Wraps a callable handler so a revoked ID token is refused before the handler runs. */
export function withFreshToken<T>(
  handler: (request: CallableRequest) => Promise<T>,
): (request: CallableRequest) => Promise<T> {
  return async (request) => {
    await assertTokenNotRevoked(request);
    return handler(request);
  };
}
