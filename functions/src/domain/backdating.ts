import type { FieldError } from './errors';
import type { TransportContext } from './metadata';
import type { TenantSettings } from './tenant';

const DAY_MS = 86_400_000;

/**
 * How far in the past an event of this tenant may say it occurred, or null when it may say
 * anything: the system's own events, and producers holding the backfill capability (an API key
 * with the `backfill` scope, set by the HTTP adapter; a Pub/Sub source the tenant lists in
 * `ingest.backfillSources`). Never beyond warm retention: an event older than that would be due
 * for the archive the moment it is stored, on a day that may have been archived already.
 */
export function backdateBoundDays(
  settings: TenantSettings,
  transport: TransportContext,
  source: string,
): number | null {
  if (transport.trusted || transport.backfill) return null;
  if (transport.via === 'pubsub' && settings.ingest.backfillSources.includes(source)) return null;
  return Math.min(settings.ingest.maxBackdateDays, settings.retentionDays);
}

/** The field error of an event that claims to be older than its producer may write, or none. */
export function backdatingErrors(
  occurredAt: string,
  now: Date,
  settings: TenantSettings,
  transport: TransportContext,
  source: string,
): FieldError[] {
  const days = backdateBoundDays(settings, transport, source);
  if (days === null || Date.parse(occurredAt) >= now.getTime() - days * DAY_MS) return [];
  return [
    {
      path: 'occurredAt',
      message:
        `must not be more than ${days} days in the past (the tenant's ingest.maxBackdateDays, at most its ` +
        'retention); importing history needs the backfill capability',
    },
  ];
}
