import type { Actor, EventInput, LoginFailedInput, PermissionCheckInput, Resource } from './sdk';
import type { Prng } from './prng';
import { usersOf, type DemoTenant, type DemoUser, type DemoWorld } from './world';

/** The three ingest paths of the contract. */
export const DEMO_PATHS = ['pubsub', 'outbox', 'http'] as const;
export type DemoPath = (typeof DEMO_PATHS)[number];

/** A business document write that commits in the same transaction as the outbox documents. */
export interface BusinessWrite {
  op: 'create' | 'merge' | 'delete';
  /** Document path, e.g. `tenants/acme/repos/r1`. */
  path: string;
  data?: Record<string, unknown>;
}

/** One event to build with the SDK: a catalog/custom type, or one of the SDK's helpers. */
export type EventSpec =
  | { helper: 'build'; source: string; eventType: string; input: EventInput }
  | { helper: 'permissionCheck'; source: string; input: PermissionCheckInput }
  | { helper: 'loginFailed'; source: string; input: LoginFailedInput };

/** Events sent on one path (with their business writes, on the outbox path). */
export interface EventAction {
  kind: 'events';
  scenario: string;
  path: DemoPath;
  tenantId: string;
  events: EventSpec[];
  writes: BusinessWrite[];
}

/** A sign-in against the Auth emulator; a failed one is reported with `recordLoginFailed`. */
export interface SignInAction {
  kind: 'signIn';
  scenario: string;
  tenantId: string;
  email: string;
  password: string;
  succeeds: boolean;
  /** Sent through Pub/Sub when the sign-in fails, as the app's login handler would. */
  onFailure?: EventSpec;
}

export type DemoAction = EventAction | SignInAction;

export interface Repo {
  id: string;
  name: string;
  visibility: 'private' | 'public';
  defaultBranch: string;
  hasWiki: boolean;
  collaborators: Map<string, 'read' | 'write' | 'admin'>;
}
export interface Issue {
  id: string;
  repoId: string;
  title: string;
  state: 'open' | 'closed';
  labels: string[];
  assignee: string | null;
}
export interface Pull {
  id: string;
  repoId: string;
  title: string;
  state: 'open' | 'merged' | 'closed';
  branch: string;
}
export interface Member {
  uid: string;
  email: string;
  displayName: string;
  role: 'admin' | 'member';
}

/** What the generator remembers of one tenant, so later events refer to earlier ones. */
export interface TenantState {
  tenant: DemoTenant;
  people: DemoUser[];
  developers: DemoUser[];
  admin: DemoUser;
  repos: Repo[];
  issues: Issue[];
  pulls: Pull[];
  /** Members added by the traffic (the seeded people are never touched). */
  members: Member[];
  requireTwoFactor: boolean;
  plan: string;
  counters: { repo: number; issue: number; pull: number; member: number; webhook: number };
}

export function initialState(world: DemoWorld, tenant: DemoTenant): TenantState {
  const people = usersOf(world, tenant.id);
  const admin = people.find((u) => u.role === 'admin');
  if (!admin) throw new Error(`tenant ${tenant.id} has no admin`);
  return {
    tenant,
    people,
    developers: people.filter((u) => u.developer),
    admin,
    repos: [],
    issues: [],
    pulls: [],
    members: [],
    requireTwoFactor: false,
    plan: 'team',
    counters: { repo: 0, issue: 0, pull: 0, member: 0, webhook: 0 },
  };
}

/** What a scenario needs: the tenant's state, chance, the time and fresh event ids. */
export interface ScenarioContext {
  state: TenantState;
  rng: Prng;
  /** Occurrence time of the next event (advances per call in deterministic runs). */
  at(): string;
  /** A fresh, run-unique event id. */
  eventId(): string;
}

export function actorOf(user: DemoUser): Actor {
  return {
    type: 'user',
    id: user.uid,
    name: user.displayName,
    email: user.email,
    ip: user.ip,
    userAgent: user.userAgent,
  };
}

export function repoResource(state: TenantState, repo: Repo): Resource {
  return { type: 'repository', id: repo.id, name: repo.name, path: `${state.tenant.id}/${repo.name}` };
}

export function docPath(state: TenantState, collection: string, id: string): string {
  return `tenants/${state.tenant.id}/${collection}/${id}`;
}
