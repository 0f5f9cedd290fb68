import { z } from 'zod';
import { assertCommand, docIdSchema } from '../commands';

/** Operator views and actions: dead-letter replay, outbox listing, ingest health. */

const tenantIdSchema = z
  .string('must be a string')
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 characters of A-Z, a-z, 0-9, _ or -');

export const replayDeadLetterInputSchema = z.strictObject({ deadLetterId: docIdSchema });

export const listOutboxInputSchema = z.strictObject({
  tenantId: tenantIdSchema.optional(),
  status: z.enum(['pending', 'failed'], 'must be pending or failed').default('failed'),
  limit: z.number('must be a number').int().min(1).max(200, 'must be at most 200').default(50),
});

export const ingestHealthInputSchema = z.strictObject({
  tenantId: tenantIdSchema.optional(),
  windowMinutes: z
    .number('must be a number of minutes')
    .int('must be whole minutes')
    .min(1, 'must be at least 1 minute')
    .max(24 * 60, 'must be at most one day')
    .default(60),
});

/** The marker `store/dead-letters.ts` appends to a payload it had to shorten. */
export const TRUNCATION_MARKER = '…[truncated]';

/**
 * The bytes to ingest again. A payload shortened when it was dead-lettered is not the event the
 * producer sent, so it cannot be replayed: the producer has to send it again.
 */
export function replayPayload(rawPayload: unknown): Uint8Array {
  assertCommand(typeof rawPayload === 'string', 'payload_truncated', 'the dead letter holds no payload to replay');
  assertCommand(
    !rawPayload.endsWith(TRUNCATION_MARKER),
    'payload_truncated',
    'the stored payload was truncated; ask the producer to send the event again',
  );
  return Buffer.from(rawPayload, 'utf8');
}

/** Counts of one time window, as aggregation queries return them. */
export interface HealthCounts {
  windowMinutes: number;
  stored: number;
  deadLettered: number;
  outboxPending: number;
  outboxFailed: number;
}

export interface IngestHealth extends HealthCounts {
  /** Entries stored per minute over the window. */
  eventsPerMinute: number;
  /** Share of everything received in the window that was dead-lettered, 0..1. */
  deadLetterRate: number;
  /** `ok`, or `degraded` when more than 1% of input is dead-lettered or outbox documents failed. */
  status: 'ok' | 'degraded' | 'idle';
}

/** Rates and a verdict from raw counts. */
export function ingestHealth(counts: HealthCounts): IngestHealth {
  const received = counts.stored + counts.deadLettered;
  const deadLetterRate = received === 0 ? 0 : counts.deadLettered / received;
  const status = deadLetterRate > 0.01 || counts.outboxFailed > 0 ? 'degraded' : received === 0 ? 'idle' : 'ok';
  return {
    ...counts,
    eventsPerMinute: Math.round((counts.stored / counts.windowMinutes) * 100) / 100,
    deadLetterRate: Math.round(deadLetterRate * 10_000) / 10_000,
    status,
  };
}
