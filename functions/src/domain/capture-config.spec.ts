import { describe, expect, it } from 'vitest';
import {
  CaptureConfigError,
  DEFAULT_CAPTURE_TARGETS,
  captureTargetsFromSetting,
  eventPrefixOf,
  isAuditOwnedPath,
  parseCaptureTargets,
} from './capture-config';
import { classify } from './classify';

function errorsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof CaptureConfigError) return err.errors.map((e) => `${e.path}: ${e.message}`);
    throw err;
  }
  throw new Error('expected a CaptureConfigError');
}

describe('capture configuration', () => {
  it('accepts the demo defaults, whose event types classify in their categories', () => {
    const targets = parseCaptureTargets(DEFAULT_CAPTURE_TARGETS);
    expect(targets.map((t) => t.name)).toEqual(['repos', 'issues', 'pulls', 'members', 'settings']);
    expect(targets.map(eventPrefixOf)).toEqual([
      'data.repository',
      'data.issue',
      'data.pull_request',
      'permission.member',
      'config.settings',
    ]);
    for (const target of targets) {
      expect(classify({ eventType: `${eventPrefixOf(target)}.updated`, outcome: 'success' }).category).toBe(
        target.category,
      );
    }
  });

  it('uses the defaults when the setting is unset or blank, and parses a JSON array otherwise', () => {
    expect(captureTargetsFromSetting(undefined)).toEqual(DEFAULT_CAPTURE_TARGETS);
    expect(captureTargetsFromSetting('  ')).toEqual(DEFAULT_CAPTURE_TARGETS);
    const custom = [
      {
        name: 'wikis',
        document: 'tenants/{tenantId}/repos/{repoId}/wikis/{pageId}',
        resourceType: 'wiki_page',
        category: 'DATA_MODIFICATION',
      },
    ];
    expect(captureTargetsFromSetting(JSON.stringify(custom))).toEqual(custom);
  });

  it('refuses any pattern that reaches an audit-owned collection', () => {
    for (const document of [
      'audit_logs/{tenantId}',
      'tenants/{tenantId}/audit_outbox/{id}',
      'audit_anomaly_windows/{tenantId}',
      'notifications/{tenantId}',
    ]) {
      const errors = errorsOf(() =>
        parseCaptureTargets([{ name: 'x', document, resourceType: 'thing', category: 'DATA_MODIFICATION' }]),
      );
      expect(errors.join('\n')).toMatch(/belongs to the audit system and is never captured/);
    }
  });

  it('refuses wildcard collections, collection paths and patterns without a tenant', () => {
    const target = (document: string) => [
      { name: 'x', document, resourceType: 'thing', category: 'DATA_MODIFICATION' },
    ];
    expect(errorsOf(() => parseCaptureTargets(target('tenants/{tenantId}/{coll}/{id}')))).toContain(
      '0.document: segment 3 ("{coll}") must be a literal collection id',
    );
    expect(errorsOf(() => parseCaptureTargets(target('tenants/{tenantId}/repos'))).join()).toMatch(
      /must be a document path/,
    );
    expect(errorsOf(() => parseCaptureTargets(target('repos/{id}')))).toContain(
      '0.document: must contain the {tenantId} wildcard',
    );
  });

  it('refuses a prefix that the classifier puts in another category', () => {
    const errors = errorsOf(() =>
      parseCaptureTargets([
        {
          name: 'repos',
          document: 'tenants/{tenantId}/repos/{id}',
          resourceType: 'repository',
          category: 'AUTHORIZATION',
          eventPrefix: 'data.repository',
        },
      ]),
    );
    expect(errors).toContain(
      '0.eventPrefix: data.repository.created is classified DATA_MODIFICATION, not AUTHORIZATION; choose another prefix',
    );
  });

  it('refuses duplicate names and documents, bad JSON and unknown fields with field paths', () => {
    const repos = DEFAULT_CAPTURE_TARGETS[0]!;
    expect(errorsOf(() => parseCaptureTargets([repos, repos]))).toEqual([
      '1.name: "repos" is used twice',
      '1.document: "tenants/{tenantId}/repos/{docId}" is watched twice',
    ]);
    expect(errorsOf(() => captureTargetsFromSetting('{not json')).join()).toMatch(/must be a JSON array/);
    expect(errorsOf(() => parseCaptureTargets([{ ...repos, colour: 'red' }])).join()).toMatch(/^0: /);
    expect(errorsOf(() => parseCaptureTargets([]))).toEqual([': must list at least one target']);
  });
});

describe('isAuditOwnedPath', () => {
  it('recognizes the audit system collections at any depth, and only collection segments', () => {
    expect(isAuditOwnedPath('audit_logs/abc')).toBe(true);
    expect(isAuditOwnedPath('tenants/t1/audit_settings/x')).toBe(true);
    expect(isAuditOwnedPath('notifications/n1')).toBe(true);
    expect(isAuditOwnedPath('tenants/t1/repos/r1')).toBe(false);
    // A document id that merely looks like an audit collection is business data.
    expect(isAuditOwnedPath('tenants/audit_logs/repos/r1')).toBe(false);
  });
});
