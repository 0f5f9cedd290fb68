import type { CloudEvent } from 'firebase-functions/v2';
import { onMessagePublished, type MessagePublishedData } from 'firebase-functions/v2/pubsub';
import { AUDIT_EVENTS_TOPIC, REGION } from '../config';
import { transientFailure } from '../logs';
import { ingest } from './ingest';

/**
 * Handles one Pub/Sub message. Permanent problems are dead-lettered and the message is
 * acknowledged (returning normally); anything else throws so Pub/Sub redelivers it, and the
 * deterministic log id makes the redelivery harmless.
 */
export async function handleAuditMessage(event: CloudEvent<MessagePublishedData>): Promise<void> {
  const message = event.data.message;
  const attributes = message.attributes ?? {};
  const bytes = Buffer.from(message.data ?? '', 'base64');
  try {
    await ingest(
      { bytes },
      { via: 'pubsub', correlationId: attributes.correlationId, requestId: attributes.requestId },
      `pubsub-${message.messageId}`,
    );
  } catch (err) {
    transientFailure('pubsub', err);
    throw err;
  }
}

export const ingestPubSub = onMessagePublished(
  {
    topic: AUDIT_EVENTS_TOPIC,
    region: REGION,
    retry: true,
    memory: '256MiB',
    timeoutSeconds: 60,
  },
  handleAuditMessage,
);
