import type { Firestore } from 'firebase-admin/firestore';
import { readTenantSettings, type TenantSettings } from '../domain';
import { tenantSettingsInvalid } from '../logs';
import { COLLECTIONS } from './collections';

/**
 * Tenant settings with a short per-instance cache: ingest reads them for every event, and a
 * settings change reaching new events within `ttlMs` is fine. Unknown tenants are not cached, so
 * a tenant created a moment ago is accepted at once.
 */
export class TenantSettingsCache {
  private readonly cache = new Map<string, { settings: TenantSettings; expires: number }>();

  constructor(
    private readonly db: Firestore,
    private readonly ttlMs = 30_000,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(tenantId: string): Promise<TenantSettings | null> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.expires > this.clock()) return hit.settings;
    const snap = await this.db.collection(COLLECTIONS.tenants).doc(tenantId).get();
    if (!snap.exists) return null;
    const { settings, problems } = readTenantSettings(snap.data());
    if (problems.length > 0) tenantSettingsInvalid(tenantId, problems);
    this.cache.set(tenantId, { settings, expires: this.clock() + this.ttlMs });
    return settings;
  }
}
