import type { Firestore } from 'firebase-admin/firestore';
import type { AnomalySettings } from '../domain/anomaly';
import type { RateBudgetName, RateLimit } from '../domain/api/rate-limit';
import type { OutboxPolicy } from '../domain/outbox-policy';
import type { TenantSettings } from '../domain/tenant';
import { DEFAULT_TENANT_VIEW, readTenantView, type TenantSection, type TenantView } from '../domain/tenant-view';
import { anomalySettingsInvalid, outboxPolicyInvalid, rateLimitSettingsInvalid, tenantSettingsInvalid } from '../logs';
import { COLLECTIONS } from '../store/collections';

/**
 * How long a read tenant document serves this instance. Ingest, the outbox guard, the API's rate
 * limits and every reaction to a stored entry read the tenant per event; a settings change
 * reaches them all within this time (the shortest any of them ever allowed).
 */
export const TENANT_SETTINGS_TTL_MS = 10_000;

interface Entry {
  view: TenantView;
  expires: number;
  /** Sections whose problems were logged for this read: each once, by the first reader of it. */
  reported: Set<TenantSection>;
}

const REPORTERS: Record<TenantSection, (tenantId: string, problems: readonly string[]) => void> = {
  settings: tenantSettingsInvalid,
  anomaly: anomalySettingsInvalid,
  outbox: outboxPolicyInvalid,
  rates: rateLimitSettingsInvalid,
};

/**
 * The tenant documents `tenants/{tenantId}` as this instance reads them: one cache with a short
 * TTL, parsed by the domain (`readTenantView`), and one Firestore read however many callers ask
 * for the same tenant at once. A tenant without a document is never cached, so a tenant created
 * a moment ago is accepted at once; a failed read is not cached either (every waiting caller
 * gets the error, the next one reads again).
 */
export class TenantSettingsReader {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry | null>>();

  constructor(
    private readonly db: Firestore,
    private readonly ttlMs = TENANT_SETTINGS_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The parsed tenant document, or null when the tenant has none. */
  async view(tenantId: string): Promise<TenantView | null> {
    return (await this.entry(tenantId))?.view ?? null;
  }

  /** The tenant's settings, or null when the tenant does not exist. */
  async settings(tenantId: string): Promise<TenantSettings | null> {
    return this.section(tenantId, 'settings', (v) => v.settings, null);
  }

  /** The tenant's repeated-denials rule; the defaults for a tenant without a document. */
  anomaly(tenantId: string): Promise<AnomalySettings> {
    return this.section(tenantId, 'anomaly', (v) => v.anomaly, DEFAULT_TENANT_VIEW.anomaly);
  }

  /** The tenant's outbox policy; the defaults for a tenant without a document. */
  outboxPolicy(tenantId: string): Promise<OutboxPolicy> {
    return this.section(tenantId, 'outbox', (v) => v.outbox, DEFAULT_TENANT_VIEW.outbox);
  }

  /** One of the tenant's API budgets; the default for a tenant without a document. */
  rateLimit(tenantId: string, budget: RateBudgetName): Promise<RateLimit> {
    return this.section(tenantId, 'rates', (v) => v.rates[budget], DEFAULT_TENANT_VIEW.rates[budget]);
  }

  /** The budget last read for the tenant, however old; for callers that must carry on when a read fails. */
  lastKnownRateLimit(tenantId: string, budget: RateBudgetName): RateLimit | undefined {
    return this.entries.get(tenantId)?.view.rates[budget];
  }

  private async section<T>(
    tenantId: string,
    section: TenantSection,
    pick: (view: TenantView) => T,
    absent: T,
  ): Promise<T> {
    const entry = await this.entry(tenantId);
    if (!entry) return absent;
    const problems = entry.view.problems[section];
    if (problems.length > 0 && !entry.reported.has(section)) {
      entry.reported.add(section);
      REPORTERS[section](tenantId, problems);
    }
    return pick(entry.view);
  }

  private entry(tenantId: string): Promise<Entry | null> {
    const hit = this.entries.get(tenantId);
    if (hit && hit.expires > this.clock()) return Promise.resolve(hit);
    let read = this.pending.get(tenantId);
    if (!read) {
      read = this.read(tenantId).finally(() => this.pending.delete(tenantId));
      this.pending.set(tenantId, read);
    }
    return read;
  }

  private async read(tenantId: string): Promise<Entry | null> {
    const snap = await this.db.collection(COLLECTIONS.tenants).doc(tenantId).get();
    if (!snap.exists) {
      this.entries.delete(tenantId);
      return null;
    }
    const entry: Entry = { view: readTenantView(snap.data()), expires: this.clock() + this.ttlMs, reported: new Set() };
    this.entries.set(tenantId, entry);
    return entry;
  }
}

let shared: TenantSettingsReader | undefined;

/**
 * The instance's one tenant-settings reader, over the first Firestore it is given (an instance
 * has one). Every reader of tenant settings on a per-event path goes through it.
 */
export function tenantSettingsReader(db: Firestore): TenantSettingsReader {
  shared ??= new TenantSettingsReader(db);
  return shared;
}
