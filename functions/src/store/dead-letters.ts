import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import type { DeadLetterDoc } from '@audit-log/model/stored-dead-letter';
import { redactRawPayload, type FieldError, type RedactionOptions } from '../domain';
import { COLLECTIONS } from './collections';

/** Enough of the payload to diagnose it; never the whole of a hostile 256 KiB body. */
export const RAW_PAYLOAD_LIMIT = 8 * 1024;
const TRUNCATED = '…[truncated]';

/**
 * What ingest records of input it cannot store: the members of a dead letter document (schema in
 * `@audit-log/model/stored-dead-letter`) that the writer sets; the store adds the rest.
 */
export type DeadLetter = Pick<DeadLetterDoc, 'reason' | 'message' | 'rawPayload' | 'source'> & {
  errors: readonly FieldError[];
  tenantId?: string | undefined;
  eventId?: string | undefined;
  /** The event came from the system's own trusted path, so a replay may trust it again. */
  systemEvent?: boolean | undefined;
};

/** Text of the raw payload, truncated; bytes that are not UTF-8 are shown as replacement characters. */
export function rawPayloadText(raw: unknown): string {
  let text: string;
  if (raw instanceof Uint8Array) text = Buffer.from(raw.subarray(0, RAW_PAYLOAD_LIMIT + 4)).toString('utf8');
  else {
    try {
      text = JSON.stringify(raw) ?? String(raw);
    } catch {
      text = String(raw);
    }
  }
  return text.length > RAW_PAYLOAD_LIMIT ? `${text.slice(0, RAW_PAYLOAD_LIMIT)}${TRUNCATED}` : text;
}

/**
 * Records input that can never be stored. The id comes from the delivery (message id, request
 * and index, outbox document), so a redelivered bad message is recorded once.
 *
 * Tenant admins read dead letters, so the raw payload is stored redacted with `redaction` (the
 * tenant's rules, or the defaults when no known tenant is named), marked `rawPayloadRedacted`
 * with the masked paths. The original then goes to a server-only document of the same id, which
 * replay reads; a payload in which nothing matched is stored once, as it came.
 */
export async function writeDeadLetter(
  db: Firestore,
  id: string,
  letter: DeadLetter,
  redaction: RedactionOptions,
): Promise<void> {
  // The truncation marker is ours, not the producer's: redact what precedes it, keep it visible.
  const truncated = letter.rawPayload.endsWith(TRUNCATED);
  const body = truncated ? letter.rawPayload.slice(0, -TRUNCATED.length) : letter.rawPayload;
  const redacted = redactRawPayload(body, redaction);
  const doc: Record<string, unknown> = {
    reason: letter.reason,
    message: letter.message,
    errors: letter.errors.slice(0, 50).map((e) => ({ path: e.path.slice(0, 512), message: e.message.slice(0, 1024) })),
    rawPayload: truncated ? `${redacted.text}${TRUNCATED}` : redacted.text,
    source: letter.source,
    receivedAt: FieldValue.serverTimestamp(),
  };
  if (letter.tenantId !== undefined) doc.tenantId = letter.tenantId;
  if (letter.eventId !== undefined) doc.eventId = letter.eventId;
  if (letter.systemEvent === true) doc.systemEvent = true;
  const batch = db.batch();
  if (redacted.paths.length > 0) {
    doc.rawPayloadRedacted = true;
    doc.rawPayloadRedactedPaths = redacted.paths;
    batch.set(db.collection(COLLECTIONS.deadLetterPayloads).doc(id), {
      rawPayload: letter.rawPayload,
      receivedAt: FieldValue.serverTimestamp(),
    });
  }
  batch.set(db.collection(COLLECTIONS.deadLetters).doc(id), doc);
  await batch.commit();
}

/**
 * The payload a replay runs again: the unredacted original when the dead letter's copy was
 * redacted, else the dead letter's own copy. Undefined when a redacted letter lost its original.
 */
export async function replayablePayload(
  db: Firestore,
  id: string,
  letter: { rawPayload: unknown; rawPayloadRedacted: unknown },
): Promise<unknown> {
  if (letter.rawPayloadRedacted !== true) return letter.rawPayload;
  const original = await db.collection(COLLECTIONS.deadLetterPayloads).doc(id).get();
  return original.exists ? original.get('rawPayload') : undefined;
}
