import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLASSIFICATION_RULES,
  LEVEL_TABLE,
  type ClassificationRules,
  type LevelCondition,
} from '@audit-log/model/classification';
import type { Category, Level } from './catalog';
import { classify, type ClassificationInput } from './classify';
import type { Changes, Outcome } from './envelope';
import { deriveOperation } from './operation';

// The specification's table, written out here rather than read from the model, so a wrong cell
// in the model fails this test.
const SPEC: ReadonlyArray<readonly [Category, LevelCondition, Level]> = [
  ['AUTHENTICATION', 'success', 'INFO'],
  ['AUTHENTICATION', 'failure', 'WARNING'],
  ['AUTHENTICATION', 'anomaly', 'CRITICAL'],
  ['AUTHORIZATION', 'granted', 'INFO'],
  ['AUTHORIZATION', 'denied', 'WARNING'],
  ['AUTHORIZATION', 'anomaly', 'CRITICAL'],
  ['DATA_ACCESS', 'normal', 'INFO'],
  ['DATA_ACCESS', 'abnormal_access', 'WARNING'],
  ['DATA_MODIFICATION', 'success', 'INFO'],
  ['DATA_MODIFICATION', 'failure', 'ERROR'],
  ['DATA_MODIFICATION', 'sensitive_data', 'WARNING'],
  ['SECURITY', 'low_risk', 'WARNING'],
  ['SECURITY', 'high_risk', 'CRITICAL'],
  ['SYSTEM_CONFIGURATION', 'success', 'INFO'],
  ['SYSTEM_CONFIGURATION', 'failure', 'ERROR'],
  ['SYSTEM_CONFIGURATION', 'destructive_change', 'WARNING'],
  ['COMPLIANCE', 'compliant', 'INFO'],
  ['COMPLIANCE', 'violation', 'CRITICAL'],
  ['BUSINESS_OPERATION', 'success', 'INFO'],
  ['BUSINESS_OPERATION', 'failure', 'ERROR'],
];

interface Example {
  eventType: string;
  outcome?: Outcome;
  changes?: Changes;
  metadata?: Record<string, unknown>;
  resourceType?: string;
  changedFields?: string[];
}

/** Events that are in each situation by the default rules; several ways in where there are several. */
const EXAMPLES: ReadonlyArray<readonly [Category, LevelCondition, string, Example]> = [
  ['AUTHENTICATION', 'success', 'a sign-in', { eventType: 'auth.user.login' }],
  ['AUTHENTICATION', 'success', 'a sign-out', { eventType: 'auth.user.logout' }],
  ['AUTHENTICATION', 'failure', 'a failed sign-in', { eventType: 'auth.user.login', outcome: 'failure' }],
  ['AUTHENTICATION', 'failure', 'a denied token refresh', { eventType: 'auth.token.refreshed', outcome: 'denied' }],
  [
    'AUTHENTICATION',
    'anomaly',
    'a sign-in flagged as an anomaly',
    { eventType: 'auth.user.login', metadata: { anomaly: true } },
  ],
  ['AUTHENTICATION', 'anomaly', 'an anomaly event type', { eventType: 'auth.anomaly.impossible_travel' }],
  [
    'AUTHENTICATION',
    'anomaly',
    'a failed sign-in that is an anomaly',
    { eventType: 'auth.login.failed', outcome: 'failure', metadata: { anomaly: true } },
  ],
  ['AUTHORIZATION', 'granted', 'a role granted', { eventType: 'auth.role.changed' }],
  ['AUTHORIZATION', 'granted', 'a permission granted', { eventType: 'permission.granted' }],
  ['AUTHORIZATION', 'denied', 'a denied permission check', { eventType: 'permission.check.denied', outcome: 'denied' }],
  [
    'AUTHORIZATION',
    'denied',
    'a collaborator change denied',
    { eventType: 'repo.collaborator_added', outcome: 'denied' },
  ],
  [
    'AUTHORIZATION',
    'anomaly',
    'a grant flagged as an anomaly',
    { eventType: 'org.member_added', metadata: { anomaly: true } },
  ],
  ['AUTHORIZATION', 'anomaly', 'a permission anomaly event type', { eventType: 'permission.anomaly.escalation' }],
  ['DATA_ACCESS', 'normal', 'a download', { eventType: 'file.downloaded' }],
  [
    'DATA_ACCESS',
    'abnormal_access',
    'a download flagged abnormal',
    { eventType: 'file.downloaded', metadata: { abnormalAccess: true } },
  ],
  ['DATA_ACCESS', 'abnormal_access', 'a denied read', { eventType: 'repo.cloned', outcome: 'denied' }],
  ['DATA_MODIFICATION', 'success', 'a repository created', { eventType: 'repo.created', changedFields: ['name'] }],
  ['DATA_MODIFICATION', 'failure', 'a failed merge', { eventType: 'pr.merged', outcome: 'failure' }],
  [
    'DATA_MODIFICATION',
    'sensitive_data',
    'a changed password field',
    { eventType: 'data.user.updated', changedFields: ['profile.password'] },
  ],
  [
    'DATA_MODIFICATION',
    'sensitive_data',
    'a sensitive resource type',
    { eventType: 'data.secret.created', resourceType: 'secret' },
  ],
  ['SECURITY', 'low_risk', 'a second factor turned off (catalog: low risk)', { eventType: 'auth.mfa.disabled' }],
  ['SECURITY', 'low_risk', 'a finding stated low', { eventType: 'security.scan.finding', metadata: { risk: 'low' } }],
  [
    'SECURITY',
    'low_risk',
    'a score under the threshold',
    { eventType: 'security.scan.finding', metadata: { risk: 40 } },
  ],
  ['SECURITY', 'low_risk', 'a failed low-risk event', { eventType: 'auth.mfa.disabled', outcome: 'failure' }],
  ['SECURITY', 'high_risk', 'a detected threat (security.*: high risk)', { eventType: 'security.threat.detected' }],
  [
    'SECURITY',
    'high_risk',
    'a second factor off, stated high',
    { eventType: 'auth.mfa.disabled', metadata: { risk: 'High' } },
  ],
  ['SECURITY', 'high_risk', 'a score at the threshold', { eventType: 'auth.mfa.disabled', metadata: { risk: 70 } }],
  [
    'SYSTEM_CONFIGURATION',
    'success',
    'settings updated',
    { eventType: 'repo.settings_updated', changedFields: ['wiki'] },
  ],
  [
    'SYSTEM_CONFIGURATION',
    'failure',
    'a failed settings update',
    { eventType: 'org.settings_updated', outcome: 'failure' },
  ],
  [
    'SYSTEM_CONFIGURATION',
    'destructive_change',
    'branch protection changed',
    { eventType: 'repo.settings_updated', changedFields: ['rules.branchProtection'] },
  ],
  ['SYSTEM_CONFIGURATION', 'destructive_change', 'configuration removed', { eventType: 'org.webhook_deleted' }],
  ['COMPLIANCE', 'compliant', 'a passed check', { eventType: 'compliance.check.passed' }],
  [
    'COMPLIANCE',
    'violation',
    'a check flagged as a violation',
    { eventType: 'compliance.check.completed', metadata: { violation: true } },
  ],
  ['COMPLIANCE', 'violation', 'a violation event type', { eventType: 'compliance.violation_detected' }],
  ['COMPLIANCE', 'violation', 'a failed check', { eventType: 'compliance.check.completed', outcome: 'failure' }],
  ['BUSINESS_OPERATION', 'success', 'an issue created', { eventType: 'issue.created' }],
  ['BUSINESS_OPERATION', 'failure', 'an issue that failed to close', { eventType: 'issue.closed', outcome: 'failure' }],
  [
    'BUSINESS_OPERATION',
    'failure',
    'an unknown type that failed',
    { eventType: 'widget.frobnicated', outcome: 'failure' },
  ],
];

