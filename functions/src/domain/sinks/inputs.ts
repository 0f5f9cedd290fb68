import { z } from 'zod';
import { webhookUrlSchema } from '../alerts';
import { docIdSchema, labelSchema } from '../commands';
import { bucketSchema, storagePrefixSchema, topicSchema } from './targets';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

/** Entries per webhook batch when the stream does not say. */
export const DEFAULT_SINK_BATCH_SIZE = 200;
/** The most entries one batch may carry: a batch is one request and one cursor commit. */
export const MAX_SINK_BATCH_SIZE = 500;

const common = {
  name: labelSchema(100),
  batchSize: z
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_SINK_BATCH_SIZE, `must be at most ${MAX_SINK_BATCH_SIZE}`)
    .default(DEFAULT_SINK_BATCH_SIZE),
  /** The first entry sent is the first recorded at or after this instant; now when left out. */
  startAt: instant.optional(),
};

/**
 * `createSink`: a stream of every new entry of the caller's tenant, by kind — a signed HTTPS
 * webhook (`url`), a Pub/Sub topic (`topic`), or NDJSON objects in a bucket (`bucket`, `prefix`).
 * Each kind takes only its own fields; which topics and buckets a tenant may name is decided
 * with the tenant and project at hand (`pubsubTopicProblem`, `storageBucketProblem`).
 */
export const createSinkInputSchema = z.discriminatedUnion(
  'kind',
  [
    // A request without a kind is a webhook stream (the only kind there was at first).
    z.strictObject({ kind: z.literal('webhook').default('webhook'), url: webhookUrlSchema, ...common }),
    z.strictObject({ kind: z.literal('pubsub'), topic: topicSchema, ...common }),
    z.strictObject({
      kind: z.literal('storage'),
      bucket: bucketSchema,
      prefix: storagePrefixSchema.optional(),
      ...common,
    }),
  ],
  { error: 'must be "webhook", "pubsub" or "storage"' },
);
export type CreateSinkInput = z.infer<typeof createSinkInputSchema>;

/** `pauseSink`, `resumeSink`, `deleteSink`: one stream of the caller's tenant. */
export const sinkIdInputSchema = z.strictObject({ sinkId: docIdSchema });

/** `replaySink`: send again every entry recorded at or after `from`. */
export const replaySinkInputSchema = z.strictObject({ sinkId: docIdSchema, from: instant });

/** `runSinks`: deliver the caller's streams (or one of them) now, without waiting for a backoff. */
export const runSinksInputSchema = z.strictObject({ sinkId: docIdSchema.optional() });
