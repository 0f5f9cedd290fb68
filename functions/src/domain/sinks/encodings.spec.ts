import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../alerts';
import { batchObjectMetadata, ndjsonBody, pubsubFailure, pubsubMessages, type OutgoingBatch } from './encodings';
import type { SinkRecord } from './batch';

const SECRET = 'whsec_test';
const batch: OutgoingBatch = {
  sinkId: 's1',
  tenantId: 'acme',
  batchId: 'b_1',
  generation: 2,
  positions: [
    { recordedAtMs: 1_000, logId: 'l1' },
    { recordedAtMs: 1_001, logId: 'l2' },
  ],
  records: [{ logId: 'l1', eventType: 'repo.created' } as SinkRecord, { logId: 'l2', eventType: 'x.y' } as SinkRecord],
};

describe('Pub/Sub messages of a batch', () => {
  it('are one per entry, in order, with attributes to order, de-duplicate and verify them', () => {
    const messages = pubsubMessages(batch, SECRET, 50);
    expect(messages.map((m) => m.attributes.logId)).toEqual(['l1', 'l2']);
    expect(messages[1]).toMatchObject({
      orderingKey: 's1',
      attributes: {
        tenantId: 'acme',
        sinkId: 's1',
        batchId: 'b_1',
        batchIndex: '1',
        batchCount: '2',
        recordedAt: '1970-01-01T00:00:01.001Z',
        eventType: 'x.y',
      },
    });
    const data = messages[0]!.data.toString('utf8');
    expect(JSON.parse(data)).toEqual(batch.records[0]);
    expect(verifyWebhookSignature(messages[0]!.attributes.signature, data, SECRET, 50)).toBe(true);
    expect(verifyWebhookSignature(messages[0]!.attributes.signature, data.replace('l1', 'l9'), SECRET, 50)).toBe(false);
  });
});

describe('Storage objects of a batch', () => {
  it('hold one entry per line and metadata that names and signs the batch', () => {
    const body = ndjsonBody(batch.records);
    expect(body.split('\n')).toEqual([JSON.stringify(batch.records[0]), JSON.stringify(batch.records[1]), '']);
    const metadata = batchObjectMetadata(batch, body, SECRET, 50);
    expect(metadata).toMatchObject({ batchId: 'b_1', count: '2', firstLogId: 'l1', lastLogId: 'l2', tenantId: 'acme' });
    expect(verifyWebhookSignature(metadata.signature, body, SECRET, 50)).toBe(true);
  });
});

describe('Pub/Sub failures', () => {
  it('are retried when the service was busy or unreachable, and wait for someone when the topic is wrong', () => {
    expect(pubsubFailure(5)).toEqual({ message: 'Pub/Sub NOT_FOUND', retryable: false });
    expect(pubsubFailure(7)).toEqual({ message: 'Pub/Sub PERMISSION_DENIED', retryable: false });
    expect(pubsubFailure(14)).toEqual({ message: 'Pub/Sub UNAVAILABLE', retryable: true });
    expect(pubsubFailure(4).retryable).toBe(true);
    expect(pubsubFailure(8).retryable).toBe(true);
    expect(pubsubFailure(undefined)).toEqual({ message: 'Pub/Sub network error', retryable: true });
  });
});