/** As the pipeline calls classify: the operation derived from the type. */
function inputOf(example: Example): ClassificationInput {
  return { outcome: 'success', operation: deriveOperation(example.eventType), ...example };
}

describe('the level table of the specification', () => {
  it('is the model table, cell for cell', () => {
    const model = Object.entries(LEVEL_TABLE).flatMap(([category, rules]) =>
      rules.map((r) => [category, r.condition, r.level]),
    );
    expect(model).toEqual(SPEC);
  });

  it('has at least one example per cell', () => {
    const covered = new Set(EXAMPLES.map(([category, condition]) => `${category}/${condition}`));
    for (const [category, condition] of SPEC)
      expect(covered, `${category}/${condition}`).toContain(`${category}/${condition}`);
  });

  it.each(EXAMPLES)('%s, %s: %s', (category, condition, _what, example) => {
    const level = SPEC.find(([c, k]) => c === category && k === condition)![2];
    const result = classify(inputOf(example));
    expect({ category: result.category, level: result.level }).toEqual({ category, level });
  });

  it('keeps a catalog level above the table (a deleted repository stays a WARNING)', () => {
    expect(classify(inputOf({ eventType: 'repo.deleted' })).level).toBe('WARNING');
    expect(classify(inputOf({ eventType: 'repo.deleted', outcome: 'failure' })).level).toBe('ERROR');
  });

  it('keeps the change-aware CRITICAL rules whatever the table says', () => {
    const madePublic = { before: { visibility: 'private' }, after: { visibility: 'public' } };
    expect(classify(inputOf({ eventType: 'repo.visibility_changed', changes: madePublic })).level).toBe('CRITICAL');
    const raised = { before: { role: 'member' }, after: { role: 'admin' } };
    expect(classify(inputOf({ eventType: 'auth.role.changed', changes: raised, outcome: 'denied' })).level).toBe(
      'CRITICAL',
    );
  });

  it('sends anomalies, violations and high risks to review (they are CRITICAL)', () => {
    for (const example of [
      { eventType: 'auth.user.login', metadata: { anomaly: true } },
      { eventType: 'compliance.violation_detected' },
    ]) {
      expect(classify(inputOf(example))).toMatchObject({
        level: 'CRITICAL',
        requiresReview: true,
        reviewStatus: 'pending',
      });
    }
  });

  it('takes only `true` as a flag', () => {
    expect(classify(inputOf({ eventType: 'auth.user.login', metadata: { anomaly: 'yes' } })).level).toBe('INFO');
    expect(classify(inputOf({ eventType: 'auth.user.login', metadata: { anomaly: 1 } })).level).toBe('INFO');
  });

  it('ignores a risk it cannot read and falls back to the catalog', () => {
    expect(classify(inputOf({ eventType: 'security.threat.detected', metadata: { risk: 'unknown' } })).level).toBe(
      'CRITICAL',
    );
    expect(classify(inputOf({ eventType: 'auth.mfa.disabled', metadata: { risk: Number.NaN } })).level).toBe('WARNING');
  });
});

