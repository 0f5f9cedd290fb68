import { sha256Hex } from './canonical';
import type { Actor } from './envelope';
import { cleanText, validEmail, validIp, validTenantId } from './text';

/**
 * Maps what a Firebase Auth blocking function sees (a user about to be created, a user about to
 * sign in) to `auth.*` envelopes of the catalog. What blocking functions cannot see is listed in
 * docs/auth-events.md.
 */

/** `source` of every event from the Auth blocking functions. */
export const AUTH_SOURCE = 'firebase-auth';
/** Tenant of users whose claims name none, unless `AUDIT_AUTH_DEFAULT_TENANT` says otherwise. */
export const DEFAULT_AUTH_TENANT = 'platform';

export const AUTH_EVENT_TYPES = { created: 'auth.user.created', signedIn: 'auth.user.login' } as const;
export type AuthEventKind = keyof typeof AUTH_EVENT_TYPES;

/** The parts of a blocking event the mapping uses; all optional except the user's uid. */
export interface AuthEventInput {
  kind: AuthEventKind;
  /** The blocking event's id (unique per event). */
  eventId?: string | undefined;
  /** The event's time as the identity platform reports it (a date string). */
  timestamp?: string | undefined;
  uid: string;
  email?: string | undefined;
  displayName?: string | undefined;
  customClaims?: Record<string, unknown> | undefined;
  /** Identity Platform tenant of the user, when the project uses multi-tenancy. */
  identityTenantId?: string | null | undefined;
  ipAddress?: string | undefined;
  userAgent?: string | undefined;
  signInMethod?: string | undefined;
  locale?: string | undefined;
}

export type TenantSource = 'claims' | 'identity_platform' | 'default';

/**
 * The audit tenant of a user: the `tenantId` custom claim, else the Identity Platform tenant,
 * else the default. New users rarely have claims yet (they are set after creation), so their
 * `auth.user.created` usually lands in the default tenant.
 */
export function resolveAuthTenant(
  input: Pick<AuthEventInput, 'customClaims' | 'identityTenantId'>,
  defaultTenantId: string,
): { tenantId: string; from: TenantSource } {
  const fromClaims = validTenantId(input.customClaims?.tenantId);
  if (fromClaims) return { tenantId: fromClaims, from: 'claims' };
  const fromPlatform = validTenantId(input.identityTenantId);
  if (fromPlatform) return { tenantId: fromPlatform, from: 'identity_platform' };
  return { tenantId: defaultTenantId, from: 'default' };
}

function instant(timestamp: string | undefined, now: Date): string {
  const parsed = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return new Date(Number.isNaN(parsed) ? now.getTime() : parsed).toISOString();
}

/** A deterministic event id: the platform's own when usable, else a digest of what identifies the event. */
export function authEventId(input: Pick<AuthEventInput, 'kind' | 'eventId' | 'uid' | 'timestamp'>, at: string): string {
  const own = cleanText(input.eventId, 100);
  if (own !== undefined && own === input.eventId) return `${AUTH_EVENT_TYPES[input.kind]}:${own}`;
  return `${AUTH_EVENT_TYPES[input.kind]}:${sha256Hex(`${input.uid}\n${at}`).slice(0, 40)}`;
}

/**
 * The envelope of one blocking event. Every optional value is checked the way the envelope
 * schema checks it and dropped when it would not pass (the emulator, for one, sends a user agent
 * placeholder and no real address), so the event itself is always valid.
 */
export function authEventEnvelope(
  input: AuthEventInput,
  options: { defaultTenantId: string; now: Date },
): Record<string, unknown> {
  const occurredAt = instant(input.timestamp, options.now);
  const { tenantId, from } = resolveAuthTenant(input, options.defaultTenantId);
  const uid = cleanText(input.uid, 256) ?? 'unknown';

  const actor: Actor = { type: 'user', id: uid };
  const name = cleanText(input.displayName, 256);
  const email = validEmail(input.email);
  const ip = validIp(input.ipAddress);
  const userAgent = cleanText(input.userAgent, 1024);
  const role = cleanText(input.customClaims?.role, 64);
  if (name !== undefined) actor.name = name;
  if (email !== undefined) actor.email = email;
  if (ip !== undefined) actor.ip = ip;
  if (userAgent !== undefined) actor.userAgent = userAgent;
  if (role !== undefined) actor.roles = [role];

  const metadata: Record<string, unknown> = { tenantFrom: from };
  const signInMethod = cleanText(input.signInMethod, 64);
  const locale = cleanText(input.locale, 32);
  if (signInMethod !== undefined) metadata.signInMethod = signInMethod;
  if (locale !== undefined) metadata.locale = locale;

  return {
    specVersion: '1.0',
    eventId: authEventId(input, occurredAt),
    eventType: AUTH_EVENT_TYPES[input.kind],
    tenantId,
    occurredAt,
    source: AUTH_SOURCE,
    actor,
    resource: { type: 'user', id: uid },
    outcome: 'success',
    metadata,
  };
}
