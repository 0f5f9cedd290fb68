import { z } from 'zod';
import { webhookUrlSchema } from '../alerts';
import { docIdSchema, labelSchema } from '../commands';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

/** Entries per webhook batch when the stream does not say. */
export const DEFAULT_SINK_BATCH_SIZE = 200;
/** The most entries one batch may carry: a batch is one request and one cursor commit. */
export const MAX_SINK_BATCH_SIZE = 500;

/** `createSink`: a signed HTTPS webhook stream of every new entry of the caller's tenant. */
export const createSinkInputSchema = z.strictObject({
  name: labelSchema(100),
  kind: z.literal('webhook', 'must be "webhook"').default('webhook'),
  url: webhookUrlSchema,
  batchSize: z
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_SINK_BATCH_SIZE, `must be at most ${MAX_SINK_BATCH_SIZE}`)
    .default(DEFAULT_SINK_BATCH_SIZE),
  /** The first entry sent is the first recorded at or after this instant; now when left out. */
  startAt: instant.optional(),
});
export type CreateSinkInput = z.infer<typeof createSinkInputSchema>;

/** `pauseSink`, `resumeSink`, `deleteSink`: one stream of the caller's tenant. */
export const sinkIdInputSchema = z.strictObject({ sinkId: docIdSchema });

/** `replaySink`: send again every entry recorded at or after `from`. */
export const replaySinkInputSchema = z.strictObject({ sinkId: docIdSchema, from: instant });

/** `runSinks`: deliver the caller's streams (or one of them) now, without waiting for a backoff. */
export const runSinksInputSchema = z.strictObject({ sinkId: docIdSchema.optional() });
