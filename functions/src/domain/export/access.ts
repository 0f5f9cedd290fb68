import type { Requester } from '@audit-log/model/stored-export';
import { assertExport } from './errors';

/** The verified ID token claims of a caller (contract: `tenantId`, `role`, optional `platformAdmin`). */
export interface ExportCaller {
  uid: string;
  token: Readonly<Record<string, unknown>>;
}

/** Roles that may export a tenant's audit data (contract: admin, auditor, compliance). */
export const EXPORT_ROLES = ['admin', 'auditor', 'compliance'] as const;
/** Roles that may generate compliance reports (contract: admin and compliance). */
export const REPORT_ROLES = ['admin', 'compliance'] as const;

/** Who is acting, as the audit entry of the export records it. */
export type { Requester } from '@audit-log/model/stored-export';

function requester(caller: ExportCaller, roles: readonly string[], what: string): Requester {
  const { tenantId, role, email } = caller.token;
  // The tenant always comes from the claims: a request naming another tenant has no say.
  assertExport(
    typeof tenantId === 'string' && tenantId.length > 0,
    'permission_denied',
    'your account is not assigned to a tenant',
  );
  assertExport(
    typeof role === 'string' && roles.includes(role),
    'permission_denied',
    `your role may not ${what} (needs ${roles.join(', ')})`,
  );
  return { tenantId, uid: caller.uid, role, ...(typeof email === 'string' ? { email } : {}) };
}

/** The tenant and identity of a caller allowed to export audit data; throws otherwise. */
export function exportRequester(caller: ExportCaller | undefined): Requester {
  assertExport(caller, 'unauthenticated', 'sign in to export audit data');
  return requester(caller, EXPORT_ROLES, 'export audit data');
}

/** The tenant and identity of a caller allowed to generate compliance reports; throws otherwise. */
export function reportRequester(caller: ExportCaller | undefined): Requester {
  assertExport(caller, 'unauthenticated', 'sign in to generate reports');
  return requester(caller, REPORT_ROLES, 'generate compliance reports');
}

/**
 * Whether a caller may see or download a job of `jobTenant`: same tenant, and a role that may
 * create that kind of job. A job of another tenant answers `not_found`, never "forbidden", so its
 * existence does not leak.
 */
export function assertJobVisible(caller: Requester, jobTenant: string | undefined): void {
  assertExport(jobTenant === caller.tenantId, 'not_found', 'no such job');
}
