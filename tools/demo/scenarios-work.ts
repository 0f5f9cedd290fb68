import { action, dev, event, openIssue, openPull, someRepo, stamp, type Scenario } from './scenario-kit';
import { actorOf, docPath, type Issue, type Pull, type ScenarioContext } from './state';

/**
 * Day-to-day work: issues and pull requests (opened and closed through the outbox with their
 * documents, discussed and reviewed through Pub/Sub) and CI reporting over the HTTP API.
 */

const ISSUE_TITLES = [
  'Login page times out on slow networks',
  'Flaky test in checkout flow',
  'Upgrade dependency with known CVE',
  'Add dark mode to settings',
  'Rate limit the export endpoint',
  'Broken link in README',
  'Memory leak in worker pool',
];
const LABELS = ['bug', 'security', 'enhancement', 'good first issue', 'p1'];

const issueCreated: Scenario = (ctx) => {
  const { state, rng } = ctx;
  const repo = someRepo(ctx);
  if (!repo) return null;
  const by = dev(ctx);
  const issue: Issue = {
    id: `i${++state.counters.issue}`,
    repoId: repo.id,
    title: rng.pick(ISSUE_TITLES),
    state: 'open',
    labels: [],
    assignee: null,
  };
  state.issues.push(issue);
  const after = { repoId: repo.id, title: issue.title, state: 'open' };
  return action(
    ctx,
    'issue.created',
    'outbox',
    [
      event(ctx, 'issue-service', 'issue.created', {
        actor: actorOf(by),
        resource: issueResource(ctx, issue),
        changes: { after },
      }),
    ],
    [
      {
        op: 'create',
        path: docPath(state, 'issues', issue.id),
        data: { ...after, labels: [], createdBy: by.uid, ...stamp(by, ctx.at()) },
      },
    ],
  );
};

function issueResource(ctx: ScenarioContext, issue: Issue) {
  return {
    type: 'issue',
    id: issue.id,
    name: issue.title,
    path: `${ctx.state.tenant.id}/${issue.repoId}/issues/${issue.id}`,
  };
}

const issueActivity: Scenario = (ctx) => {
  const issue = openIssue(ctx);
  if (!issue) return null;
  const by = dev(ctx);
  const kind = ctx.rng.weighted({ commented: 5, labeled: 2, assigned: 2 });
  const resource = issueResource(ctx, issue);
  if (kind === 'commented') {
    const metadata = { commentLength: ctx.rng.int(12, 900) };
    return action(ctx, 'issue.commented', 'pubsub', [
      event(ctx, 'issue-service', 'issue.commented', { actor: actorOf(by), resource, metadata }),
    ]);
  }
  if (kind === 'labeled') {
    const label = ctx.rng.pick(LABELS);
    if (issue.labels.includes(label)) return null;
    const before = { labels: [...issue.labels] };
    issue.labels.push(label);
    return action(ctx, 'issue.labeled', 'pubsub', [
      event(ctx, 'issue-service', 'issue.labeled', {
        actor: actorOf(by),
        resource,
        changes: { before, after: { labels: [...issue.labels] } },
      }),
    ]);
  }
  const assignee = dev(ctx).uid;
  const before = { assignee: issue.assignee };
  issue.assignee = assignee;
  return action(ctx, 'issue.assigned', 'pubsub', [
    event(ctx, 'issue-service', 'issue.assigned', {
      actor: actorOf(by),
      resource,
      changes: { before, after: { assignee } },
    }),
  ]);
};

const issueClosed: Scenario = (ctx) => {
  const issue = openIssue(ctx);
  if (!issue) return null;
  const by = dev(ctx);
  issue.state = 'closed';
  return action(
    ctx,
    'issue.closed',
    'outbox',
    [
      event(ctx, 'issue-service', 'issue.closed', {
        actor: actorOf(by),
        resource: issueResource(ctx, issue),
        changes: { before: { state: 'open' }, after: { state: 'closed' } },
      }),
    ],
    [{ op: 'merge', path: docPath(ctx.state, 'issues', issue.id), data: { state: 'closed', ...stamp(by, ctx.at()) } }],
  );
};

