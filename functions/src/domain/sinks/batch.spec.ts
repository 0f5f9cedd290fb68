import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../alerts';
import { batchBody, batchIdOf, signedBatchHeaders, toSinkRecord } from './batch';
import { sinkConfigEvent } from './events';
import { createSinkInputSchema, replaySinkInputSchema } from './inputs';

const SECRET = 'whsec_test-secret-of-enough-length-000000000';

describe('webhook batches', () => {
  it('streams the contract fields in a fixed order, without search tokens, review status or internals', () => {
    const record = toSinkRecord({
      hash: 'h',
      logId: 'l',
      searchTokens: ['x'],
      reviewStatus: 'pending',
      internal: 1,
      tenantId: 't',
      recordedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(Object.keys(record)).toEqual(['logId', 'tenantId', 'recordedAt', 'hash']);
  });

  it('names a batch by its stream, generation and entries: equal on a retry, different otherwise', () => {
    const id = batchIdOf('s1', 0, ['a', 'b']);
    expect(id).toMatch(/^b_[0-9a-f]{40}$/);
    expect(batchIdOf('s1', 0, ['a', 'b'])).toBe(id);
    expect(batchIdOf('s1', 1, ['a', 'b'])).not.toBe(id);
    expect(batchIdOf('s2', 0, ['a', 'b'])).not.toBe(id);
    expect(batchIdOf('s1', 0, ['a', 'b', 'c'])).not.toBe(id);
    expect(batchIdOf('s1', 0, ['ab'])).not.toBe(batchIdOf('s1', 0, ['a', 'b']));
  });

  it('signs the body so a receiver with the key accepts it and rejects any change or another key', () => {
    const body = batchBody({ sinkId: 's1', tenantId: 't', batchId: 'b_1', records: [toSinkRecord({ logId: 'a' })] });
    expect(JSON.parse(body)).toEqual({
      sinkId: 's1',
      tenantId: 't',
      batchId: 'b_1',
      count: 1,
      entries: [{ logId: 'a' }],
    });
    const headers = signedBatchHeaders(SECRET, 1_000, body, { sinkId: 's1', batchId: 'b_1' });
    expect(headers['idempotency-key']).toBe('b_1');
    expect(headers['x-audit-delivery']).toBe('b_1');
    expect(headers['x-audit-sink']).toBe('s1');
    const signature = headers['x-audit-signature'];
    expect(verifyWebhookSignature(signature, body, SECRET, 1_000)).toBe(true);
    expect(verifyWebhookSignature(signature, body.replace('"a"', '"b"'), SECRET, 1_000)).toBe(false);
    expect(verifyWebhookSignature(signature, body, `${SECRET}x`, 1_000)).toBe(false);
    expect(verifyWebhookSignature(signature, body, SECRET, 1_000 + 301)).toBe(false);
  });
});

describe('stream commands', () => {
  it('takes a webhook stream with defaults, and names each bad field', () => {
    expect(createSinkInputSchema.parse({ name: 'SIEM', url: 'https://siem.example.com/in' })).toEqual({
      name: 'SIEM',
      kind: 'webhook',
      url: 'https://siem.example.com/in',
      batchSize: 200,
    });
    const bad = createSinkInputSchema.safeParse({ name: '', url: 'http://10.0.0.1/x', batchSize: 501, extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.') || '(root)');
    expect(paths).toEqual(expect.arrayContaining(['name', 'url', 'batchSize']));
    expect(replaySinkInputSchema.safeParse({ sinkId: 's', from: 'yesterday' }).success).toBe(false);
  });

  it('audits a change as a SYSTEM_CONFIGURATION event of the reserved source, never with the key', () => {
    const view = {
      name: 'SIEM',
      kind: 'webhook',
      url: 'https://x.example/in',
      status: 'active' as const,
      batchSize: 10,
    };
    const event = sinkConfigEvent({
      admin: { uid: 'u1', tenantId: 't1', role: 'admin' },
      action: 'paused',
      sinkId: 's1',
      configVersion: 2,
      before: view,
      after: { ...view, status: 'paused' },
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
    expect(event).toMatchObject({
      eventId: 'sink-s1-2-paused',
      eventType: 'config.audit_sink.paused',
      source: 'audit-sinks',
      operation: 'UPDATE',
      resource: { type: 'audit_sink', id: 's1', name: 'SIEM' },
    });
    expect(JSON.stringify(event)).not.toMatch(/whsec|secret/);
  });
});
