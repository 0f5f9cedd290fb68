import { z } from 'zod';
import type { StreamGap } from './stream-state';
import { issueLines } from '@audit-log/model';

/** Reserved source of the entries the ingest service records about itself (gap reports). */
export const INGEST_SYSTEM_SOURCE = 'audit-ingest';

/** Event type of a gap report. */
export const GAP_DETECTED_EVENT = 'audit.ingest.gap_detected';

/** Per-tenant settings of the detector, in `tenants/{tenantId}.gapDetection`. */
export const gapDetectionSettingsSchema = z.object({
  /** How long a missing sequence number may take to arrive before it is reported. */
  graceSeconds: z
    .number('must be a number of seconds')
    .int('must be whole seconds')
    .min(1, 'must be at least 1 second')
    .max(7 * 24 * 3600, 'must be at most 7 days')
    .default(600),
});
export type GapDetectionSettings = z.infer<typeof gapDetectionSettingsSchema>;

export const DEFAULT_GAP_DETECTION: GapDetectionSettings = gapDetectionSettingsSchema.parse({});

/**
 * The detector's settings of a tenant document. A malformed section falls back to the default
 * (10 minutes) rather than stopping detection, and the problems are returned for the log.
 */
export function readGapDetectionSettings(tenantDoc: unknown): { settings: GapDetectionSettings; problems: string[] } {
  const section =
    tenantDoc !== null && typeof tenantDoc === 'object'
      ? (tenantDoc as Record<string, unknown>).gapDetection
      : undefined;
  const parsed = gapDetectionSettingsSchema.safeParse(section ?? {});
  if (parsed.success) return { settings: parsed.data, problems: [] };
  return {
    settings: DEFAULT_GAP_DETECTION,
    problems: issueLines(parsed.error.issues, 'gapDetection'),
  };
}

/**
 * The audit event reporting one gap. Everything in it comes from the stored gap (its range and
 * when it was first seen), so a rerun after a crash builds the identical event and the store
 * keeps one entry.
 */
export function gapReportEnvelope(tenantId: string, source: string, gap: StreamGap): Record<string, unknown> {
  const missingCount = gap.to - gap.from + 1;
  return {
    specVersion: '1.0',
    eventId: gap.eventId,
    eventType: GAP_DETECTED_EVENT,
    tenantId,
    occurredAt: gap.firstSeenAt,
    source: INGEST_SYSTEM_SOURCE,
    actor: { type: 'system', id: INGEST_SYSTEM_SOURCE, name: 'Audit log gap detector' },
    resource: { type: 'audit_stream', id: source, name: source },
    operation: 'EXECUTE',
    // A producer's events that never arrived: a failure of delivery, not of the producer's action.
    outcome: 'failure',
    metadata: {
      stream: source,
      missingFrom: gap.from,
      missingTo: gap.to,
      missingCount,
      firstSeenAt: gap.firstSeenAt,
    },
  };
}
