import * as z from 'zod/mini';
import { REJECTION_REASONS } from './errors';
import { storedConverter, timestampSchema } from './stored-document';

/**
 * `audit_dead_letters/{id}` as stored (contract.md, "Invalid input"): input that can never be
 * stored, with its reason and field errors. Written by ingest only; tenant admins read it in the
 * console, `replayDeadLetter` runs its payload again.
 */

/** The ingest paths a dead letter can come from. */
export const DEAD_LETTER_SOURCES = ['pubsub', 'outbox', 'http'] as const;
export type DeadLetterSource = (typeof DEAD_LETTER_SOURCES)[number];

const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

/** The last replay of a letter: when, by whom, and what became of it. */
const lastReplaySchema = z.object({
  at: timestampSchema,
  by: z.object({ uid: z.string(), email: z.optional(z.string()) }),
  outcome: z.string(),
  reason: z.optional(z.string()),
});

export const deadLetterDocSchema = z.object({
  reason: z.enum(REJECTION_REASONS),
  message: z.string(),
  errors: z.array(fieldErrorSchema),
  /** Truncated and, where the tenant's rules matched, redacted (`rawPayloadRedacted`). */
  rawPayload: z.string(),
  rawPayloadRedacted: z.optional(z.boolean()),
  rawPayloadRedactedPaths: z.optional(z.array(z.string())),
  source: z.enum(DEAD_LETTER_SOURCES),
  receivedAt: timestampSchema,
  /** Absent when the input named no tenant (or not a readable one). */
  tenantId: z.optional(z.string()),
  eventId: z.optional(z.string()),
  /** The event came from the system's own trusted path, so a replay may trust it again. */
  systemEvent: z.optional(z.boolean()),
  /** `replayed` once a replay stored it. */
  status: z.optional(z.literal('replayed')),
  replayAttempts: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  replayLogId: z.optional(z.string()),
  lastReplay: z.optional(lastReplaySchema),
});
export type DeadLetterDoc = z.infer<typeof deadLetterDocSchema>;

/** Converter of `audit_dead_letters` for `withConverter` of either SDK. */
export const deadLetterConverter = storedConverter(deadLetterDocSchema);
