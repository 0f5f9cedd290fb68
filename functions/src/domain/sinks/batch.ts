import { createHash } from 'node:crypto';
import { signWebhookBody, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../alerts';
import { RECORD_KEYS, type ExportRecord } from '../export/record';

// What a webhook stream sends: a JSON batch of entries in the stream's order, signed like the
// alert webhooks (HMAC-SHA256 over "<timestamp>.<body>", timestamp in the header) with the
// stream's own key, and named by an idempotency key that is the same on every redelivery of the
// same entries, so a receiver can drop a batch it already has. Receivers should still de-duplicate
// by `logId`: after a replay or a crash between acknowledgement and cursor commit, the same
// entries can come again in a batch cut differently.

/** Header with the stream's id. */
export const SINK_ID_HEADER = 'x-audit-sink';
/** Header with the batch's idempotency key (also sent as {@link WEBHOOK_DELIVERY_HEADER}). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** One streamed entry: the export record without `reviewStatus` (review state is not part of the entry). */
export type SinkRecord = Omit<ExportRecord, 'reviewStatus'>;

const SINK_KEYS = RECORD_KEYS.filter((k) => k !== 'reviewStatus');

/**
 * The streamed form of a stored entry in domain shape (instants as ISO strings). Members the
 * contract does not name (`searchTokens`, anything internal) are left out, in a fixed key order.
 */
export function toSinkRecord(entry: object): SinkRecord {
  const source = entry as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of SINK_KEYS) {
    const value = source[key];
    if (value !== undefined) out[key] = value;
  }
  return out as SinkRecord;
}

/**
 * The idempotency key of a batch: a digest of the stream, its generation and the entries' ids in
 * order. A retried batch reads the same entries (they are older than the read horizon, so none can
 * join) and gets the same key.
 */
export function batchIdOf(sinkId: string, generation: number, logIds: readonly string[]): string {
  const digest = createHash('sha256')
    .update(`${sinkId}\n${generation}\n${logIds.join('\n')}`)
    .digest('hex');
  return `b_${digest.slice(0, 40)}`;
}

/** The body of a webhook batch. */
export interface SinkBatch {
  sinkId: string;
  tenantId: string;
  batchId: string;
  records: readonly SinkRecord[];
}

/** The JSON body: `{sinkId, tenantId, batchId, count, entries}`; its cost is linear in the entries. */
export function batchBody(batch: SinkBatch): string {
  return JSON.stringify({
    sinkId: batch.sinkId,
    tenantId: batch.tenantId,
    batchId: batch.batchId,
    count: batch.records.length,
    entries: batch.records,
  });
}

/** The headers of a signed batch sent at `timestampSeconds`. */
export function signedBatchHeaders(
  secret: string,
  timestampSeconds: number,
  body: string,
  batch: Pick<SinkBatch, 'sinkId' | 'batchId'>,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(secret, timestampSeconds, body),
    [WEBHOOK_DELIVERY_HEADER]: batch.batchId,
    [IDEMPOTENCY_HEADER]: batch.batchId,
    [SINK_ID_HEADER]: batch.sinkId,
  };
}
