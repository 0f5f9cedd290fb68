import { action, dev, event, someRepo, stamp, type Scenario } from './scenario-kit';
import { actorOf, docPath, repoResource, type EventSpec, type Member, type ScenarioContext } from './state';

/**
 * The organisation side: membership and roles, settings, integrations over HTTP, sessions and
 * the authorization layer's permission decisions.
 */

const PERMISSIONS = ['repo.read', 'repo.push', 'issue.write', 'pr.merge', 'repo.settings'];
const FIRST_NAMES = ['Noor', 'Kai', 'Sasha', 'Remy', 'Jules', 'Toni', 'Quinn', 'Robin', 'Alex', 'Sam'];

function memberResource(ctx: ScenarioContext, member: Member) {
  return {
    type: 'member',
    id: member.uid,
    name: member.displayName,
    path: `${ctx.state.tenant.id}/members/${member.uid}`,
  };
}

const memberAdded: Scenario = (ctx) => {
  const { state, rng } = ctx;
  const n = ++state.counters.member;
  const first = rng.pick(FIRST_NAMES);
  const member: Member = {
    uid: `${state.tenant.id}-user${n}`,
    email: `${first.toLowerCase()}${n}@${state.tenant.domain}`,
    displayName: `${first} Newcomer`,
    role: 'member',
  };
  state.members.push(member);
  const after = { email: member.email, displayName: member.displayName, role: 'member' };
  const at = ctx.at();
  return action(
    ctx,
    'org.member_added',
    'outbox',
    [
      event(ctx, 'org-service', 'org.member_added', {
        actor: actorOf(state.admin),
        resource: memberResource(ctx, member),
        changes: { after },
      }),
    ],
    [
      {
        op: 'create',
        path: docPath(state, 'members', member.uid),
        data: { ...after, uid: member.uid, joinedAt: at, createdBy: state.admin.uid, ...stamp(state.admin, at) },
      },
    ],
  );
};

const memberRemoved: Scenario = (ctx) => {
  const { state } = ctx;
  if (state.members.length < 3) return null;
  const member = state.members.shift()!;
  return action(
    ctx,
    'org.member_removed',
    'outbox',
    [
      event(ctx, 'org-service', 'org.member_removed', {
        actor: actorOf(state.admin),
        resource: memberResource(ctx, member),
        changes: { before: { email: member.email, role: member.role } },
      }),
    ],
    [{ op: 'delete', path: docPath(state, 'members', member.uid) }],
  );
};

/** A member's role raised to admin: CRITICAL, flagged for review (and captured from the member document too). */
const roleRaisedToAdmin: Scenario = (ctx) => {
  const { state } = ctx;
  const member = state.members.find((m) => m.role === 'member');
  if (!member) return null;
  member.role = 'admin';
  return action(
    ctx,
    'auth.role.changed',
    'outbox',
    [
      event(ctx, 'org-service', 'auth.role.changed', {
        actor: actorOf(state.admin),
        resource: memberResource(ctx, member),
        changes: { before: { role: 'member' }, after: { role: 'admin' } },
      }),
    ],
    [
      {
        op: 'merge',
        path: docPath(state, 'members', member.uid),
        data: { role: 'admin', ...stamp(state.admin, ctx.at()) },
      },
    ],
  );
};

const settingsUpdated: Scenario = (ctx) => {
  const { state } = ctx;
  const before = { requireTwoFactor: state.requireTwoFactor };
  state.requireTwoFactor = !state.requireTwoFactor;
  const after = { requireTwoFactor: state.requireTwoFactor };
  return action(
    ctx,
    'org.settings_updated',
    'outbox',
    [
      event(ctx, 'org-service', 'org.settings_updated', {
        actor: actorOf(state.admin),
        resource: { type: 'organization', id: state.tenant.id, name: state.tenant.name },
        changes: { before, after },
      }),
    ],
    [{ op: 'merge', path: docPath(state, 'settings', 'org'), data: { ...after, ...stamp(state.admin, ctx.at()) } }],
  );
};

/** Integrations and billing report through the HTTP API. */
const integrations: Scenario = (ctx) => {
  const { state, rng } = ctx;
  const organization = { type: 'organization', id: state.tenant.id, name: state.tenant.name };
  if (rng.chance(0.6)) {
    const n = ++state.counters.webhook;
    const url = `https://hooks.${state.tenant.domain}/deploy/${n}`;
    return action(ctx, 'org.webhook_added', 'http', [
      event(ctx, 'integrations', 'org.webhook_added', {
        actor: actorOf(state.admin),
        resource: { type: 'webhook', id: `wh${n}`, name: url },
        changes: { after: { url, events: ['push', 'pull_request'], active: true } },
        metadata: { organization: organization.id },
      }),
    ]);
  }
  const before = { plan: state.plan };
  state.plan = state.plan === 'team' ? 'enterprise' : 'team';
  return action(ctx, 'org.billing_changed', 'http', [
    event(ctx, 'billing-service', 'org.billing_changed', {
      actor: actorOf(state.admin),
      resource: organization,
      changes: { before, after: { plan: state.plan } },
    }),
  ]);
};

