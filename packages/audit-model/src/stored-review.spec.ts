import { describe, expect, it } from 'vitest';
import { readStoredDocument, type StoredSchema, type TimestampLike } from './stored-document';
import { deadLetterDocSchema } from './stored-dead-letter';
import { memberDocSchema } from './stored-member';
import { reviewConverter, reviewDocSchema } from './stored-review';

// The review, dead-letter and member documents: each schema reads what the functions write and
// names every malformed field by its path.

function timestamp(ms: number): TimestampLike {
  return { toMillis: () => ms, toDate: () => new Date(ms) };
}

const AT = timestamp(1_772_400_000_000);

function review(): Record<string, unknown> {
  return {
    logId: 'log-1',
    tenantId: 'acme',
    eventType: 'security.key_leaked',
    level: 'CRITICAL',
    category: 'SECURITY',
    outcome: 'success',
    occurredAt: AT,
    recordedAt: AT,
    actor: { type: 'user', id: 'u-1', email: 'u1@example.com' },
    resource: { type: 'repository', id: 'r-1' },
    status: 'pending',
    version: 1,
    assignee: { uid: 'rev-1' },
    assignedAt: AT,
    assignedBy: { uid: 'adm-1', email: 'a@example.com' },
    dueAt: AT,
    decisions: [{ action: 'assigned', by: { uid: 'adm-1' }, note: '', at: AT, status: 'pending', eventId: 'e-1' }],
  };
}

function deadLetter(): Record<string, unknown> {
  return {
    reason: 'schema_violation',
    message: 'the event breaks the envelope schema',
    errors: [{ path: 'actor.id', message: 'is required' }],
    rawPayload: '{"eventId":"x"}',
    source: 'pubsub',
    receivedAt: AT,
    tenantId: 'acme',
    eventId: 'x',
  };
}

/** A deep copy that keeps Timestamps as they are (they carry methods, so no structuredClone). */
function copyOf<T>(value: T): T {
  if (value === AT || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyOf) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyOf(v)])) as T;
}

/** `doc` with one member changed at a dotted path; `undefined` removes it. */
function changed(doc: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = copyOf(doc);
  const keys = path.split('.');
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  if (value === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = value;
  return copy;
}

function onlyError(schema: StoredSchema, doc: Record<string, unknown>): { path: string; message: string } {
  const read = readStoredDocument(schema, 'x/y', doc);
  if (read.ok) throw new Error('accepted a malformed document');
  expect(read.error.errors).toHaveLength(1);
  return read.error.errors[0]!;
}

describe('review document (audit_reviews)', () => {
  it('reads a review doc as the review functions write it', () => {
    const read = reviewConverter.fromFirestore({ ref: { path: 'audit_reviews/log-1' }, data: () => review() });
    expect(read).toMatchObject({ status: 'pending', version: 1, assignee: { uid: 'rev-1' } });
    expect(read.decisions[0]!.at.toMillis()).toBe(AT.toMillis());
  });

  it.each([
    ['logId', undefined, 'must be a string, is missing'],
    ['tenantId', '', 'must be at least 1'],
    ['level', 'SEVERE', 'must be one of "INFO", "WARNING", "ERROR", "CRITICAL", is "SEVERE"'],
    ['category', undefined, 'is missing'],
    ['outcome', 'ok', 'is "ok"'],
    ['occurredAt', '2026-03-01T00:00:00Z', 'must be a Firestore Timestamp, is a string'],
    ['actor.type', 'robot', 'is "robot"'],
    ['resource.id', 3, 'must be a string, is a number'],
    ['status', 'none?', 'is "none?"'],
    ['version', -1, 'must be at least 0'],
    ['assignee.uid', '', 'must be at least 1'],
    ['dueAt', 0, 'must be a Firestore Timestamp, is a number'],
    ['decisions.0.by', 'adm-1', 'must be an object, is a string'],
    ['decisions.0.status', 'closed', 'is "closed"'],
    ['decisions', undefined, 'must be an array, is missing'],
  ])('names the malformed field %s', (path, value, message) => {
    const error = onlyError(reviewDocSchema, changed(review(), path, value));
    expect(error.path).toBe(path);
    expect(error.message).toContain(message);
  });
});

describe('dead letter document (audit_dead_letters)', () => {
  it('reads a letter as ingest writes it, counting no replay yet', () => {
    const read = readStoredDocument(deadLetterDocSchema, 'audit_dead_letters/d', deadLetter());
    expect(read.ok && read.value).toMatchObject({ reason: 'schema_violation', source: 'pubsub', replayAttempts: 0 });
  });

  it.each([
    ['reason', 'bad', 'is "bad"'],
    ['errors.0.path', 1, 'must be a string, is a number'],
    ['rawPayload', undefined, 'must be a string, is missing'],
    ['source', 'email', 'must be one of "pubsub", "outbox", "http", is "email"'],
    ['receivedAt', null, 'must be a Firestore Timestamp, is null'],
    ['status', 'pending', 'is "pending"'],
    ['replayAttempts', 1.5, 'must be an integer'],
  ])('names the malformed field %s', (path, value, message) => {
    const error = onlyError(deadLetterDocSchema, changed(deadLetter(), path, value));
    expect(error.path).toBe(path);
    expect(error.message).toContain(message);
  });
});

describe('member document (tenants/{id}/members/{uid})', () => {
  it("keeps the organization module's own fields", () => {
    const read = readStoredDocument(memberDocSchema, 'tenants/acme/members/u', {
      role: 'reviewer',
      uid: 'u',
      displayName: 'Una',
    });
    expect(read.ok && read.value).toEqual({ role: 'reviewer', uid: 'u', displayName: 'Una' });
  });

  it('names a role the contract does not have', () => {
    expect(onlyError(memberDocSchema, { role: 'owner' })).toEqual({
      path: 'role',
      message: 'must be one of "admin", "auditor", "reviewer", "compliance", "member", is "owner"',
    });
  });
});
