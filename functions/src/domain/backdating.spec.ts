import { describe, expect, it } from 'vitest';
import { backdateBoundDays, backdatingErrors } from './backdating';
import { DEFAULT_TENANT_SETTINGS, type TenantSettings } from './tenant';

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const settings = (ingest: Partial<TenantSettings['ingest']> = {}, retentionDays = 90): TenantSettings => ({
  ...DEFAULT_TENANT_SETTINGS,
  retentionDays,
  ingest: { ...DEFAULT_TENANT_SETTINGS.ingest, ...ingest },
});

describe('backdating bound', () => {
  it('lets events be at most 30 days old by default, on every untrusted path', () => {
    for (const via of ['pubsub', 'outbox', 'http'] as const) {
      expect(backdatingErrors(daysAgo(29.9), now, settings(), { via }, 'repo-service')).toEqual([]);
      expect(backdatingErrors(daysAgo(30.1), now, settings(), { via }, 'repo-service')).toEqual([
        { path: 'occurredAt', message: expect.stringMatching(/^must not be more than 30 days in the past/) as unknown },
      ]);
    }
  });

  it("follows the tenant's setting and never reaches past warm retention", () => {
    expect(backdateBoundDays(settings({ maxBackdateDays: 7 }), { via: 'http' }, 's')).toBe(7);
    expect(backdateBoundDays(settings({ maxBackdateDays: 365 }, 90), { via: 'http' }, 's')).toBe(90);
    expect(backdateBoundDays(settings({}, 10), { via: 'pubsub' }, 's')).toBe(10);
    expect(backdatingErrors(daysAgo(11), now, settings({}, 10), { via: 'pubsub' }, 's')).toHaveLength(1);
  });

  it('exempts the system, backfill keys and the Pub/Sub sources the tenant lists, nothing else', () => {
    const old = daysAgo(400);
    const listed = settings({ backfillSources: ['importer'] });
    expect(backdatingErrors(old, now, settings(), { via: 'outbox', trusted: true }, 'audit-settings')).toEqual([]);
    expect(backdatingErrors(old, now, settings(), { via: 'http', backfill: true }, 'importer')).toEqual([]);
    expect(backdatingErrors(old, now, listed, { via: 'pubsub' }, 'importer')).toEqual([]);
    expect(backdatingErrors(old, now, listed, { via: 'pubsub' }, 'repo-service')).toHaveLength(1);
    // The list names Pub/Sub producers: an outbox writer or an HTTP key cannot borrow it.
    expect(backdatingErrors(old, now, listed, { via: 'outbox' }, 'importer')).toHaveLength(1);
    expect(backdatingErrors(old, now, listed, { via: 'http', backfill: false }, 'importer')).toHaveLength(1);
  });
});
