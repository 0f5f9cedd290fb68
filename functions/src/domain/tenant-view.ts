import { readAnomalySettings, type AnomalySettings } from './anomaly';
import { readBudgetLimit, type RateBudgetName, type RateLimit } from './api/rate-limit';
import { readOutboxPolicy, type OutboxPolicy } from './outbox-policy';
import { readTenantSettings, type TenantSettings } from './tenant';

/** The sections of a tenant document that the functions read, each parsed on its own. */
export type TenantSection = 'settings' | 'anomaly' | 'outbox' | 'rates';

/**
 * Everything the functions take from one tenant document `tenants/{tenantId}`, typed, with the
 * defaults filled in. Each section is parsed on its own, so a malformed one falls back to its
 * defaults without touching the others, and its problems are kept for the operator's log.
 */
export interface TenantView {
  /** Retention, classification overrides, redaction, review deadlines, alerts, webhook, ingest. */
  settings: TenantSettings;
  /** The repeated-denials rule (`anomaly`). */
  anomaly: AnomalySettings;
  /** The outbox's family allow-list and per-user bound (`outbox`). */
  outbox: OutboxPolicy;
  /** The HTTP API's budgets (`api.rateLimit`, `api.keyRateLimit`, `api.readRateLimit`). */
  rates: Readonly<Record<RateBudgetName, RateLimit>>;
  /** What was wrong with each section (empty when nothing was). */
  problems: Readonly<Record<TenantSection, readonly string[]>>;
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/** Parses a tenant document's data (`undefined` for a document that does not exist). */
export function readTenantView(data: unknown): TenantView {
  const settings = readTenantSettings(data);
  const anomaly = readAnomalySettings(data);
  const outbox = readOutboxPolicy(data);
  const ingest = readBudgetLimit(data, 'ingest');
  const key = readBudgetLimit(data, 'key');
  const read = readBudgetLimit(data, 'read');
  return {
    settings: settings.settings,
    anomaly: anomaly.settings,
    outbox: outbox.policy,
    rates: { ingest: ingest.rateLimit, key: key.rateLimit, read: read.rateLimit },
    problems: {
      settings: settings.problems,
      anomaly: anomaly.problems,
      outbox: outbox.problems,
      // The key budget repeats the tenant budget's problems (it is half of it by default).
      rates: unique([...ingest.problems, ...key.problems, ...read.problems]),
    },
  };
}

/** What a tenant without a document gets from the readers that fall back to defaults. */
export const DEFAULT_TENANT_VIEW: TenantView = readTenantView(undefined);
