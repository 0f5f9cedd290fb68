import { signWebhookBody } from '../alerts';
import type { EntryPosition } from './cursor';
import type { SinkRecord } from './batch';

// The forms a batch takes on the kinds that are not webhooks. Each carries the stream's signature
// (the webhook scheme: HMAC-SHA256 of "<t>.<payload>" with the stream's key), so a receiver can tell
// the audit log's messages and objects from anything else written to the same topic or bucket.

/** Attribute (Pub/Sub) and metadata key (Storage) of the signature. */
export const SIGNATURE_ATTRIBUTE = 'signature';

/** One batch, ready for a transport: the stream, the batch's idempotency key and its entries. */
export interface OutgoingBatch {
  sinkId: string;
  tenantId: string;
  batchId: string;
  generation: number;
  /** Positions of the entries, in the stream's order (same length as `records`). */
  positions: readonly EntryPosition[];
  records: readonly SinkRecord[];
}

/** One Pub/Sub message as the publisher takes it. */
export interface PubSubMessage {
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string;
}

/**
 * One message per entry: the entry's JSON as data, and attributes for ordering and
 * de-duplication — `logId` (de-duplicate on it), `batchId` (the batch's idempotency key),
 * `batchIndex`/`batchCount`, `recordedAt`, `tenantId`, `sinkId`, `eventType` (for subscription
 * filters) and the signature of the data. The ordering key is the stream, so a subscription with
 * message ordering receives a stream's entries in order.
 */
export function pubsubMessages(batch: OutgoingBatch, secret: string, timestampSeconds: number): PubSubMessage[] {
  return batch.records.map((record, i) => {
    const data = JSON.stringify(record);
    const position = batch.positions[i]!;
    return {
      data: Buffer.from(data, 'utf8'),
      orderingKey: batch.sinkId,
      attributes: {
        tenantId: batch.tenantId,
        sinkId: batch.sinkId,
        logId: position.logId,
        batchId: batch.batchId,
        batchIndex: String(i),
        batchCount: String(batch.records.length),
        recordedAt: new Date(position.recordedAtMs).toISOString(),
        eventType: typeof record.eventType === 'string' ? record.eventType : '',
        [SIGNATURE_ATTRIBUTE]: signWebhookBody(secret, timestampSeconds, data),
      },
    };
  });
}

/** One NDJSON object: one entry per line, in the stream's order, ending with a newline. */
export function ndjsonBody(records: readonly SinkRecord[]): string {
  let out = '';
  for (const record of records) out += `${JSON.stringify(record)}\n`;
  return out;
}

/** The custom metadata of a batch's object: what a reader needs without opening it, and its signature. */
export function batchObjectMetadata(
  batch: OutgoingBatch,
  body: string,
  secret: string,
  timestampSeconds: number,
): Record<string, string> {
  return {
    tenantId: batch.tenantId,
    sinkId: batch.sinkId,
    batchId: batch.batchId,
    count: String(batch.records.length),
    firstLogId: batch.positions[0]?.logId ?? '',
    lastLogId: batch.positions[batch.positions.length - 1]?.logId ?? '',
    [SIGNATURE_ATTRIBUTE]: signWebhookBody(secret, timestampSeconds, body),
  };
}

/** gRPC status names by code (Pub/Sub's errors). */
const GRPC_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** Codes that a retry can clear without anyone acting: the service was busy, slow or unreachable. */
const RETRYABLE_GRPC = new Set([1, 2, 4, 8, 10, 13, 14, 15]);

/**
 * A failed publish, by gRPC code. A missing topic, a refused permission or a bad request need
 * someone to act (create the topic, grant the role), so they are not retryable: the stream waits
 * the longest backoff, shows the error, and tries at once on resume or "run now". No code means
 * the request never got an answer (network): retryable.
 */
export function pubsubFailure(code: number | undefined): { message: string; retryable: boolean } {
  if (code === undefined || !Number.isInteger(code)) return { message: 'Pub/Sub network error', retryable: true };
  const name = GRPC_NAMES[code] ?? `code ${code}`;
  return { message: `Pub/Sub ${name}`, retryable: RETRYABLE_GRPC.has(code) };
}