describe('the level table, tuned by a tenant', () => {
  type Tuning = { [K in keyof ClassificationRules]?: Partial<ClassificationRules[K]> };
  const tuned = (tuning: Tuning): ClassificationRules => {
    const out = structuredClone(DEFAULT_CLASSIFICATION_RULES) as unknown as Record<string, Record<string, unknown>>;
    for (const [key, value] of Object.entries(tuning)) out[key] = { ...out[key], ...value };
    return out as unknown as ClassificationRules;
  };
  const levelWith = (tuning: Tuning, example: Example) =>
    classify(inputOf(example), { ...tuned(tuning), overrides: [] }).level;

  it('recognises the sensitive fields and resource types the tenant names', () => {
    const salary: Example = { eventType: 'data.employee.updated', changedFields: ['pay.Salary'] };
    expect(levelWith({}, salary)).toBe('WARNING');
    expect(levelWith({ sensitive: { fields: [] } }, salary)).toBe('INFO');
    const nickname: Example = { eventType: 'data.employee.updated', changedFields: ['nickname'] };
    expect(levelWith({}, nickname)).toBe('INFO');
    expect(levelWith({ sensitive: { fields: ['nickname'] } }, nickname)).toBe('WARNING');
    const invoice: Example = { eventType: 'data.invoice.created', resourceType: 'invoice' };
    expect(levelWith({ sensitive: { resourceTypes: ['invoice'] } }, invoice)).toBe('WARNING');
  });

  it('recognises the destructive changes the tenant names', () => {
    const removal: Example = { eventType: 'org.webhook_deleted' };
    expect(levelWith({ destructive: { deletes: false } }, removal)).toBe('INFO');
    const wiki: Example = { eventType: 'repo.settings_updated', changedFields: ['wiki'] };
    expect(levelWith({ destructive: { fields: ['wiki'] } }, wiki)).toBe('WARNING');
    expect(levelWith({ destructive: { eventTypes: ['repo.settings*'] } }, wiki)).toBe('WARNING');
  });

  it('reads risk where and as the tenant says', () => {
    const score: Example = { eventType: 'security.scan.finding', metadata: { risk: 85 } };
    expect(levelWith({}, score)).toBe('CRITICAL');
    expect(levelWith({ risk: { highThreshold: 90 } }, score)).toBe('WARNING');
    const severity: Example = { eventType: 'auth.mfa.disabled', metadata: { severity: 'critical' } };
    expect(levelWith({}, severity)).toBe('WARNING');
    expect(levelWith({ risk: { metadataField: 'severity' } }, severity)).toBe('CRITICAL');
  });

  it('recognises anomalies, abnormal access and violations the way the tenant says', () => {
    const suspicious: Example = { eventType: 'auth.user.login', metadata: { suspicious: true, anomaly: true } };
    expect(
      levelWith({ anomaly: { metadataFlag: 'suspicious' } }, { ...suspicious, metadata: { suspicious: true } }),
    ).toBe('CRITICAL');
    expect(
      levelWith(
        { anomaly: { metadataFlag: 'suspicious', eventTypes: [] } },
        { eventType: 'auth.user.login', metadata: { anomaly: true } },
      ),
    ).toBe('INFO');
    expect(levelWith({ anomaly: { eventTypes: [] } }, { eventType: 'auth.anomaly.impossible_travel' })).toBe('INFO');
    expect(
      levelWith({ anomaly: { outcomes: ['denied'] } }, { eventType: 'auth.role.changed', outcome: 'denied' }),
    ).toBe('CRITICAL');
    const clone: Example = { eventType: 'repo.cloned' };
    expect(levelWith({ abnormalAccess: { eventTypes: ['repo.cloned'] } }, clone)).toBe('WARNING');
    expect(levelWith({ abnormalAccess: { outcomes: [] } }, { ...clone, outcome: 'denied' })).toBe('INFO');
    const failedCheck: Example = { eventType: 'compliance.check.completed', outcome: 'failure' };
    expect(levelWith({ violation: { outcomes: [] } }, failedCheck)).toBe('INFO');
    expect(levelWith({ violation: { outcomes: ['denied'] } }, failedCheck)).toBe('INFO');
  });

  it('lets an override still have the last word', () => {
    const result = classify(inputOf({ eventType: 'compliance.violation_detected' }), {
      overrides: [{ match: 'compliance.violation_detected', level: 'WARNING' }],
    });
    expect(result.level).toBe('WARNING');
  });
});
