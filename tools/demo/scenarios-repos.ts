import { action, dev, event, someRepo, stamp, type Scenario } from './scenario-kit';
import { actorOf, docPath, repoResource, type Repo, type ScenarioContext } from './state';
import type { DemoUser } from './world';

/**
 * Repositories: created, reconfigured, made public (CRITICAL) or private, deleted, and their
 * collaborators and permissions. Repository changes commit with their business document through
 * the outbox; collaborator changes go through Pub/Sub.
 */

const REPO_NAMES = ['api', 'web', 'billing', 'infra', 'docs', 'mobile', 'search', 'payments', 'gateway', 'ml'];

const repoCreated: Scenario = (ctx) => {
  const { state, rng } = ctx;
  const by = dev(ctx);
  const n = ++state.counters.repo;
  const base = rng.pick(REPO_NAMES);
  const repo: Repo = {
    id: `r${n}`,
    name: state.repos.some((r) => r.name === base) ? `${base}-${n}` : base,
    visibility: rng.chance(0.7) ? 'private' : 'public',
    defaultBranch: 'main',
    hasWiki: true,
    collaborators: new Map([[by.uid, 'admin']]),
  };
  state.repos.push(repo);
  const after = { name: repo.name, visibility: repo.visibility, defaultBranch: 'main', hasWiki: true };
  const at = ctx.at();
  return action(
    ctx,
    'repo.created',
    'outbox',
    [
      event(ctx, 'repo-service', 'repo.created', {
        actor: actorOf(by),
        resource: repoResource(state, repo),
        changes: { after },
      }),
    ],
    [{ op: 'create', path: docPath(state, 'repos', repo.id), data: { ...after, createdBy: by.uid, ...stamp(by, at) } }],
  );
};

function repoUpdate(
  ctx: ScenarioContext,
  scenario: string,
  eventType: string,
  repo: Repo,
  by: DemoUser,
  field: 'visibility' | 'defaultBranch' | 'hasWiki',
  next: string | boolean,
) {
  const before = { [field]: repo[field] };
  const after = { [field]: next };
  Object.assign(repo, after);
  return action(
    ctx,
    scenario,
    'outbox',
    [
      event(ctx, 'repo-service', eventType, {
        actor: actorOf(by),
        resource: repoResource(ctx.state, repo),
        changes: { before, after },
      }),
    ],
    [{ op: 'merge', path: docPath(ctx.state, 'repos', repo.id), data: { ...after, ...stamp(by, ctx.at()) } }],
  );
}

const repoSettingsUpdated: Scenario = (ctx) => {
  const repo = someRepo(ctx);
  if (!repo) return null;
  return ctx.rng.chance(0.5)
    ? repoUpdate(ctx, 'repo.settings_updated', 'repo.settings_updated', repo, dev(ctx), 'hasWiki', !repo.hasWiki)
    : repoUpdate(
        ctx,
        'repo.settings_updated',
        'repo.settings_updated',
        repo,
        dev(ctx),
        'defaultBranch',
        repo.defaultBranch === 'main' ? 'trunk' : 'main',
      );
};

/** A private repository made public: CRITICAL, flagged for review. */
const repoMadePublic: Scenario = (ctx) => {
  const repo = ctx.state.repos.find((r) => r.visibility === 'private');
  if (!repo) return null;
  return repoUpdate(ctx, 'repo.made_public', 'repo.visibility_changed', repo, dev(ctx), 'visibility', 'public');
};

const repoMadePrivate: Scenario = (ctx) => {
  const repo = ctx.state.repos.find((r) => r.visibility === 'public');
  if (!repo) return null;
  return repoUpdate(
    ctx,
    'repo.made_private',
    'repo.visibility_changed',
    repo,
    ctx.state.admin,
    'visibility',
    'private',
  );
};

const repoDeleted: Scenario = (ctx) => {
  const { state } = ctx;
  if (state.repos.length < 4) return null;
  const repo = state.repos.shift()!;
  const before = { name: repo.name, visibility: repo.visibility };
  return action(
    ctx,
    'repo.deleted',
    'outbox',
    [
      event(ctx, 'repo-service', 'repo.deleted', {
        actor: actorOf(state.admin),
        resource: repoResource(state, repo),
        changes: { before },
      }),
    ],
    [{ op: 'delete', path: docPath(state, 'repos', repo.id) }],
  );
};

const collaboratorAdded: Scenario = (ctx) => {
  const repo = someRepo(ctx);
  const user = dev(ctx);
  if (!repo || repo.collaborators.has(user.uid)) return null;
  const permission = ctx.rng.chance(0.6) ? 'write' : 'read';
  repo.collaborators.set(user.uid, permission);
  return action(ctx, 'repo.collaborator_added', 'pubsub', [
    event(ctx, 'repo-service', 'repo.collaborator_added', {
      actor: actorOf(ctx.state.admin),
      resource: repoResource(ctx.state, repo),
      changes: { after: { user: user.uid, permission } },
    }),
  ]);
};

/** A collaborator's permission changes; now and then to admin, which is CRITICAL. */
const permissionChanged: Scenario = (ctx) => {
  const repo = someRepo(ctx);
  const entry = repo ? [...repo.collaborators].find(([, p]) => p !== 'admin') : undefined;
  if (!repo || !entry) return null;
  const [uid, before] = entry;
  const after = ctx.rng.chance(0.3) ? 'admin' : before === 'read' ? 'write' : 'read';
  repo.collaborators.set(uid, after);
  return action(ctx, 'repo.permission_changed', 'pubsub', [
    event(ctx, 'repo-service', 'repo.permission_changed', {
      actor: actorOf(ctx.state.admin),
      resource: repoResource(ctx.state, repo),
      changes: { before: { user: uid, permission: before }, after: { user: uid, permission: after } },
    }),
  ]);
};

/** Repositories and their collaborators. */
export const REPO_SCENARIOS = {
  repoCreated,
  repoSettingsUpdated,
  repoMadePublic,
  repoMadePrivate,
  repoDeleted,
  collaboratorAdded,
  permissionChanged,
} satisfies Record<string, Scenario>;
