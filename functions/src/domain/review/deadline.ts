import { z } from 'zod';
import type { Level } from '../catalog';

const hours = (level: string) =>
  z
    .number(`${level}: must be a number of hours`)
    .int(`${level}: must be whole hours`)
    .min(1, `${level}: must be at least 1 hour`)
    .max(24 * 90, `${level}: must be at most 2160 hours (90 days)`);

/** Default time to decide a flagged entry, by level: the more severe, the sooner. */
export const DEFAULT_REVIEW_DEADLINE_HOURS: Readonly<Record<Level, number>> = {
  CRITICAL: 24,
  ERROR: 72,
  WARNING: 168,
  INFO: 336,
};

/** Per-tenant setting `tenants/{tenantId}.review`. */
export const reviewSettingsSchema = z.strictObject({
  deadlineHours: z
    .strictObject({
      CRITICAL: hours('CRITICAL').default(DEFAULT_REVIEW_DEADLINE_HOURS.CRITICAL),
      ERROR: hours('ERROR').default(DEFAULT_REVIEW_DEADLINE_HOURS.ERROR),
      WARNING: hours('WARNING').default(DEFAULT_REVIEW_DEADLINE_HOURS.WARNING),
      INFO: hours('INFO').default(DEFAULT_REVIEW_DEADLINE_HOURS.INFO),
    })
    .default({ ...DEFAULT_REVIEW_DEADLINE_HOURS }),
});
export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;

export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = { deadlineHours: { ...DEFAULT_REVIEW_DEADLINE_HOURS } };

/**
 * When a flagged entry must be decided: its recording time plus the tenant's deadline for its
 * level. Counted from `recordedAt`, not `occurredAt`, so an event a producer delivers late (a
 * backfill, a queue that was down) still gives reviewers the full time.
 */
export function reviewDueAt(level: Level, recordedAt: Date, settings: ReviewSettings): Date {
  return new Date(recordedAt.getTime() + settings.deadlineHours[level] * 3_600_000);
}

/** Whether a review is overdue at `now` (ISO instants compare as text only when normalized, so parse). */
export function isOverdue(dueAt: string | undefined, now: Date): boolean {
  return dueAt !== undefined && Date.parse(dueAt) <= now.getTime();
}
