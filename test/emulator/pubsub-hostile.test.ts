import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain';
import { bytesOf, envelope } from '../fixtures/envelopes';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';

requireEmulators('FIRESTORE', 'PUBSUB');
const db = adminDb();
const topic = pubsubClient().topic('audit-events');
const tenant = uniqueTenant('hostile');

interface Hostile {
  name: string;
  data: Buffer;
  reason: string;
  /** A field path that the dead letter's errors must name. */
  path?: string;
}

const valid = (o: Record<string, unknown> = {}) => envelope(tenant, o);
const json = (value: unknown) => bytesOf(value);
const nest = (depth: number): unknown => {
  let node: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) node = { child: node };
  return node;
};

const HOSTILE: Hostile[] = [
  { name: 'plain text', data: Buffer.from('definitely not json'), reason: 'invalid_json' },
  { name: 'truncated JSON', data: Buffer.from('{"specVersion":"1.0","eventId":'), reason: 'invalid_json' },
  // Pub/Sub itself refuses an empty message, so the closest is a body of white space.
  { name: 'white space only', data: Buffer.from('  \n '), reason: 'invalid_json' },
  { name: 'invalid UTF-8', data: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), reason: 'invalid_encoding' },
  { name: 'JSON array', data: json([valid()]), reason: 'schema_violation' },
  { name: 'JSON string', data: json('repo.created'), reason: 'schema_violation' },
  { name: 'JSON null', data: Buffer.from('null'), reason: 'schema_violation' },
  {
    name: 'missing tenant',
    data: json({ ...valid(), tenantId: undefined }),
    reason: 'schema_violation',
    path: 'tenantId',
  },
  { name: 'tenant with a slash', data: json(valid({ tenantId: 'a/b' })), reason: 'schema_violation', path: 'tenantId' },
  { name: 'numeric tenant', data: json(valid({ tenantId: 42 })), reason: 'schema_violation', path: 'tenantId' },
  { name: 'empty event id', data: json(valid({ eventId: '' })), reason: 'schema_violation', path: 'eventId' },
  {
    name: 'overlong event id',
    data: json(valid({ eventId: 'x'.repeat(129) })),
    reason: 'schema_violation',
    path: 'eventId',
  },
  {
    name: 'upper-case event type',
    data: json(valid({ eventType: 'Repo.Created' })),
    reason: 'schema_violation',
    path: 'eventType',
  },
  {
    name: 'one-part event type',
    data: json(valid({ eventType: 'created' })),
    reason: 'schema_violation',
    path: 'eventType',
  },
  {
    name: 'time without zone',
    data: json(valid({ occurredAt: '2026-01-01T00:00:00' })),
    reason: 'schema_violation',
    path: 'occurredAt',
  },
  {
    name: 'an hour in the future',
    data: json(valid({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() })),
    reason: 'schema_violation',
    path: 'occurredAt',
  },
  {
    name: 'time as prose',
    data: json(valid({ occurredAt: 'yesterday' })),
    reason: 'schema_violation',
    path: 'occurredAt',
  },
  {
    name: 'wrong spec version',
    data: json(valid({ specVersion: '2.0' })),
    reason: 'schema_violation',
    path: 'specVersion',
  },
  { name: 'missing actor', data: json({ ...valid(), actor: undefined }), reason: 'schema_violation', path: 'actor' },
  {
    name: 'unknown actor type',
    data: json(valid({ actor: { type: 'robot', id: 'r2' } })),
    reason: 'schema_violation',
    path: 'actor.type',
  },
  {
    name: 'user without id',
    data: json(valid({ actor: { type: 'user' } })),
    reason: 'schema_violation',
    path: 'actor.id',
  },
  {
    name: 'repo event without resource',
    data: json({ ...valid(), resource: undefined }),
    reason: 'schema_violation',
    path: 'resource',
  },
  { name: 'negative sequence', data: json(valid({ sequence: -1 })), reason: 'schema_violation', path: 'sequence' },
  { name: 'fractional sequence', data: json(valid({ sequence: 1.5 })), reason: 'schema_violation', path: 'sequence' },
  { name: 'unknown outcome', data: json(valid({ outcome: 'maybe' })), reason: 'schema_violation', path: 'outcome' },
  {
    name: 'unknown operation',
    data: json(valid({ operation: 'UPSERT' })),
    reason: 'schema_violation',
    path: 'operation',
  },
  { name: 'unknown top-level field', data: json(valid({ isAdmin: true })), reason: 'schema_violation' },
  {
    name: 'update without before',
    data: json(valid({ eventType: 'repo.settings_updated', changes: { before: null, after: { a: 1 } } })),
    reason: 'schema_violation',
    path: 'changes.before',
  },
  {
    name: 'create with before',
    data: json(valid({ changes: { before: { a: 1 }, after: { a: 2 } } })),
    reason: 'schema_violation',
    path: 'changes.before',
  },
  {
    name: 'metadata over 64 KiB',
    data: json(valid({ metadata: { blob: 'x'.repeat(70_000) } })),
    reason: 'schema_violation',
    path: 'metadata',
  },
  {
    name: 'payload over 256 KiB',
    data: json(valid({ changes: { before: null, after: { blob: 'x'.repeat(300_000) } } })),
    reason: 'payload_too_large',
  },
  {
    name: '__proto__ key',
    data: Buffer.from(
      JSON.stringify(valid({ metadata: { safe: 1 } })).replace('"safe":1', '"__proto__":{"isAdmin":true}'),
    ),
    reason: 'hostile_payload',
    path: 'metadata.__proto__',
  },
  {
    name: 'nested constructor key',
    data: json(valid({ changes: { before: null, after: { deep: { constructor: { prototype: 1 } } } } })),
    reason: 'hostile_payload',
    path: 'changes.after.deep.constructor',
  },
  {
    name: 'NUL in event id',
    data: json(valid({ eventId: 'abc\u0000def' })),
    reason: 'schema_violation',
    path: 'eventId',
  },
  {
    name: 'bell in actor name',
    data: json(valid({ actor: { type: 'user', id: 'u1', name: 'Mallory\u0007' } })),
    reason: 'schema_violation',
    path: 'actor.name',
  },
  { name: '40 levels of nesting', data: json(valid({ metadata: { n: nest(40) } })), reason: 'hostile_payload' },
  {
    name: '20,000 levels of nested arrays',
    data: Buffer.from(
      JSON.stringify(valid({ metadata: { n: 0 } })).replace('"n":0', `"n":${'['.repeat(20_000)}${']'.repeat(20_000)}`),
    ),
    reason: 'hostile_payload',
  },
  {
    name: 'unknown tenant',
    data: json(valid({ tenantId: 'no-such-tenant-ever' })),
    reason: 'unknown_tenant',
    path: 'tenantId',
  },
  {
    name: 'bad actor email',
    data: json(valid({ actor: { type: 'user', id: 'u1', email: 'not-an-email' } })),
    reason: 'schema_violation',
    path: 'actor.email',
  },
  {
    name: 'bad actor ip',
    data: json(valid({ actor: { type: 'user', id: 'u1', ip: '999.1.1.1' } })),
    reason: 'schema_violation',
    path: 'actor.ip',
  },
  {
    name: 'resource type with spaces',
    data: json(valid({ resource: { type: 'Repo Type', id: 'r1' } })),
    reason: 'schema_violation',
    path: 'resource.type',
  },
];