function pullResource(ctx: ScenarioContext, pull: Pull) {
  return {
    type: 'pull_request',
    id: pull.id,
    name: pull.title,
    path: `${ctx.state.tenant.id}/${pull.repoId}/pulls/${pull.id}`,
  };
}

const prOpened: Scenario = (ctx) => {
  const { state, rng } = ctx;
  const repo = someRepo(ctx);
  if (!repo) return null;
  const by = dev(ctx);
  const n = ++state.counters.pull;
  const pull: Pull = {
    id: `p${n}`,
    repoId: repo.id,
    title: `Fix: ${rng.pick(ISSUE_TITLES).toLowerCase()}`,
    state: 'open',
    branch: `feature/${n}`,
  };
  state.pulls.push(pull);
  const after = { repoId: repo.id, title: pull.title, state: 'open', head: pull.branch, base: repo.defaultBranch };
  return action(
    ctx,
    'pr.opened',
    'outbox',
    [
      event(ctx, 'pr-service', 'pr.opened', {
        actor: actorOf(by),
        resource: pullResource(ctx, pull),
        changes: { after },
      }),
    ],
    [
      {
        op: 'create',
        path: docPath(state, 'pulls', pull.id),
        data: { ...after, createdBy: by.uid, ...stamp(by, ctx.at()) },
      },
    ],
  );
};

const prReview: Scenario = (ctx) => {
  const pull = openPull(ctx);
  if (!pull) return null;
  const type = ctx.rng.weighted({
    'pr.review_requested': 2,
    'pr.reviewed': 2,
    'pr.approved': 2,
    'pr.changes_requested': 1,
  });
  const reviewer = dev(ctx);
  return action(ctx, type, 'pubsub', [
    event(ctx, 'pr-service', type, {
      actor: actorOf(reviewer),
      resource: pullResource(ctx, pull),
      metadata: { reviewer: reviewer.uid },
    }),
  ]);
};

/** CI reports through the HTTP API with the tenant's API key. */
const ciActivity: Scenario = (ctx) => {
  const pull = openPull(ctx);
  if (!pull) return null;
  const conflict = ctx.rng.chance(0.15);
  const type = conflict ? 'pr.conflict_detected' : 'pr.committed';
  const sha = Array.from({ length: 10 }, () => ctx.rng.int(0, 15).toString(16)).join('');
  const metadata = conflict
    ? { base: 'main', files: ctx.rng.int(1, 4) }
    : { sha, commits: ctx.rng.int(1, 5), checks: 'passed' };
  return action(ctx, type, 'http', [
    event(ctx, 'ci-service', type, {
      actor: { type: 'service_account', id: 'ci-bot', name: 'CI' },
      resource: pullResource(ctx, pull),
      metadata,
    }),
  ]);
};

const prMerged: Scenario = (ctx) => {
  const pull = openPull(ctx);
  if (!pull) return null;
  const by = dev(ctx);
  pull.state = ctx.rng.chance(0.85) ? 'merged' : 'closed';
  const type = pull.state === 'merged' ? 'pr.merged' : 'pr.closed';
  return action(
    ctx,
    type,
    'outbox',
    [
      event(ctx, 'pr-service', type, {
        actor: actorOf(by),
        resource: pullResource(ctx, pull),
        changes: { before: { state: 'open' }, after: { state: pull.state } },
      }),
    ],
    [{ op: 'merge', path: docPath(ctx.state, 'pulls', pull.id), data: { state: pull.state, ...stamp(by, ctx.at()) } }],
  );
};

/** Issues, pull requests and CI. */
export const WORK_SCENARIOS = {
  issueCreated,
  issueActivity,
  issueClosed,
  prOpened,
  prReview,
  ciActivity,
  prMerged,
} satisfies Record<string, Scenario>;
