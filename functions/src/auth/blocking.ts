import type { AuthBlockingEvent } from 'firebase-functions/v2/identity';
import { settings } from '../config';
import { DEFAULT_AUTH_TENANT, authEventEnvelope, type AuthEventKind } from '../domain/auth-events';
import type { DocumentReference } from 'firebase-admin/firestore';
import { logIdFor } from '../domain/ids';
import { validTenantId } from '../domain/text';
import { firestore } from '../firebase';
import * as logs from '../logs';
import { COLLECTIONS } from '../store/collections';
import { systemOutboxId } from '../store/system-outbox';
import { isAlreadyExists } from '../store/write-errors';

/**
 * Auth events from Firebase Auth blocking functions: `auth.user.created` before a user is
 * created, `auth.user.login` before a user signs in. The event is written to the outbox (one fast
 * write; the outbox trigger ingests it), never ingested inline: a blocking function holds up the
 * user's sign-in, and an audit problem must never block or slow it. Every failure is logged and
 * swallowed; the write gives up after {@link AUTH_AUDIT_BUDGET_MS}.
 */

/** How long a blocking function waits for its audit write before letting the user through. */
export const AUTH_AUDIT_BUDGET_MS = 1500;

/** The tenant of users whose claims name none: `AUDIT_AUTH_DEFAULT_TENANT`, else `platform`. */
export function defaultAuthTenant(setting: string | undefined = settings.authDefaultTenant()): string {
  return validTenantId(setting) ?? DEFAULT_AUTH_TENANT;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`audit write exceeded ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Outbox document id of an auth event: a system id (see `store/system-outbox.ts`), derived from
 * the log id the entry will have, so a repeated blocking call finds the same document.
 */
export function authOutboxId(envelope: { tenantId: string; source: string; eventId: string }): string {
  return systemOutboxId(logIdFor(envelope.tenantId, envelope.source, envelope.eventId));
}

/** Creates the outbox document once; never overwrites (an update would never be ingested). */
async function createOnce(ref: DocumentReference, data: Record<string, unknown>): Promise<void> {
  try {
    await ref.create(data);
  } catch (err) {
    // The same auth event was staged by an earlier call.
    if (!isAlreadyExists(err)) throw err;
  }
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
    const id = authOutboxId(envelope as { tenantId: string; source: string; eventId: string });
    await withDeadline(createOnce(firestore().collection(COLLECTIONS.outbox).doc(id), envelope), AUTH_AUDIT_BUDGET_MS);
    return id;
  } catch (err) {
    logs.authEventLost(kind === 'created' ? 'auth.user.created' : 'auth.user.login', uid, err);
    return null;
  }
}
