import { MEMBER_ROLES, type MemberRole } from '@audit-log/model/stored-member';
import { assertCommand } from './errors';

/** Roles of the contract's custom claims (the model's list, which the member directory holds too). */
export const ROLES = MEMBER_ROLES;
export type Role = MemberRole;

/** Roles that decide reviews: reviewers, and admins (who also review). */
export const REVIEW_ROLES = ['reviewer', 'admin'] as const satisfies readonly Role[];

/** What a callable knows about its caller: the uid and the ID token's claims. */
export interface CallerAuth {
  uid: string;
  token: Readonly<Record<string, unknown>>;
}

/** The caller as the claims describe it; malformed claims count as absent. */
export interface Caller {
  uid: string;
  tenantId: string | null;
  role: Role | null;
  platformAdmin: boolean;
  email?: string;
}

/** A caller proven to hold one of the required roles in a tenant. */
export interface TenantMember {
  uid: string;
  tenantId: string;
  role: Role;
  email?: string;
}

/** Reads the claims of a signed-in caller; refuses anonymous calls. */
export function callerOf(auth: CallerAuth | undefined): Caller {
  assertCommand(auth, 'unauthenticated', 'sign in first');
  const { token } = auth;
  const tenantId = typeof token.tenantId === 'string' && token.tenantId.length > 0 ? token.tenantId : null;
  const role =
    typeof token.role === 'string' && (ROLES as readonly string[]).includes(token.role) ? (token.role as Role) : null;
  const email = typeof token.email === 'string' ? token.email : undefined;
  return {
    uid: auth.uid,
    tenantId,
    role,
    platformAdmin: token.platformAdmin === true,
    ...(email !== undefined ? { email } : {}),
  };
}

/**
 * Requires one of `roles` in the caller's own tenant. A platform admin is cross-tenant and
 * read-only by contract, so the flag grants no tenant role here.
 */
export function requireTenantRole(caller: Caller, roles: readonly Role[], what: string): TenantMember {
  assertCommand(
    caller.tenantId !== null && caller.role !== null && roles.includes(caller.role),
    'permission_denied',
    `only ${roles.join(' or ')} users of a tenant may ${what}`,
  );
  return {
    uid: caller.uid,
    tenantId: caller.tenantId,
    role: caller.role,
    ...(caller.email !== undefined ? { email: caller.email } : {}),
  };
}

/**
 * Operator commands (dead-letter replay, ingest health) are open to a tenant's admin for that
 * tenant and to platform admins for any tenant. Returns the tenant to act on; `null` only for a
 * platform admin acting on input that has no tenant (a dead letter of unparseable input).
 */
export function operatorTenant(caller: Caller, requested: string | null | undefined): string | null {
  if (caller.platformAdmin) return requested ?? null;
  assertCommand(
    caller.tenantId !== null && caller.role === 'admin',
    'permission_denied',
    'only tenant admins and platform admins may use operator commands',
  );
  assertCommand(
    requested === undefined || requested === null || requested === caller.tenantId,
    'permission_denied',
    'tenant admins may only act on their own tenant',
  );
  return caller.tenantId;
}

/** The actor of an audit entry that records a user's command. */
export function userActor(member: { uid: string; email?: string | undefined }): Record<string, unknown> {
  return { type: 'user', id: member.uid, ...(member.email !== undefined ? { email: member.email } : {}) };
}
