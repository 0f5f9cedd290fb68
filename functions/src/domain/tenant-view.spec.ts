import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_SETTINGS } from './anomaly';
import { DEFAULT_RATE_LIMIT, DEFAULT_READ_RATE_LIMIT } from './api/rate-limit';
import { DEFAULT_OUTBOX_POLICY } from './outbox-policy';
import { DEFAULT_TENANT_SETTINGS } from './tenant';
import { DEFAULT_TENANT_VIEW, readTenantView } from './tenant-view';

describe('readTenantView', () => {
  it('gives a bare or missing tenant document every default', () => {
    for (const data of [undefined, {}]) {
      const view = readTenantView(data);
      expect(view.settings).toEqual(DEFAULT_TENANT_SETTINGS);
      expect(view.anomaly).toEqual(DEFAULT_ANOMALY_SETTINGS);
      expect(view.outbox).toEqual(DEFAULT_OUTBOX_POLICY);
      expect(view.rates).toEqual({
        ingest: DEFAULT_RATE_LIMIT,
        key: {
          eventsPerSecond: DEFAULT_RATE_LIMIT.eventsPerSecond / 2,
          burst: Math.ceil(DEFAULT_RATE_LIMIT.burst / 2),
        },
        read: DEFAULT_READ_RATE_LIMIT,
      });
      expect(view.problems).toEqual({ settings: [], anomaly: [], outbox: [], rates: [] });
    }
    expect(DEFAULT_TENANT_VIEW).toEqual(readTenantView(undefined));
  });

  it('reads every section of one document', () => {
    const view = readTenantView({
      retentionDays: 30,
      ingest: { pubsubSources: ['billing'] },
      anomaly: { deniedThreshold: 5, windowSeconds: 300 },
      outbox: { allowedFamilies: ['repo'], userRateLimit: { events: 3, windowSeconds: 60 } },
      api: { rateLimit: { eventsPerSecond: 4, burst: 8 }, readRateLimit: { eventsPerSecond: 1, burst: 2 } },
    });
    expect(view.settings.retentionDays).toBe(30);
    expect(view.settings.ingest.pubsubSources).toEqual(['billing']);
    expect(view.anomaly).toMatchObject({ deniedThreshold: 5, windowSeconds: 300 });
    expect(view.outbox).toEqual({ allowedFamilies: ['repo'], userRateLimit: { events: 3, windowSeconds: 60 } });
    expect(view.rates).toEqual({
      ingest: { eventsPerSecond: 4, burst: 8 },
      key: { eventsPerSecond: 2, burst: 4 },
      read: { eventsPerSecond: 1, burst: 2 },
    });
  });

  it('falls back section by section, keeping the problems of each', () => {
    const view = readTenantView({
      retentionDays: 30,
      anomaly: { deniedThreshold: 'many' },
      outbox: { userRateLimit: { events: 0 } },
      api: { rateLimit: { eventsPerSecond: -1 } },
    });
    expect(view.settings.retentionDays).toBe(30);
    expect(view.anomaly).toEqual(DEFAULT_ANOMALY_SETTINGS);
    expect(view.outbox).toEqual(DEFAULT_OUTBOX_POLICY);
    expect(view.rates.ingest).toEqual(DEFAULT_RATE_LIMIT);
    expect(view.problems.settings).toEqual([]);
    expect(view.problems.anomaly).toEqual([expect.stringMatching(/^anomaly\.deniedThreshold: /)]);
    expect(view.problems.outbox).toEqual([expect.stringMatching(/^outbox\.userRateLimit\.events: /)]);
    // The key budget derives from the tenant budget: its problem is reported once, not twice.
    expect(view.problems.rates).toHaveLength(1);
    expect(view.problems.rates[0]).toMatch(/^api\.rateLimit\.eventsPerSecond: /);
  });
});
