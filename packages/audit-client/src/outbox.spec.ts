import { describe, expect, it } from 'vitest';
import { EventFactory } from './builders';
import { RejectionError } from './contract';
import { outboxDocument } from './outbox';

const factory = new EventFactory({ source: 'repo-service', clock: () => new Date('2026-03-01T10:00:00Z') });

describe('outboxDocument', () => {
  it("is the envelope's own field layout, as plain data Firestore accepts", () => {
    const event = factory.loginFailed({ tenantId: 'acme', email: 'x@acme.test', reason: 'wrong_password' });
    const doc = outboxDocument(event);
    expect(doc).toEqual(JSON.parse(JSON.stringify(event)));
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining(['specVersion', 'eventId', 'eventType', 'tenantId', 'occurredAt', 'source', 'actor']),
    );
    // Firestore refuses undefined values; none may survive (the anonymous actor has no id).
    expect(Object.entries(doc.actor as object)).toEqual([
      ['type', 'anonymous'],
      ['email', 'x@acme.test'],
    ]);
    expect(typeof doc.occurredAt).toBe('string');
  });

  it('refuses an event that is not valid, so the transaction never commits a bad outbox document', () => {
    const event = factory.events.authUserLogin({ tenantId: 'acme', actor: { type: 'user', id: 'u-1' } });
    expect(() => outboxDocument({ ...event, eventType: 'Login' })).toThrow(RejectionError);
  });
});
