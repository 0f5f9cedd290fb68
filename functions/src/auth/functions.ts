import { beforeUserCreated, beforeUserSignedIn } from 'firebase-functions/v2/identity';
import { REGION } from '../config';
import { recordAuthEvent } from './blocking';

// Registrations of the Auth blocking functions; what they record is in blocking.ts.

/** Blocking function before user creation: records `auth.user.created`, changes nothing. */
export const authBeforeUserCreated = beforeUserCreated({ region: REGION, timeoutSeconds: 7 }, async (event) => {
  await recordAuthEvent('created', event);
});

/** Blocking function before sign-in: records `auth.user.login`, changes nothing. */
export const authBeforeUserSignedIn = beforeUserSignedIn({ region: REGION, timeoutSeconds: 7 }, async (event) => {
  await recordAuthEvent('signedIn', event);
});
