/**
 * Whether a newly created `audit_logs` document records new activity, or is an entry written back
 * long after it was first stored: a restore of an archived day (which writes every entry back
 * under its original id, byte for byte, `recordedAt` included) or a backfill that keeps the
 * original `recordedAt`. Firestore cannot tell the triggers on `audit_logs` which of the two a
 * create is, so they decide it here, and only new activity may count towards an anomaly, alert
 * anyone or start a review clock.
 *
 * The rule compares the entry's `recordedAt` with the time the document was created (the
 * trigger event's time, which stays the same on every redelivery):
 * - the store sets `recordedAt` immediately before it creates the document, so for new activity
 *   the two are a few milliseconds apart, and never more than the function's timeout (at most an
 *   hour for any Cloud Function) plus clock skew;
 * - an entry is archived only once its day is older than the tenant's warm retention (at least
 *   one day), so an entry written back by a restore was recorded a day or more earlier.
 * A threshold in between separates the two with a wide margin on both sides. It needs nothing
 * in the document besides what the store always writes: no marker field, so the hashed entry,
 * its archive row and the archive/restore round trip stay exactly as they are, and any tool that
 * writes entries back (not only the restore callable) is recognized too.
 *
 * The one case it cannot see is an entry that arrived late (its `occurredAt` already past the
 * warm retention), was archived and was restored within the threshold of its recording: its
 * triggers then run a second time within hours of the first, which every one of them tolerates
 * (they are idempotent for redelivery: deterministic ids, counters keyed by log id).
 */

/** Created this long or longer after its `recordedAt`, an entry is one written back, not news. */
export const WRITTEN_BACK_MIN_AGE_MS = 6 * 60 * 60 * 1000;

/** Why a created entry document is not new activity. */
export type NotNewReason =
  /** `recordedAt` is older than the creation by at least {@link WRITTEN_BACK_MIN_AGE_MS}. */
  | 'written_back'
  /** No usable `recordedAt`: not an entry the store wrote, so not evidence of activity. */
  | 'no_recorded_at';

export type CreatedEntryOrigin =
  | { kind: 'new' }
  | {
      kind: 'not_new';
      reason: NotNewReason;
      /** Milliseconds from `recordedAt` to the creation; null without a `recordedAt`. */
      ageMs: number | null;
    };

function validDate(value: Date | null): value is Date {
  return value !== null && !Number.isNaN(value.getTime());
}

/**
 * Classifies a created entry document by its stored `recordedAt` and the instant the document
 * was created. A `recordedAt` after the creation (clock skew between the writer and Firestore)
 * is new activity.
 */
export function createdEntryOrigin(recordedAt: Date | null, createdAt: Date): CreatedEntryOrigin {
  if (!validDate(recordedAt)) return { kind: 'not_new', reason: 'no_recorded_at', ageMs: null };
  const ageMs = createdAt.getTime() - recordedAt.getTime();
  if (ageMs >= WRITTEN_BACK_MIN_AGE_MS) return { kind: 'not_new', reason: 'written_back', ageMs };
  return { kind: 'new' };
}

/**
 * The creation instant of a trigger event: its CloudEvent `time` (the commit time, the same on
 * every redelivery), or `fallback` (the handler's clock) when the event carries none that parses.
 */
export function eventInstant(time: string | undefined, fallback: Date): Date {
  const ms = time === undefined ? Number.NaN : Date.parse(time);
  return Number.isNaN(ms) ? fallback : new Date(ms);
}
