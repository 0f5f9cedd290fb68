/**
 * Roles and what they may see (contract.md, "Identity, tenants and roles"). Pure, so navigation
 * and guards are decided the same way everywhere and can be unit-tested.
 */
export const ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** The custom claims the console relies on. */
export interface Claims {
  readonly tenantId: string | null;
  readonly role: Role | null;
  /** Cross-tenant, read-only operator. */
  readonly platformAdmin: boolean;
}

export const NO_CLAIMS: Claims = { tenantId: null, role: null, platformAdmin: false };

/** Reads claims from an ID token's claim set; anything malformed counts as absent. */
export function claimsFrom(raw: Readonly<Record<string, unknown>>): Claims {
  const tenantId = typeof raw['tenantId'] === 'string' && raw['tenantId'] !== '' ? raw['tenantId'] : null;
  const role =
    typeof raw['role'] === 'string' && (ROLES as readonly string[]).includes(raw['role'])
      ? (raw['role'] as Role)
      : null;
  return { tenantId, role, platformAdmin: raw['platformAdmin'] === true };
}

const READERS: ReadonlySet<Role> = new Set(['admin', 'auditor', 'reviewer', 'compliance']);

/** Whether the user may read audit data at all (a `member` may not). */
export function canReadAudit(claims: Claims): boolean {
  if (claims.platformAdmin) return true;
  return claims.tenantId !== null && claims.role !== null && READERS.has(claims.role);
}

export interface NavItem {
  readonly label: string;
  readonly icon: string;
  readonly path: string;
  readonly queryParams?: Readonly<Record<string, string>>;
  /** Roles that see the item; platform admins see every item. */
  readonly roles: readonly Role[];
}

const ALL_READERS: readonly Role[] = ['admin', 'auditor', 'reviewer', 'compliance'];

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Dashboard', icon: 'dashboard', path: '/dashboard', roles: ALL_READERS },
  { label: 'Log search', icon: 'search', path: '/logs', roles: ALL_READERS },
  {
    label: 'Pending review',
    icon: 'rule',
    path: '/logs',
    queryParams: { review: 'pending', range: '90d' },
    roles: ['admin', 'reviewer'],
  },
  {
    label: 'Critical events',
    icon: 'report',
    path: '/logs',
    queryParams: { level: 'CRITICAL', range: '30d' },
    roles: ['admin', 'auditor', 'compliance'],
  },
  { label: 'Entity history', icon: 'history', path: '/entities', roles: ALL_READERS },
  { label: 'Actor activity', icon: 'person_search', path: '/actors', roles: ALL_READERS },
  { label: 'Review queue', icon: 'fact_check', path: '/review', roles: ['admin', 'reviewer'] },
  { label: 'Exports', icon: 'download', path: '/exports', roles: ['admin', 'auditor', 'compliance'] },
  { label: 'Reports', icon: 'picture_as_pdf', path: '/reports', roles: ['admin', 'compliance'] },
  { label: 'Archive', icon: 'inventory_2', path: '/archive', roles: ALL_READERS },
  { label: 'Integrity', icon: 'verified_user', path: '/integrity', roles: ALL_READERS },
  { label: 'Operations', icon: 'monitor_heart', path: '/operations', roles: ['admin'] },
  { label: 'Streams', icon: 'cell_tower', path: '/streams', roles: ['admin'] },
  { label: 'Settings', icon: 'settings', path: '/settings', roles: ['admin'] },
];

/** The navigation a user sees: empty for anyone without audit access. */
export function navFor(claims: Claims): NavItem[] {
  if (!canReadAudit(claims)) return [];
  if (claims.platformAdmin) return [...NAV_ITEMS];
  return NAV_ITEMS.filter((item) => claims.role !== null && item.roles.includes(claims.role));
}
