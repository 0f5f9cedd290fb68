import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_RULES } from '@audit-log/model/classification';
import { parseCommand, type CommandError } from '../commands';
import { buildEntry } from '../pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from '../tenant';
import { validateEnvelope } from '../validate';
import { applySettingsUpdate, settingsChangedEnvelope, settingsView, tenantSettingsUpdateSchema } from './update';

const DOC = {
  name: 'Acme',
  retentionDays: 90,
  classification: { overrides: [{ match: 'repo.*', level: 'WARNING' }] },
  anomaly: { deniedThreshold: 7 },
  settingsVersion: 3,
};

describe('applySettingsUpdate', () => {
  it('replaces the sections sent, keeps the others, and reports what changed', () => {
    const update = parseCommand(tenantSettingsUpdateSchema, {
      retentionDays: 30,
      review: { deadlineHours: { CRITICAL: 4 } },
      webhook: { enabled: true, url: 'https://hooks.example.com/audit' },
    });
    const change = applySettingsUpdate(DOC, update);
    expect(change.changed).toEqual(['retentionDays', 'review', 'webhook']);
    expect(change.writes).toEqual({
      retentionDays: 30,
      review: { deadlineHours: { CRITICAL: 4, ERROR: 72, WARNING: 168, INFO: 336 } },
      webhook: { enabled: true, url: 'https://hooks.example.com/audit' },
    });
    expect(change.after.classification).toEqual({ ...DEFAULT_CLASSIFICATION_RULES, ...DOC.classification });
    expect(change.changed).not.toContain('classification');
    expect(change.after.anomaly).toEqual({ enabled: true, deniedThreshold: 7, windowSeconds: 300 });
    expect(change.before.retentionDays).toBe(90);
  });

  it('changes nothing when the values are the same', () => {
    const update = parseCommand(tenantSettingsUpdateSchema, { retentionDays: 90, name: 'Acme' });
    expect(applySettingsUpdate(DOC, update).changed).toEqual([]);
  });

  it('refuses unknown sections and fields, with field-level messages', () => {
    const attempt = (data: unknown) => {
      try {
        parseCommand(tenantSettingsUpdateSchema, data);
      } catch (err) {
        return (err as CommandError).errors;
      }
      return [];
    };
    expect(attempt({ retention: 30 })).toContainEqual({ path: '', message: 'Unrecognized key: "retention"' });
    expect(attempt({ review: { deadlineHours: { CRITICAL: 0 } } })).toEqual([
      { path: 'review.deadlineHours.CRITICAL', message: 'CRITICAL: must be at least 1 hour' },
    ]);
    expect(attempt({ alerts: { rules: [{ id: 'a', name: 'A' }] } })[0]?.path).toBe('alerts.rules.0.levels');
    expect(attempt({ webhook: { enabled: true, url: 'http://example.com' } })[0]?.path).toBe('webhook.url');
    expect(attempt({})).toEqual([{ path: '', message: 'must change at least one section' }]);
  });

  it('names the wrong field of the classification rules', () => {
    const attempt = (classification: unknown) => {
      try {
        parseCommand(tenantSettingsUpdateSchema, { classification });
      } catch (err) {
        return (err as CommandError).errors.map((e) => e.path);
      }
      return [];
    };
    expect(attempt({ sensitive: { fields: ['salary', ''] } })).toEqual(['classification.sensitive.fields.1']);
    expect(attempt({ destructive: { eventTypes: ['Config.*'] } })).toEqual(['classification.destructive.eventTypes.0']);
    expect(attempt({ destructive: { deletes: 'yes' } })).toEqual(['classification.destructive.deletes']);
    expect(attempt({ risk: { highThreshold: -1 } })).toEqual(['classification.risk.highThreshold']);
    expect(attempt({ risk: { metadataField: 'risk.score' } })).toEqual(['classification.risk.metadataField']);
    expect(attempt({ anomaly: { outcomes: ['success'] } })).toEqual(['classification.anomaly.outcomes.0']);
    expect(attempt({ violation: { metadataFlg: 'x' } })).toEqual(['classification.violation']);
    expect(attempt({ sensitive: { fields: ['a'] }, risk: { highThreshold: 50 } })).toEqual([]);
  });

  it('tunes the level table: a changed rule changes the level of the next entry', () => {
    const wiki = validateEnvelope(
      {
        specVersion: '1.0',
        eventId: 'e-1',
        eventType: 'repo.settings_updated',
        tenantId: 'acme',
        occurredAt: '2026-03-01T12:00:00.000Z',
        source: 'repo-service',
        actor: { type: 'user', id: 'u-1' },
        resource: { type: 'repository', id: 'r-1' },
        changes: { before: { wiki: true }, after: { wiki: false } },
      },
      new Date('2026-03-01T12:00:01Z'),
    );
    const levelUnder = (doc: unknown) => buildEntry(wiki, settingsView(doc).settings, { via: 'pubsub' }).level;
    // Classification is the point here; sealing (on by default) is turned off so no key is needed.
    const plain = { name: 'Plain', privacy: { encryptPersonalData: false } };
    expect(levelUnder(plain)).toBe('INFO');
    const change = applySettingsUpdate(
      plain,
      parseCommand(tenantSettingsUpdateSchema, { classification: { destructive: { fields: ['wiki'] } } }),
    );
    expect(change.changed).toEqual(['classification']);
    expect(levelUnder({ ...plain, ...change.writes })).toBe('WARNING');
    // A section sent replaces the section: the overrides not sent are gone, the other rules default.
    const replaced = applySettingsUpdate(
      DOC,
      parseCommand(tenantSettingsUpdateSchema, { classification: { destructive: { fields: ['wiki'] } } }),
    );
    expect(replaced.after.classification.overrides).toEqual([]);
    expect(change.after.classification.sensitive).toEqual(DEFAULT_CLASSIFICATION_RULES.sensitive);
  });

  it('reads a malformed document as defaults and names the problems', () => {
    const view = settingsView({ retentionDays: -1, anomaly: { windowSeconds: 1 } });
    expect(view.settings.retentionDays).toBe(CLEAR_TEXT_TENANT_SETTINGS.retentionDays);
    expect(view.problems).toEqual([
      expect.stringMatching(/^retentionDays: /),
      expect.stringMatching(/^anomaly\.windowSeconds: /),
    ]);
  });
});

describe('settingsChangedEnvelope', () => {
  it('is a valid SYSTEM_CONFIGURATION event with before and after of the changed sections', () => {
    const change = applySettingsUpdate(DOC, parseCommand(tenantSettingsUpdateSchema, { retentionDays: 30 }));
    const envelope = settingsChangedEnvelope({
      tenantId: 'acme',
      admin: { uid: 'u-admin', email: 'admin@example.com' },
      change,
      version: 4,
      occurredAt: '2026-03-01T12:00:00.000Z',
    });
    const entry = buildEntry(validateEnvelope(envelope, new Date('2026-03-01T12:00:01Z')), CLEAR_TEXT_TENANT_SETTINGS, {
      via: 'outbox',
    });
    expect(entry).toMatchObject({
      eventId: 'tenant-settings-4',
      eventType: 'config.tenant_settings.updated',
      category: 'SYSTEM_CONFIGURATION',
      resource: { type: 'tenant', id: 'acme', name: 'Acme' },
      changes: { before: { retentionDays: 90 }, after: { retentionDays: 30 } },
      changedFields: ['retentionDays'],
    });
  });
});
