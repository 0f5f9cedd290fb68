import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_RULES } from '@audit-log/model/classification';
import { DEFAULT_TENANT_SETTINGS, classificationOverrideSchema, readTenantSettings } from './tenant';

describe('readTenantSettings', () => {
  it('fills every default for a bare or missing document', () => {
    const expected = {
      retentionDays: 90,
      classification: { overrides: [], ...DEFAULT_CLASSIFICATION_RULES },
      redaction: { extraKeys: [], maskEmails: true },
      review: { deadlineHours: { CRITICAL: 24, ERROR: 72, WARNING: 168, INFO: 336 } },
      alerts: { rules: [expect.objectContaining({ id: 'critical', levels: ['CRITICAL'], recipientRoles: ['admin'] })] },
      webhook: { enabled: false },
      ingest: { pubsubSources: [], maxBackdateDays: 30, backfillSources: [] },
      privacy: { encryptPersonalData: true, personalKeys: [] },
    };
    expect(DEFAULT_TENANT_SETTINGS).toEqual(expected);
    expect(readTenantSettings({})).toEqual({ settings: expected, problems: [] });
    expect(readTenantSettings(undefined)).toEqual({ settings: expected, problems: [] });
    expect(readTenantSettings(null)).toEqual({ settings: expected, problems: [] });
  });

  it('seals personal data unless the tenant turns it off explicitly, also when its section is malformed', () => {
    expect(readTenantSettings({ name: 'New' }).settings.privacy.encryptPersonalData).toBe(true);
    expect(readTenantSettings({ privacy: {} }).settings.privacy.encryptPersonalData).toBe(true);
    const malformed = readTenantSettings({ privacy: { encryptPersonalData: 'no' } });
    expect(malformed.settings.privacy.encryptPersonalData).toBe(true);
    expect(malformed.problems.join('\n')).toMatch(/privacy\.encryptPersonalData/);
    const off = readTenantSettings({ privacy: { encryptPersonalData: false } });
    expect(off).toMatchObject({ settings: { privacy: { encryptPersonalData: false } }, problems: [] });
  });

  it('reads overrides and redaction settings', () => {
    const { settings, problems } = readTenantSettings({
      name: 'Acme',
      retentionDays: 365,
      classification: { overrides: [{ match: 'repo.*', level: 'WARNING' }] },
      redaction: { extraKeys: ['salary'], maskEmails: false },
    });
    expect(problems).toEqual([]);
    expect(settings.classification.overrides).toEqual([{ match: 'repo.*', level: 'WARNING' }]);
    expect(settings.redaction).toEqual({ extraKeys: ['salary'], maskEmails: false });
    expect(settings.retentionDays).toBe(365);
  });

  it('falls back to the defaults of the malformed sections only and names their problems', () => {
    const { settings, problems } = readTenantSettings({
      retentionDays: 0,
      classification: { overrides: [{ match: 'Repo.*', level: 'LOUD' }] },
      redaction: { extraKeys: ['salary'], maskEmails: false },
      webhook: { enabled: true, url: 'https://169.254.169.254/computeMetadata/v1/' },
      ingest: { pubsubSources: ['billing'] },
    });
    expect(settings).toEqual({
      ...DEFAULT_TENANT_SETTINGS,
      redaction: { extraKeys: ['salary'], maskEmails: false },
      ingest: { ...DEFAULT_TENANT_SETTINGS.ingest, pubsubSources: ['billing'] },
    });
    expect(settings.webhook).toEqual({ enabled: false });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^retentionDays: /),
        expect.stringMatching(/^classification\.overrides\.0\.match: must be an event type or a prefix/),
        expect.stringMatching(/^classification\.overrides\.0\.level: /),
        expect.stringMatching(/^webhook\.url: must not point at a link-local address/),
      ]),
    );
  });
});

describe('classificationOverrideSchema', () => {
  it('accepts exact types and prefixes ending in *', () => {
    for (const match of ['repo.deleted', 'repo.*', 'repo.settings*', 'security.']) {
      expect(classificationOverrideSchema.safeParse({ match }).success, match).toBe(true);
    }
  });

  it('refuses wildcards elsewhere, upper case and unknown fields', () => {
    for (const value of [{ match: '*' }, { match: 'repo.*.x' }, { match: 'Repo.*' }, { match: 'repo.*', extra: 1 }]) {
      expect(classificationOverrideSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
  });
});
