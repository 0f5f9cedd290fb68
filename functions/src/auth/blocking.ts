import { beforeUserCreated, beforeUserSignedIn, type AuthBlockingEvent } from 'firebase-functions/v2/identity';
import { REGION } from '../config';
import { DEFAULT_AUTH_TENANT, authEventEnvelope, type AuthEventKind } from '../domain/auth-events';
import { sha256Hex } from '../domain/canonical';
import { validTenantId } from '../domain/text';
import { firestore } from '../firebase';
import * as logs from '../logs';
import { COLLECTIONS } from '../store/collections';

/**
 * Auth events from Firebase Auth blocking functions: `auth.user.created` before a user is
 * created, `auth.login` before a user signs in. The event is written to the outbox (one fast
 * write; the outbox trigger ingests it), never ingested inline: a blocking function holds up the
 * user's sign-in, and an audit problem must never block or slow it. Every failure is logged and
 * swallowed; the write gives up after {@link AUTH_AUDIT_BUDGET_MS}.
 */

/** How long a blocking function waits for its audit write before letting the user through. */
export const AUTH_AUDIT_BUDGET_MS = 1500;

/** The tenant of users whose claims name none: `AUDIT_AUTH_DEFAULT_TENANT`, else `platform`. */
export function defaultAuthTenant(setting = process.env.AUDIT_AUTH_DEFAULT_TENANT): string {
  return validTenantId(setting) ?? DEFAULT_AUTH_TENANT;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`audit write exceeded ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Outbox document id of an auth event: deterministic, so a repeated write replaces, never doubles. */
export function authOutboxId(eventId: string): string {
  return `auth-${sha256Hex(eventId).slice(0, 40)}`;
}

/**
 * Records one blocking event, best effort. Resolves in every case (so the caller returns and the
 * sign-in proceeds); returns the outbox id, or null when the event could not be recorded.
 */
export async function recordAuthEvent(kind: AuthEventKind, event: AuthBlockingEvent): Promise<string | null> {
  let uid = '';
  try {
    const user = event.data;
    uid = user?.uid ?? '';
    if (!user) return null;
    const envelope = authEventEnvelope(
      {
        kind,
        eventId: event.eventId,
        timestamp: event.timestamp,
        uid: user.uid,
        email: user.email,
        displayName: user.displayName,
        customClaims: user.customClaims,
        identityTenantId: user.tenantId,
        ipAddress: event.ipAddress,
        userAgent: event.userAgent,
        signInMethod: event.credential?.signInMethod ?? event.eventType.split(':')[1],
        locale: event.locale,
      },
      { defaultTenantId: defaultAuthTenant(), now: new Date() },
    );
    const id = authOutboxId(String(envelope.eventId));
    await withDeadline(firestore().collection(COLLECTIONS.outbox).doc(id).set(envelope), AUTH_AUDIT_BUDGET_MS);
    return id;
  } catch (err) {
    logs.authEventLost(kind === 'created' ? 'auth.user.created' : 'auth.login', uid, err);
    return null;
  }
}

/** Blocking function before user creation: records `auth.user.created`, changes nothing. */
export const authBeforeUserCreated = beforeUserCreated({ region: REGION, timeoutSeconds: 7 }, async (event) => {
  await recordAuthEvent('created', event);
});

/** Blocking function before sign-in: records `auth.login`, changes nothing. */
export const authBeforeUserSignedIn = beforeUserSignedIn({ region: REGION, timeoutSeconds: 7 }, async (event) => {
  await recordAuthEvent('signedIn', event);
});
