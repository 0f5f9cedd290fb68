import { describe, expect, it } from 'vitest';
import { CATEGORIES, EVENT_CATALOG, maxLevel, type Category, type Level } from './catalog';
import { classify, madePublic, raisedToAdmin, type Classification } from './classify';
import type { Changes, Outcome } from './envelope';
import { deriveOperation } from './operation';
import type { ClassificationOverride } from './tenant';

type Row = readonly [eventType: string, category: Category, success: Level, failure: Level];

// The seed catalog, one row per type: category, level on success, level on failure. Success is
// INFO except where the catalog asks for more (deletions of repos and teams, a failed login, a
// second factor turned off, a merge conflict, an outgoing webhook) or the default rules recognise
// a situation (removing configuration is a destructive change). Failure follows the
// specification's table (level-table.spec.ts): WARNING for authentication and authorization,
// ERROR for data, configuration and business operations; a SECURITY event's level is its risk.
const SEED_CATALOG: readonly Row[] = [
  ['auth.user.login', 'AUTHENTICATION', 'INFO', 'WARNING'],
  ['auth.user.logout', 'AUTHENTICATION', 'INFO', 'WARNING'],
  ['auth.login.failed', 'AUTHENTICATION', 'WARNING', 'WARNING'],
  ['auth.password.changed', 'AUTHENTICATION', 'INFO', 'WARNING'],
  ['auth.mfa.enabled', 'AUTHENTICATION', 'INFO', 'WARNING'],
  ['auth.mfa.disabled', 'SECURITY', 'WARNING', 'WARNING'],
  ['auth.token.refreshed', 'AUTHENTICATION', 'INFO', 'WARNING'],
  ['auth.session.expired', 'AUTHENTICATION', 'INFO', 'WARNING'],
  ['auth.permission.changed', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['auth.role.changed', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['auth.email.verified', 'AUTHENTICATION', 'INFO', 'WARNING'],
  ['repo.created', 'DATA_MODIFICATION', 'INFO', 'ERROR'],
  ['repo.deleted', 'DATA_MODIFICATION', 'WARNING', 'ERROR'],
  ['repo.visibility_changed', 'SYSTEM_CONFIGURATION', 'INFO', 'ERROR'],
  ['repo.settings_updated', 'SYSTEM_CONFIGURATION', 'INFO', 'ERROR'],
  ['repo.collaborator_added', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['repo.collaborator_removed', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['repo.permission_changed', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['issue.created', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['issue.closed', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['issue.reopened', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['issue.assigned', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['issue.unassigned', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['issue.labeled', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['issue.unlabeled', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['issue.commented', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.opened', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.merged', 'DATA_MODIFICATION', 'INFO', 'ERROR'],
  ['pr.closed', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.reopened', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.review_requested', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.reviewed', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.approved', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.changes_requested', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['pr.committed', 'DATA_MODIFICATION', 'INFO', 'ERROR'],
  ['pr.conflict_detected', 'BUSINESS_OPERATION', 'WARNING', 'ERROR'],
  ['org.member_added', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['org.member_removed', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['org.team_created', 'AUTHORIZATION', 'INFO', 'WARNING'],
  ['org.team_deleted', 'AUTHORIZATION', 'WARNING', 'WARNING'],
  ['org.settings_updated', 'SYSTEM_CONFIGURATION', 'INFO', 'ERROR'],
  ['org.billing_changed', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ['org.webhook_added', 'SYSTEM_CONFIGURATION', 'WARNING', 'ERROR'],
  ['org.webhook_deleted', 'SYSTEM_CONFIGURATION', 'WARNING', 'ERROR'],
];

/** The review rule of the design: CRITICAL or SECURITY entries wait for review. */
function expectReviewRule(result: Classification): void {
  const needsReview = result.level === 'CRITICAL' || result.category === 'SECURITY';
  expect(result.requiresReview).toBe(needsReview);
  expect(result.reviewStatus).toBe(needsReview ? 'pending' : 'none');
}

// As the pipeline calls it: the operation derived from the type.
const run = (eventType: string, outcome: Outcome = 'success', changes?: Changes) =>
  classify({ eventType, outcome, changes, operation: deriveOperation(eventType) });

describe('classify: the seed catalog', () => {
  it('lists every seed type exactly (no type reaches a fallback)', () => {
    for (const [eventType] of SEED_CATALOG) expect(EVENT_CATALOG, eventType).toHaveProperty([eventType]);
  });

  it.each(SEED_CATALOG)('%s is %s, %s on success and %s on failure', (eventType, category, success, failure) => {
    const ok = run(eventType);
    expect({ category: ok.category, level: ok.level }).toEqual({ category, level: success });
    expectReviewRule(ok);
    for (const outcome of ['failure', 'denied'] as const) {
      const failed = run(eventType, outcome);
      expect({ category: failed.category, level: failed.level }).toEqual({ category, level: failure });
      expectReviewRule(failed);
    }
  });

  it('classifies deletions of repositories and teams as WARNING', () => {
    expect(run('repo.deleted').level).toBe('WARNING');
    expect(run('org.team_deleted').level).toBe('WARNING');
  });

  it('sends a turned-off second factor to review as a SECURITY event', () => {
    expect(run('auth.mfa.disabled')).toEqual({
      category: 'SECURITY',
      level: 'WARNING',
      requiresReview: true,
      reviewStatus: 'pending',
    });
  });

  it('gives a plain successful event no review', () => {
    expect(run('issue.created')).toEqual({
      category: 'BUSINESS_OPERATION',
      level: 'INFO',
      requiresReview: false,
      reviewStatus: 'none',
    });
  });
});

describe('classify: change-aware rules', () => {
  const change = (before: Record<string, unknown> | null, after: Record<string, unknown> | null): Changes => ({
    before,
    after,
  });

  it('makes a repository going private → public CRITICAL and reviewed', () => {
    const byVisibility = run(
      'repo.visibility_changed',
      'success',
      change({ visibility: 'private' }, { visibility: 'public' }),
    );
    expect(byVisibility).toEqual({
      category: 'SYSTEM_CONFIGURATION',
      level: 'CRITICAL',
      requiresReview: true,
      reviewStatus: 'pending',
    });
    const byFlag = run('repo.visibility_changed', 'success', change({ private: true }, { private: false }));
    expect(byFlag.level).toBe('CRITICAL');
  });

  it('leaves other visibility changes at their catalog level', () => {
    expect(
      run('repo.visibility_changed', 'success', change({ visibility: 'public' }, { visibility: 'private' })).level,
    ).toBe('INFO');
    expect(
      run('repo.visibility_changed', 'success', change({ visibility: 'private' }, { visibility: 'internal' })).level,
    ).toBe('INFO');
    expect(run('repo.visibility_changed', 'success', change({ private: false }, { private: true })).level).toBe('INFO');
  });

  it('makes a permission or role raised to admin CRITICAL', () => {
    const raised = [
      run('repo.permission_changed', 'success', change({ permission: 'write' }, { permission: 'admin' })),
      run('auth.role.changed', 'success', change({ role: 'member' }, { role: 'Owner' })),
      run('auth.permission.changed', 'success', change({ access: 'read' }, { access: 'administrator' })),
      run('repo.collaborator_added', 'success', change(null, { accessLevel: 'admin' })),
      run('org.member_added', 'success', change(null, { role: 'admin' })),
    ];
    for (const result of raised) {
      expect(result.level).toBe('CRITICAL');
      expect(result.category).toBe('AUTHORIZATION');
      expectReviewRule(result);
    }
  });

  it('does not flag unchanged, lowered or non-admin privileges', () => {
    expect(run('auth.role.changed', 'success', change({ role: 'admin' }, { role: 'admin' })).level).toBe('INFO');
    expect(run('auth.role.changed', 'success', change({ role: 'admin' }, { role: 'member' })).level).toBe('INFO');
    expect(
      run('repo.permission_changed', 'success', change({ permission: 'read' }, { permission: 'write' })).level,
    ).toBe('INFO');
    expect(run('repo.collaborator_removed', 'success', change({ role: 'admin' }, null)).level).toBe('INFO');
    // Only privilege fields count: a label called "admin" raises nothing.
    expect(run('issue.labeled', 'success', change({ label: 'bug' }, { label: 'admin' })).level).toBe('INFO');
  });

  it('raises a failed change to CRITICAL too', () => {
    const failed = run(
      'repo.visibility_changed',
      'failure',
      change({ visibility: 'private' }, { visibility: 'public' }),
    );
    expect(failed.level).toBe('CRITICAL');
  });

  it('exposes the change predicates', () => {
    expect(madePublic(undefined)).toBe(false);
    expect(madePublic(change({ visibility: 'private' }, null))).toBe(false);
    expect(raisedToAdmin(undefined)).toBe(false);
    expect(raisedToAdmin(change({ role: 'admin' }, null))).toBe(false);
    expect(raisedToAdmin(change(null, { role: 42 }))).toBe(false);
  });
});

describe('classify: fallbacks for types outside the catalog', () => {
  const FALLBACKS: ReadonlyArray<readonly [string, Category, Level, Level]> = [
    ['permission.granted', 'AUTHORIZATION', 'INFO', 'WARNING'],
    ['permission.check.denied', 'AUTHORIZATION', 'WARNING', 'WARNING'],
    ['config.flag_changed', 'SYSTEM_CONFIGURATION', 'INFO', 'ERROR'],
    ['security.brute_force_detected', 'SECURITY', 'CRITICAL', 'CRITICAL'],
    ['security.secret.leaked', 'SECURITY', 'CRITICAL', 'CRITICAL'],
    ['compliance.report_generated', 'COMPLIANCE', 'INFO', 'CRITICAL'],
    ['workflow.run_started', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
    ['billing.invoice_paid', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
    ['webhook.delivery_failed', 'SYSTEM_CONFIGURATION', 'INFO', 'ERROR'],
    ['auth.sso.linked', 'AUTHENTICATION', 'INFO', 'WARNING'],
    ['file.downloaded', 'DATA_ACCESS', 'INFO', 'WARNING'],
    ['repo.cloned', 'DATA_ACCESS', 'INFO', 'WARNING'],
    ['widget.frobnicated', 'BUSINESS_OPERATION', 'INFO', 'ERROR'],
  ];

  it.each(FALLBACKS)('%s falls back to %s (%s on success, %s on failure)', (eventType, category, success, failure) => {
    const ok = run(eventType);
    expect([ok.category, ok.level]).toEqual([category, success]);
    expectReviewRule(ok);
    const failed = run(eventType, 'failure');
    expect([failed.category, failed.level]).toEqual([category, failure]);
    expectReviewRule(failed);
  });

  it('matches prefixes on whole segments only as written (config. needs the dot)', () => {
    expect(run('configuration.changed').category).toBe('BUSINESS_OPERATION');
  });

  it('prefers the exact catalog entry over a prefix rule', () => {
    // auth.* would say AUTHENTICATION; the catalog says AUTHORIZATION.
    expect(run('auth.role.changed').category).toBe('AUTHORIZATION');
  });

  it('always sends security.* to review', () => {
    expect(run('security.anything').requiresReview).toBe(true);
    expect(run('security.anything').reviewStatus).toBe('pending');
  });
});

describe('classify: tenant overrides', () => {
  const withOverrides = (eventType: string, overrides: ClassificationOverride[], changes?: Changes) =>
    classify({ eventType, outcome: 'success', changes }, { overrides });

  it('lets an exact match beat a prefix, whatever the order', () => {
    const exact: ClassificationOverride = { match: 'repo.deleted', level: 'CRITICAL' };
    const prefix: ClassificationOverride = { match: 'repo.*', level: 'ERROR' };
    expect(withOverrides('repo.deleted', [prefix, exact]).level).toBe('CRITICAL');
    expect(withOverrides('repo.deleted', [exact, prefix]).level).toBe('CRITICAL');
    expect(withOverrides('repo.created', [exact, prefix]).level).toBe('ERROR');
  });

  it('lets a longer prefix beat a shorter one, whatever the order', () => {
    const short: ClassificationOverride = { match: 'repo.*', category: 'COMPLIANCE' };
    const long: ClassificationOverride = { match: 'repo.settings*', category: 'SECURITY' };
    expect(withOverrides('repo.settings_updated', [short, long]).category).toBe('SECURITY');
    expect(withOverrides('repo.settings_updated', [long, short]).category).toBe('SECURITY');
    expect(withOverrides('repo.created', [long, short]).category).toBe('COMPLIANCE');
  });

  it('does not treat an exact match as a prefix', () => {
    expect(withOverrides('repo.created', [{ match: 'repo', level: 'ERROR' }]).level).toBe('INFO');
    expect(withOverrides('repo.created.extra', [{ match: 'repo.created', level: 'ERROR' }]).level).toBe('INFO');
  });

  it('keeps the unset parts of the classification', () => {
    const result = withOverrides('org.billing_changed', [{ match: 'org.billing_changed', level: 'WARNING' }]);
    expect(result).toEqual({
      category: 'BUSINESS_OPERATION',
      level: 'WARNING',
      requiresReview: false,
      reviewStatus: 'none',
    });
  });

  it('derives review from the overridden category and level', () => {
    expect(withOverrides('issue.created', [{ match: 'issue.*', category: 'SECURITY' }]).requiresReview).toBe(true);
    expect(withOverrides('issue.created', [{ match: 'issue.*', level: 'CRITICAL' }]).reviewStatus).toBe('pending');
    expect(withOverrides('auth.mfa.disabled', [{ match: 'auth.mfa.disabled', category: 'AUTHENTICATION' }])).toEqual({
      category: 'AUTHENTICATION',
      level: 'WARNING',
      requiresReview: false,
      reviewStatus: 'none',
    });
  });

  it('can switch review off or on explicitly', () => {
    const quiet = withOverrides('security.scan_finished', [{ match: 'security.scan*', requiresReview: false }]);
    expect(quiet).toEqual({ category: 'SECURITY', level: 'CRITICAL', requiresReview: false, reviewStatus: 'none' });
    const loud = withOverrides('issue.closed', [{ match: 'issue.closed', requiresReview: true }]);
    expect(loud).toEqual({
      category: 'BUSINESS_OPERATION',
      level: 'INFO',
      requiresReview: true,
      reviewStatus: 'pending',
    });
  });

  it('has the last word over change-aware rules', () => {
    const changes: Changes = { before: { visibility: 'private' }, after: { visibility: 'public' } };
    expect(withOverrides('repo.visibility_changed', [], changes).level).toBe('CRITICAL');
    const result = withOverrides(
      'repo.visibility_changed',
      [{ match: 'repo.visibility_changed', level: 'WARNING' }],
      changes,
    );
    expect(result.level).toBe('WARNING');
    expect(result.requiresReview).toBe(false);
  });

  it('ignores overrides that match nothing', () => {
    expect(withOverrides('pr.merged', [{ match: 'issue.*', level: 'CRITICAL' }])).toEqual(run('pr.merged'));
  });
});

describe('maxLevel', () => {
  it('returns the more severe level', () => {
    expect(maxLevel('INFO', 'WARNING')).toBe('WARNING');
    expect(maxLevel('CRITICAL', 'ERROR')).toBe('CRITICAL');
    expect(maxLevel('ERROR', 'ERROR')).toBe('ERROR');
  });

  it('covers eight categories', () => {
    expect(CATEGORIES).toHaveLength(8);
  });
});
