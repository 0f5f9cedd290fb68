/**
 * The demo's GitHub-like organisations and their people: three tenants, a user of every console
 * role in each (plus developers who only use the app), and one platform admin. Credentials are
 * fixed and public on purpose: this data only ever lives in the local emulators.
 */

/** Password of every demo account. */
export const DEMO_PASSWORD = 'demo-password';

/** Console roles of the contract's custom claims. */
export const CONSOLE_ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** Tenant of auth events whose user has no `tenantId` claim (the Auth blocking functions' default). */
export const PLATFORM_TENANT = 'platform';

export interface DemoTenant {
  id: string;
  name: string;
  /** E-mail domain of its people. */
  domain: string;
  /** The `tenants/{id}` document: settings of the contract plus the API and anomaly settings. */
  settings: Record<string, unknown>;
}

export interface DemoUser {
  uid: string;
  email: string;
  displayName: string;
  password: string;
  /** Tenant and console role (custom claims); absent for the platform admin. */
  tenantId?: string;
  role?: ConsoleRole;
  platformAdmin?: boolean;
  /** Developers act in the app (repos, issues, pull requests) far more than console users do. */
  developer: boolean;
  /** A documentation-range address and a browser, so entries show where actions came from. */
  ip: string;
  userAgent: string;
}

export interface DemoWorld {
  tenants: DemoTenant[];
  users: DemoUser[];
}

const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'git/2.47.1',
] as const;

interface TenantSeed {
  key: string;
  name: string;
  people: Record<ConsoleRole | 'dev1' | 'dev2' | 'dev3', string>;
  settings: Record<string, unknown>;
}

const TENANTS: readonly TenantSeed[] = [
  {
    key: 'acme',
    name: 'Acme Corp',
    people: {
      admin: 'Ada Admin',
      auditor: 'Abe Auditor',
      reviewer: 'Ari Reviewer',
      compliance: 'Ana Compliance',
      member: 'Max Member',
      dev1: 'Dana Developer',
      dev2: 'Dario Developer',
      dev3: 'Dora Developer',
    },
    settings: { retentionDays: 90 },
  },
  {
    key: 'globex',
    name: 'Globex Corporation',
    people: {
      admin: 'Gus Admin',
      auditor: 'Gwen Auditor',
      reviewer: 'Glen Reviewer',
      compliance: 'Gia Compliance',
      member: 'Gil Member',
      dev1: 'Gemma Developer',
      dev2: 'Gordon Developer',
      dev3: 'Greer Developer',
    },
    settings: {
      retentionDays: 365,
      // Billing changes are a compliance matter at Globex.
      classification: { overrides: [{ match: 'org.billing_changed', category: 'COMPLIANCE', level: 'WARNING' }] },
      anomaly: { enabled: true, deniedThreshold: 4, windowSeconds: 300 },
    },
  },
  {
    key: 'initech',
    name: 'Initech',
    people: {
      admin: 'Ines Admin',
      auditor: 'Ivo Auditor',
      reviewer: 'Ida Reviewer',
      compliance: 'Ike Compliance',
      member: 'Isa Member',
      dev1: 'Iris Developer',
      dev2: 'Ian Developer',
      dev3: 'Ilse Developer',
    },
    settings: { retentionDays: 30, redaction: { extraKeys: ['customerId'], maskEmails: true } },
  },
];

/**
 * The demo world. With a `prefix` (tests, benchmarks) every tenant id, uid and e-mail gets it, so
 * several runs can share one emulator without touching each other's data.
 */
export function demoWorld(prefix = ''): DemoWorld {
  const p = prefix ? `${prefix}-` : '';
  const tenants: DemoTenant[] = [];
  const users: DemoUser[] = [];
  let n = 0;
  for (const seed of TENANTS) {
    const id = `${p}${seed.key}`;
    const domain = `${id}.test`;
    tenants.push({
      id,
      name: seed.name,
      domain,
      settings: {
        name: seed.name,
        retentionDays: 90,
        classification: { overrides: [] },
        redaction: { extraKeys: [], maskEmails: true },
        anomaly: { enabled: true, deniedThreshold: 5, windowSeconds: 300 },
        ...seed.settings,
      },
    });
    for (const [handle, displayName] of Object.entries(seed.people)) {
      const isDev = handle.startsWith('dev');
      n++;
      users.push({
        uid: `${id}-${handle}`,
        email: `${handle}@${domain}`,
        displayName,
        password: DEMO_PASSWORD,
        tenantId: id,
        role: isDev ? 'member' : (handle as ConsoleRole),
        developer: isDev || handle === 'member',
        ip: `198.51.100.${10 + n}`,
        userAgent: USER_AGENTS[n % USER_AGENTS.length]!,
      });
    }
  }
  users.push({
    uid: `${p}platform-admin`,
    email: `platform@${p}audit.test`,
    displayName: 'Pat Platform',
    password: DEMO_PASSWORD,
    platformAdmin: true,
    developer: false,
    ip: '203.0.113.7',
    userAgent: USER_AGENTS[0],
  });
  return { tenants, users };
}

/** Custom claims of a user, as the contract names them. */
export function claimsOf(user: DemoUser): Record<string, unknown> {
  if (user.platformAdmin) return { platformAdmin: true };
  return { tenantId: user.tenantId, role: user.role };
}

/** The people of one tenant. */
export function usersOf(world: DemoWorld, tenantId: string): DemoUser[] {
  return world.users.filter((u) => u.tenantId === tenantId);
}

/** The tenant's admin (every demo tenant has exactly one). */
export function adminOf(world: DemoWorld, tenantId: string): DemoUser {
  const admin = world.users.find((u) => u.tenantId === tenantId && u.role === 'admin');
  if (!admin) throw new Error(`demo tenant ${tenantId} has no admin`);
  return admin;
}
