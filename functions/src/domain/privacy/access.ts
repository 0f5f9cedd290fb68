import { mapCiphertexts } from './personal-fields';

import { SEALED } from '@audit-log/model/sealed';

/** What a reader who may not open personal data sees in place of each sealed value. */
export { SEALED } from '@audit-log/model/sealed';

/** The roles of a tenant whose members read the log, and so its personal data in clear. */
export const REVEAL_ROLES: ReadonlySet<string> = new Set(['admin', 'auditor', 'reviewer', 'compliance']);

/**
 * Whether a reader may see a tenant's sealed personal values in clear: a member of that tenant
 * with a role that reads the log. A platform admin reading another tenant (cross-tenant,
 * read-only) sees the entries with each sealed value as {@link SEALED}.
 */
export function mayRevealPersonalData(
  reader: Readonly<Record<string, unknown>> | undefined,
  tenantId: string,
): boolean {
  const role = reader?.role;
  return reader?.tenantId === tenantId && typeof role === 'string' && REVEAL_ROLES.has(role);
}

/** The entry with every sealed value shown as {@link SEALED} (no key is read). */
export function concealEntry<T extends object>(entry: T): T {
  return mapCiphertexts(entry as Parameters<typeof mapCiphertexts>[0], () => SEALED) as unknown as T;
}
