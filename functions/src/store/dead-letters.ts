import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import type { FieldError, RejectionReason } from '../domain';
import { COLLECTIONS } from './collections';

/** Enough of the payload to diagnose it; never the whole of a hostile 256 KiB body. */
export const RAW_PAYLOAD_LIMIT = 8 * 1024;

export interface DeadLetter {
  reason: RejectionReason;
  message: string;
  errors: readonly FieldError[];
  rawPayload: string;
  source: 'pubsub' | 'outbox' | 'http';
  tenantId?: string | undefined;
  eventId?: string | undefined;
  /** The event came from the system's own trusted path, so a replay may trust it again. */
  systemEvent?: boolean | undefined;
}

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
  return text.length > RAW_PAYLOAD_LIMIT ? `${text.slice(0, RAW_PAYLOAD_LIMIT)}…[truncated]` : text;
}

/**
 * Records input that can never be stored. The id comes from the delivery (message id, request
 * and index, outbox document), so a redelivered bad message is recorded once.
 */
export async function writeDeadLetter(db: Firestore, id: string, letter: DeadLetter): Promise<void> {
  const doc: Record<string, unknown> = {
    reason: letter.reason,
    message: letter.message,
    errors: letter.errors.slice(0, 50).map((e) => ({ path: e.path.slice(0, 512), message: e.message.slice(0, 1024) })),
    rawPayload: letter.rawPayload,
    source: letter.source,
    receivedAt: FieldValue.serverTimestamp(),
  };
  if (letter.tenantId !== undefined) doc.tenantId = letter.tenantId;
  if (letter.eventId !== undefined) doc.eventId = letter.eventId;
  if (letter.systemEvent === true) doc.systemEvent = true;
  await db.collection(COLLECTIONS.deadLetters).doc(id).set(doc);
}
