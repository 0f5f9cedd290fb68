import { PubSub, type Topic } from '@google-cloud/pubsub';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getStorage, type Storage } from 'firebase-admin/storage';
import { defaultDeliveryNetwork, postWebhook, type DeliveryNetwork } from '../alerts/webhook-transport';
import type { AttemptResult } from '../domain/alerts';
import {
  batchBody,
  batchObjectMetadata,
  batchObjectName,
  ndjsonBody,
  pubsubFailure,
  pubsubMessages,
  sendResultOf,
  signedBatchHeaders,
  type OutgoingBatch,
  type SendResult,
  type SinkTarget,
} from '../domain/sinks';
import { platform } from '../config';

// The one thing that differs between the kinds of stream: how one batch is sent. The delivery
// loop (deliver.ts) owns the cursor, lease, backoff, pause and replay for every kind and calls a
// transport once per batch; a transport answers acknowledged or why not, and never throws.

/** Sends one signed webhook batch; the transport checks the destination (no private networks) first. */
export type SendBatch = (
  target: { tenantId: string; deliveryId: string; url: string },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
) => Promise<AttemptResult>;

/** Sends one batch of a stream. Acknowledged (`ok`) means the destination durably has all of it. */
export type SinkTransport = (
  batch: OutgoingBatch,
  attempt: { timeoutMs: number; nowSeconds: number },
) => Promise<SendResult>;

/** The clients the transports use; the defaults are the Admin SDK's app and a Pub/Sub client of the project. */
export interface TransportClients {
  network?: DeliveryNetwork;
  /** Replaces the HTTP post of webhooks (benchmarks, fault injection). */
  send?: SendBatch;
  pubsub?: PubSub;
  storage?: Storage;
}

let defaultPubSub: PubSub | undefined;
function pubsubClient(clients: TransportClients): PubSub {
  if (clients.pubsub) return clients.pubsub;
  // The client reads PUBSUB_EMULATOR_HOST itself, as every Google client does.
  defaultPubSub ??= new PubSub(platform.projectId() ? { projectId: platform.projectId() } : {});
  return defaultPubSub;
}

function storageClient(clients: TransportClients): Storage {
  if (clients.storage) return clients.storage;
  if (getApps().length === 0) initializeApp();
  return getStorage();
}

/** Topic handles are kept per client and name: each holds its publisher's batching state. */
const topics = new WeakMap<PubSub, Map<string, Topic>>();
function topicOf(client: PubSub, name: string): Topic {
  let byName = topics.get(client);
  if (!byName) topics.set(client, (byName = new Map<string, Topic>()));
  let topic = byName.get(name);
  if (!topic) {
    // One publish request per batch where it fits (Pub/Sub takes up to 1,000 messages and 10 MB
    // per request); message ordering so a subscriber with ordering on gets a stream in order.
    topic = client.topic(name, {
      messageOrdering: true,
      batching: { maxMessages: 1000, maxBytes: 9 * 1024 * 1024, maxMilliseconds: 10 },
    });
    byName.set(name, topic);
  }
  return topic;
}

/** Rejects after `ms` with `timeout`; the work it raced may still finish (a duplicate, never a gap). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { timedOut: true })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function timedOut(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { timedOut?: unknown }).timedOut === true;
}

function numericCode(err: unknown): number | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

function webhookTransport(url: string, secret: string, clients: TransportClients): SinkTransport {
  const send: SendBatch =
    clients.send ??
    (async (target, headers, body, timeoutMs) =>
      (await postWebhook(target, headers, body, timeoutMs, clients.network ?? defaultDeliveryNetwork())).result);
  return async (batch, attempt) => {
    const body = batchBody(batch);
    const headers = signedBatchHeaders(secret, attempt.nowSeconds, body, batch);
    const target = { tenantId: batch.tenantId, deliveryId: batch.batchId, url };
    return sendResultOf(await send(target, headers, body, attempt.timeoutMs));
  };
}

/**
 * One message per entry, all published before the batch counts as acknowledged. A batch is a
 * single publish request where it fits; if any message fails, the batch is retried whole (the
 * messages that did go out come again, with the same `logId` and `batchId` attributes).
 */
function pubsubTransport(topicName: string, secret: string, clients: TransportClients): SinkTransport {
  return async (batch, attempt) => {
    const topic = topicOf(pubsubClient(clients), topicName);
    const messages = pubsubMessages(batch, secret, attempt.nowSeconds);
    try {
      await withTimeout(Promise.all(messages.map((m) => topic.publishMessage(m))), attempt.timeoutMs);
      return { ok: true };
    } catch (err) {
      // An ordering key stops publishing after a failure until resumed; the retry resends all.
      topic.resumePublishing(batch.sinkId);
      if (timedOut(err)) return { ok: false, message: 'timeout', retryable: true };
      return { ok: false, ...pubsubFailure(numericCode(err)) };
    }
  };
}

/**
 * One NDJSON object per batch, written in one request. The name depends only on the generation
 * and the batch's first entry, so a resent batch overwrites its own object.
 */
function storageTransport(
  bucket: string,
  objectPrefix: string,
  secret: string,
  clients: TransportClients,
): SinkTransport {
  return async (batch, attempt) => {
    const first = batch.positions[0]!;
    const body = ndjsonBody(batch.records);
    const file = storageClient(clients)
      .bucket(bucket)
      .file(batchObjectName(objectPrefix, batch.generation, first));
    try {
      await withTimeout(
        file.save(Buffer.from(body, 'utf8'), {
          resumable: false,
          metadata: {
            contentType: 'application/x-ndjson',
            metadata: batchObjectMetadata(batch, body, secret, attempt.nowSeconds),
          },
        }),
        attempt.timeoutMs,
      );
      return { ok: true };
    } catch (err) {
      if (timedOut(err)) return { ok: false, message: 'timeout', retryable: true };
      const status = numericCode(err);
      const result = sendResultOf(status === undefined ? { error: 'network error' } : { status });
      return result.ok
        ? { ok: false, message: 'Storage error', retryable: true }
        : { ...result, message: `Storage ${result.message}` };
    }
  };
}

/** The transport of a stream's kind, signing with the stream's key. */
export function transportFor(target: SinkTarget, secret: string, clients: TransportClients = {}): SinkTransport {
  switch (target.kind) {
    case 'webhook':
      return webhookTransport(target.url, secret, clients);
    case 'pubsub':
      return pubsubTransport(target.topic, secret, clients);
    case 'storage':
      return storageTransport(target.bucket, target.prefix, secret, clients);
  }
}
