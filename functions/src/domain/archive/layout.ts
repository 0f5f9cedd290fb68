/**
 * Where archives live and which days they cover. Days are UTC calendar days (`YYYY-MM-DD`); an
 * entry belongs to the day of its `occurredAt`.
 */

export const DAY_MS = 86_400_000;
/** Top-level prefix of the cold tier in the bucket (the lifecycle rule matches it). */
export const ARCHIVE_PREFIX = 'audit/';
/** Cold retention: seven years of 365.25 days, rounded (the lifecycle rule uses the same number). */
export const COLD_RETENTION_DAYS = 2557;
/** Warm retention when a tenant sets none (contract: 90 days). */
export const DEFAULT_WARM_RETENTION_DAYS = 90;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TENANT = /^[A-Za-z0-9_-]{1,128}$/;

/** True for a real calendar date in `YYYY-MM-DD` form. */
export function isIsoDate(date: string): boolean {
  return DATE.test(date) && new Date(`${date}T00:00:00.000Z`).toISOString().slice(0, 10) === date;
}

/** The UTC day of an instant given in milliseconds. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `[start, end)` of a UTC day in milliseconds. */
export function dayBounds(date: string): { startMs: number; endMs: number } {
  if (!isIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const startMs = Date.parse(`${date}T00:00:00.000Z`);
  return { startMs, endMs: startMs + DAY_MS };
}

/** The day `days` after `date` (negative for before). */
export function addDays(date: string, days: number): string {
  return utcDate(dayBounds(date).startMs + days * DAY_MS);
}

/**
 * Entries with `occurredAt` before this instant are past warm retention: the start of today (UTC)
 * minus `retentionDays` days. Whole days only, so a day is archived once, complete.
 */
export function warmCutoffMs(nowMs: number, retentionDays: number): number {
  return dayBounds(utcDate(nowMs)).startMs - retentionDays * DAY_MS;
}

/** Days strictly before this date are past cold retention and are purged. */
export function coldCutoffDate(nowMs: number, coldRetentionDays = COLD_RETENTION_DAYS): string {
  return utcDate(dayBounds(utcDate(nowMs)).startMs - coldRetentionDays * DAY_MS);
}

function assertPartition(tenantId: string, date: string, part: number): void {
  if (!TENANT.test(tenantId)) throw new RangeError(`invalid tenant id: ${tenantId}`);
  if (!isIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  if (!Number.isSafeInteger(part) || part < 1) throw new RangeError(`part must be a positive integer: ${part}`);
}

/** `audit/tenant=<tenantId>/date=<YYYY-MM-DD>/part-<n>.parquet` (Hive-partitioned, contract). */
export function archiveObjectPath(tenantId: string, date: string, part: number): string {
  assertPartition(tenantId, date, part);
  return `${ARCHIVE_PREFIX}tenant=${tenantId}/date=${date}/part-${part}.parquet`;
}

/** The manifest beside the file; `.json`, so the `*.parquet` URI of the external table skips it. */
export function manifestObjectPath(tenantId: string, date: string, part: number): string {
  return archiveObjectPath(tenantId, date, part).replace(/\.parquet$/, '.manifest.json');
}

/** Document id in `audit_archives`: `<tenantId>:<date>:<part>` (tenant ids cannot hold `:`). */
export function archiveId(tenantId: string, date: string, part: number): string {
  assertPartition(tenantId, date, part);
  return `${tenantId}:${date}:${part}`;
}

/** Lease id of one tenant and day: every writer of that day's archives takes it first. */
export function dayLeaseId(tenantId: string, date: string): string {
  assertPartition(tenantId, date, 1);
  return `${tenantId}:${date}`;
}

/** Parses an object path of the layout back into its partition, or null for anything else. */
export function parseArchiveObjectPath(path: string): { tenantId: string; date: string; part: number } | null {
  const m = /^audit\/tenant=([A-Za-z0-9_-]{1,128})\/date=(\d{4}-\d{2}-\d{2})\/part-([1-9]\d*)\.parquet$/.exec(path);
  if (!m || !isIsoDate(m[2]!)) return null;
  return { tenantId: m[1]!, date: m[2]!, part: Number(m[3]) };
}
