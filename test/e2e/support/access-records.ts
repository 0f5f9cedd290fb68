import { adminDb, waitFor } from '../../support/emulators';

/** One recorded read of the log, as stored. */
export interface AccessRecord {
  logId: string;
  eventType: string;
  after: { view?: string; filters?: Record<string, string[]>; logId?: string; returned?: number };
}

/**
 * The reads of the log a console user caused in a tenant, as recorded (`audit.log.searched`,
 * `audit.entry.viewed`), read with the Admin SDK.
 */
export async function accessRecords(tenantId: string, uid: string, eventType: string): Promise<AccessRecord[]> {
  const snap = await adminDb()
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .where('eventType', '==', eventType)
    .where('actor.id', '==', uid)
    .get();
  return snap.docs.map((d) => ({
    logId: d.id,
    eventType,
    after: (d.get('changes.after') ?? {}) as AccessRecord['after'],
  }));
}

/** Waits until the user's reads of `eventType` number at least `count`; returns them. */
export async function waitForAccessRecords(
  tenantId: string,
  uid: string,
  eventType: string,
  count: number,
): Promise<AccessRecord[]> {
  return waitFor(
    () => accessRecords(tenantId, uid, eventType),
    (records) => records.length >= count,
    { timeoutMs: 30_000, intervalMs: 250, what: `${count} ${eventType} records of ${uid}` },
  );
}

/** How many searches with exactly these filters the user has recorded. */
export async function searchesWith(tenantId: string, uid: string, filters: Record<string, string[]>): Promise<number> {
  const records = await accessRecords(tenantId, uid, 'audit.log.searched');
  const want = JSON.stringify(Object.entries(filters).sort());
  return records.filter((r) => JSON.stringify(Object.entries(r.after.filters ?? {}).sort()) === want).length;
}

/**
 * Runs `navigate` (a console search with these filters) and waits until its read is recorded, so
 * that the record, an entry of the tenant itself, is not still in flight when a test compares
 * the tenant's entries with what a later query shows.
 */
export async function searchRecorded<T>(
  tenantId: string,
  uid: string,
  filters: Record<string, string[]>,
  navigate: () => Promise<T>,
): Promise<T> {
  const before = await searchesWith(tenantId, uid, filters);
  const result = await navigate();
  await waitFor(
    () => searchesWith(tenantId, uid, filters),
    (n) => n > before,
    { timeoutMs: 30_000, intervalMs: 250, what: `the search ${JSON.stringify(filters)} to be recorded` },
  );
  return result;
}