function permissionCheck(
  ctx: ScenarioContext,
  allowed: boolean,
  user = dev(ctx),
  repo = someRepo(ctx),
): EventSpec | null {
  if (!repo) return null;
  return {
    helper: 'permissionCheck',
    source: 'authz-service',
    input: {
      tenantId: ctx.state.tenant.id,
      eventId: ctx.eventId(),
      occurredAt: ctx.at(),
      actor: actorOf(user),
      resource: repoResource(ctx.state, repo),
      permission: ctx.rng.pick(PERMISSIONS),
      allowed,
      ...(allowed ? {} : { reason: 'not a collaborator with this permission' }),
    },
  };
}

const permissionAllowed: Scenario = (ctx) => {
  const spec = permissionCheck(ctx, true);
  return spec && action(ctx, 'permission.check.allowed', 'pubsub', [spec]);
};

const permissionDenied: Scenario = (ctx) => {
  const spec = permissionCheck(ctx, false, ctx.rng.pick(ctx.state.people));
  return spec && action(ctx, 'permission.check.denied', 'pubsub', [spec]);
};

/** The same person denied again and again on one repository: the anomaly rule's trigger. */
const repeatedDenials: Scenario = (ctx) => {
  const repo = ctx.state.repos.find((r) => r.visibility === 'private') ?? someRepo(ctx);
  if (!repo) return null;
  const user = ctx.rng.pick(ctx.state.people.filter((p) => !p.developer));
  const specs: EventSpec[] = [];
  for (let i = 0; i < 6; i++) {
    const spec = permissionCheck(ctx, false, user, repo);
    if (spec && spec.helper === 'permissionCheck')
      specs.push({ ...spec, input: { ...spec.input, permission: 'repo.push' } });
  }
  return action(ctx, 'repeated_denials', 'pubsub', specs);
};

const signIn: Scenario = (ctx) => {
  const user = ctx.rng.pick(ctx.state.people);
  return {
    kind: 'signIn',
    scenario: 'auth.user.login',
    tenantId: ctx.state.tenant.id,
    email: user.email,
    password: user.password,
    succeeds: true,
  };
};

/** A wrong password (or an unknown account): the sign-in fails and the app reports it. */
const signInFailed: Scenario = (ctx) => {
  const { state, rng } = ctx;
  const known = rng.chance(0.75);
  const user = rng.pick(state.people);
  const email = known ? user.email : `${rng.pick(FIRST_NAMES).toLowerCase()}@${state.tenant.domain}`;
  const ip = known ? user.ip : `203.0.113.${rng.int(100, 200)}`;
  return {
    kind: 'signIn',
    scenario: 'auth.login.failed',
    tenantId: state.tenant.id,
    email,
    password: 'not-the-password',
    succeeds: false,
    onFailure: {
      helper: 'loginFailed',
      source: 'session-service',
      input: {
        tenantId: state.tenant.id,
        eventId: ctx.eventId(),
        occurredAt: ctx.at(),
        email,
        ip,
        ...(known ? { uid: user.uid, userAgent: user.userAgent } : { userAgent: 'python-requests/2.32.3' }),
        reason: known ? 'wrong_password' : 'unknown_user',
        method: 'password',
      },
    },
  };
};

const session: Scenario = (ctx) => {
  const user = ctx.rng.pick(ctx.state.people);
  const type = ctx.rng.weighted({
    'auth.user.logout': 6,
    'auth.mfa.enabled': 1,
    'auth.password.changed': 1,
    'auth.token.refreshed': 3,
  });
  return action(ctx, type, 'pubsub', [event(ctx, 'session-service', type, { actor: actorOf(user) })]);
};

/** Membership, settings, integrations, sessions and permission decisions. */
export const ORG_SCENARIOS = {
  memberAdded,
  memberRemoved,
  roleRaisedToAdmin,
  settingsUpdated,
  integrations,
  permissionAllowed,
  permissionDenied,
  repeatedDenials,
  signIn,
  signInFailed,
  session,
} satisfies Record<string, Scenario>;