beforeAll(async () => {
  await db.collection('tenants').doc(tenant).set({ name: 'Hostile input suite' });
});

afterAll(async () => {
  await closeAdminApp();
});

describe('hostile and malformed Pub/Sub messages', () => {
  it(`dead-letters each of ${HOSTILE.length} bad messages with its reason while valid events between them are all stored`, async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    const published: Array<{ hostile: Hostile; messageId: string }> = [];
    const goodIds: string[] = [];
    for (const [i, hostile] of HOSTILE.entries()) {
      published.push({ hostile, messageId: await topic.publishMessage({ data: hostile.data }) });
      if (i % 3 === 0) {
        const good = valid({
          eventType: 'issue.created',
          resource: { type: 'issue', id: `i-${i}` },
          changes: undefined,
        });
        goodIds.push(logIdFor(tenant, 'repo-service', good.eventId as string));
        await topic.publishMessage({ data: bytesOf(good) });
      }
    }

    const letters = await waitFor(
      () =>
        Promise.all(
          published.map(({ messageId }) => db.collection('audit_dead_letters').doc(`pubsub-${messageId}`).get()),
        ),
      (snaps) => snaps.every((s) => s.exists),
      { timeoutMs: 90_000, what: 'a dead letter for every bad message' },
    );
    letters.forEach((letter, i) => {
      const { hostile } = published[i]!;
      expect({ name: hostile.name, reason: letter.get('reason') as unknown }).toEqual({
        name: hostile.name,
        reason: hostile.reason,
      });
      expect(letter.get('source')).toBe('pubsub');
      expect(letter.get('receivedAt')).toBeDefined();
      expect((letter.get('rawPayload') as string).length).toBeLessThanOrEqual(8 * 1024 + 20);
      const errors = letter.get('errors') as Array<{ path: string; message: string }>;
      expect(errors.length, hostile.name).toBeGreaterThan(0);
      if (hostile.path)
        expect(
          errors.map((e) => e.path),
          hostile.name,
        ).toContain(hostile.path);
    });

    const stored = await waitFor(
      () => Promise.all(goodIds.map((id) => db.collection('audit_logs').doc(id).get())),
      (snaps) => snaps.every((s) => s.exists),
      { what: 'every valid event between the bad ones' },
    );
    expect(stored).toHaveLength(goodIds.length);
    // Nothing hostile reached the log.
    const all = await db.collection('audit_logs').where('tenantId', '==', tenant).get();
    expect(all.size).toBe(goodIds.length);
  });
});
