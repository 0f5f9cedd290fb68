import { assertArchive } from './errors';

/** The verified ID token claims of a callable's caller (contract: tenantId, role, platformAdmin). */
export interface ArchiveCaller {
  uid: string;
  token: Readonly<Record<string, unknown>>;
}

/** Roles that may read a tenant's audit data (contract: member may not). */
export const READ_ROLES = ['admin', 'auditor', 'reviewer', 'compliance'] as const;

function tenantOf(token: Readonly<Record<string, unknown>>): string | null {
  return typeof token.tenantId === 'string' && token.tenantId.length > 0 ? token.tenantId : null;
}

function isPlatformAdmin(token: Readonly<Record<string, unknown>>): boolean {
  return token.platformAdmin === true;
}

/**
 * The tenant whose archives a caller may search: their own with a read role, or (platform admin,
 * read-only across tenants) the one they name. Never another tenant's otherwise.
 */
export function searchTenant(caller: ArchiveCaller | undefined, requested: string | undefined): string {
  assertArchive(caller, 'unauthenticated', 'sign in to search archives');
  if (isPlatformAdmin(caller.token)) {
    const tenant = requested ?? tenantOf(caller.token);
    assertArchive(tenant, 'invalid_argument', 'name the tenant to search', [
      { path: 'tenantId', message: 'is required for a platform admin' },
    ]);
    return tenant;
  }
  const own = tenantOf(caller.token);
  assertArchive(
    own && (READ_ROLES as readonly unknown[]).includes(caller.token.role),
    'permission_denied',
    'your role may not read audit data',
  );
  assertArchive(
    requested === undefined || requested === own,
    'permission_denied',
    'you may search only your own tenant',
  );
  return own;
}

/**
 * Who may run the tiering or purge job on demand: a tenant admin for their own tenant, or a
 * platform admin for one named tenant or all (`null`). The job moves entries between tiers and
 * never changes one, so this stays within a platform admin's read-only remit.
 */
export function jobScope(caller: ArchiveCaller | undefined, requested: string | undefined): string | null {
  assertArchive(caller, 'unauthenticated', 'sign in to run archive jobs');
  if (isPlatformAdmin(caller.token)) return requested ?? null;
  const own = tenantOf(caller.token);
  assertArchive(own && caller.token.role === 'admin', 'permission_denied', 'only a tenant admin may run archive jobs');
  assertArchive(
    requested === undefined || requested === own,
    'permission_denied',
    'you may run jobs only for your own tenant',
  );
  return own;
}

/** Restoring writes entries back to the warm tier: only an admin of that tenant. */
export function restoreTenant(caller: ArchiveCaller | undefined): { tenantId: string; uid: string; email?: string } {
  assertArchive(caller, 'unauthenticated', 'sign in to restore archives');
  const own = tenantOf(caller.token);
  assertArchive(own && caller.token.role === 'admin', 'permission_denied', 'only a tenant admin may restore archives');
  const email = typeof caller.token.email === 'string' ? caller.token.email : undefined;
  return { tenantId: own, uid: caller.uid, ...(email !== undefined ? { email } : {}) };
}
