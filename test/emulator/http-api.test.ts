import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, logIdFor } from '../../functions/src/domain';
import { fromStored } from '../../functions/src/store/converters';
import { envelope } from '../fixtures/envelopes';
import { apiRequest, callCallable, createKey, getEvents, postEvents, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope } from '../support/ingest-paths';

// POST /v1/events and the API key callables, end to end on the emulators: real keys from the
// createApiKey callable, real requests to the api function, assertions on Firestore.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
const db = adminDb();
const tenantA = uniqueTenant('http-a');
const tenantB = uniqueTenant('http-b');
let adminA: { uid: string; idToken: string };
let keyA: string;
let keyB: string;

type Results = Array<Record<string, unknown>>;
const idOf = (e: Record<string, unknown>) => logIdFor(e.tenantId as string, e.source as string, e.eventId as string);
const entry = (e: Record<string, unknown>) => db.collection('audit_logs').doc(idOf(e)).get();
const countWhere = async (tenantId: string, field: string, value: string) =>
  (await db.collection('audit_logs').where('tenantId', '==', tenantId).where(field, '==', value).count().get()).data()
    .count;

beforeAll(async () => {
  await Promise.all([createTenant(db, tenantA), createTenant(db, tenantB)]);
  adminA = await signInWithClaims({ tenantId: tenantA, role: 'admin' });
  const adminB = await signInWithClaims({ tenantId: tenantB, role: 'admin' });
  keyA = (await createKey(adminA.idToken, 'suite A')).key;
  keyB = (await createKey(adminB.idToken, 'suite B')).key;
});

afterAll(async () => {
  await closeAdminApp();
});

describe('API key callables', () => {
  it('lets only a tenant admin create a key, shown once and stored hashed, and audits it', async () => {
    const auditor = await signInWithClaims({ tenantId: tenantA, role: 'auditor' });
    expect((await callCallable('createApiKey', { name: 'x' }, auditor.idToken)).status).toBe(403);
    expect((await callCallable('createApiKey', { name: 'x' })).status).toBe(401);
    const invalid = await callCallable('createApiKey', { name: '' }, adminA.idToken);
    expect(invalid.status).toBe(400);
    expect((invalid.body.error as { details: unknown }).details).toMatchObject({
      code: 'invalid_argument',
      errors: [{ path: 'name', message: 'must not be empty' }],
    });

    const { key, keyId } = await createKey(adminA.idToken, 'ci pipeline');
    expect(key).toMatch(new RegExp(`^alk_${tenantA}\\.${keyId}\\.[A-Za-z0-9_-]{43}$`));
    const stored = await db.doc(`tenants/${tenantA}/api_keys/${keyId}`).get();
    expect(stored.get('status')).toBe('active');
    expect(stored.get('hash')).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored.data())).not.toContain(key.split('.')[2]);

    const audit = await entry({ tenantId: tenantA, source: 'audit-api', eventId: `api-key-created-${keyId}` });
    expect(audit.data()).toMatchObject({
      eventType: 'config.api_key.created',
      category: 'SYSTEM_CONFIGURATION',
      actor: { type: 'user', id: adminA.uid },
      resource: { type: 'api_key', id: keyId, name: 'ci pipeline' },
    });
  });

  it('revokes a key: the key then gets 403, the revocation is audited once, and revoking again is harmless', async () => {
    const { key, keyId } = await createKey(adminA.idToken, 'to revoke');
    expect((await postEvents(key, envelope(tenantA))).status).toBe(202);
    const first = await callCallable('revokeApiKey', { keyId }, adminA.idToken);
    expect(first.status).toBe(200);
    const refused = await postEvents(key, envelope(tenantA));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'api_key_revoked' });
    expect((await getEvents(key)).status).toBe(403);

    expect((await callCallable('revokeApiKey', { keyId }, adminA.idToken)).body.result).toEqual(first.body.result);
    expect(await countWhere(tenantA, 'eventId', `api-key-revoked-${keyId}`)).toBe(1);
    expect((await callCallable('revokeApiKey', { keyId: 'ffffffffffffffff' }, adminA.idToken)).status).toBe(404);
  });
});

describe('POST /v1/events: accepted events', () => {
  it('stores a single envelope with its classification', async () => {
    const e = envelope(tenantA, {
      eventType: 'repo.visibility_changed',
      changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    });
    const answer = await postEvents(keyA, e);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      accepted: 1,
      rejected: 0,
      results: [{ index: 0, eventId: e.eventId, status: 'stored', logId: idOf(e) }],
    });
    expect(Number(answer.headers.get('RateLimit-Remaining'))).toBeGreaterThanOrEqual(0);
    expect((await entry(e)).data()).toMatchObject({
      category: 'SYSTEM_CONFIGURATION',
      level: 'CRITICAL',
      requiresReview: true,
    });
  });

  it('stores a batch, each event classified by the catalog', async () => {
    const cases = [
      [
        envelope(tenantA, {
          eventType: 'auth.login.failed',
          outcome: 'failure',
          resource: undefined,
          changes: undefined,
        }),
        'AUTHENTICATION',
        'WARNING',
      ],
      [
        envelope(tenantA, { eventType: 'repo.deleted', changes: { before: { name: 'w' }, after: null } }),
        'DATA_MODIFICATION',
        'WARNING',
      ],
      [
        envelope(tenantA, { eventType: 'issue.created', resource: { type: 'issue', id: 'i-1' }, changes: undefined }),
        'BUSINESS_OPERATION',
        'INFO',
      ],
      [
        envelope(tenantA, { eventType: 'permission.check.denied', outcome: 'denied', changes: undefined }),
        'AUTHORIZATION',
        'WARNING',
      ],
    ] as const;
    const answer = await postEvents(keyA, { events: cases.map(([e]) => e) });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: 4, rejected: 0 });
    for (const [e, category, level] of cases) {
      expect((await entry(e)).data()).toMatchObject({ category, level, tenantId: tenantA });
    }
  });

  it('stores an event once whether sent twice over HTTP or also through Pub/Sub', async () => {
    const e = envelope(tenantA, { source: 'two-paths' });
    await publishEnvelope(e);
    await waitFor(
      () => entry(e),
      (s) => s.exists,
      { what: 'the Pub/Sub delivery' },
    );
    const again = await postEvents(keyA, e);
    expect(again.status).toBe(202);
    expect((again.body.results as Results)[0]).toMatchObject({ status: 'duplicate', logId: idOf(e) });
    expect(((await postEvents(keyA, { events: [e, e] })).body.results as Results).map((r) => r.status)).toEqual([
      'duplicate',
      'duplicate',
    ]);
    expect(await countWhere(tenantA, 'eventId', e.eventId as string)).toBe(1);
  });

  it('stores an event sent under an earlier name (auth.login) under the canonical one, once', async () => {
    const signIn = envelope(tenantA, {
      source: 'session-service',
      eventType: 'auth.login',
      resource: undefined,
      changes: undefined,
    });
    await publishEnvelope(signIn);
    const stored = await waitFor(
      () => entry(signIn),
      (s) => s.exists,
      { what: 'the Pub/Sub delivery of auth.login' },
    );
    expect(stored.data()).toMatchObject({ eventType: 'auth.user.login', category: 'AUTHENTICATION', level: 'INFO' });
    expect(entryHash(fromStored(stored.data()!))).toBe(stored.get('hash'));

    // The same event again under either name is the same event: one entry, no dead letter.
    const canonical = { ...signIn, eventType: 'auth.user.login' };
    const again = await postEvents(keyA, { events: [canonical, signIn] });
    expect((again.body.results as Results).map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(await countWhere(tenantA, 'eventId', signIn.eventId as string)).toBe(1);
    const deadLetters = await db
      .collection('audit_dead_letters')
      .where('tenantId', '==', tenantA)
      .where('eventId', '==', signIn.eventId)
      .get();
    expect(deadLetters.size).toBe(0);

    // Over HTTP too.
    const signOut = envelope(tenantA, { eventType: 'auth.logout', resource: undefined, changes: undefined });
    expect(((await postEvents(keyA, signOut)).body.results as Results)[0]).toMatchObject({ status: 'stored' });
    expect((await entry(signOut)).get('eventType')).toBe('auth.user.logout');
  });

  it('stores concurrent, overlapping batches exactly once (10 parallel batches of 50)', async () => {
    // Batch i holds events 40i .. 40i+49: neighbours share 10 events, 410 distinct in all.
    const all = Array.from({ length: 410 }, (_, n) => envelope(tenantA, { source: 'concurrency', eventId: `c-${n}` }));
    const batches = Array.from({ length: 10 }, (_, i) => all.slice(40 * i, 40 * i + 50));
    const answers = await Promise.all(batches.map((events) => postEvents(keyA, { events })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    const results = answers.flatMap((a) => a.body.results as Results);
    expect(results.filter((r) => r.status === 'stored')).toHaveLength(410);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(90);
    expect(await countWhere(tenantA, 'source', 'concurrency')).toBe(410);
  });
});

describe('POST /v1/events: refused requests', () => {
  it('answers 401 without a key, with a malformed key, an unknown key or a wrong secret', async () => {
    const wrongSecret = keyA.replace(/.{4}$/, (tail) => (tail === 'AAAA' ? 'BBBB' : 'AAAA'));
    const unknown = `alk_${tenantA}.0123456789abcdef.${'A'.repeat(43)}`;
    const cases = [
      [undefined, 'missing_api_key'],
      ['not-a-key', 'missing_api_key'],
      [unknown, 'invalid_api_key'],
      [wrongSecret, 'invalid_api_key'],
    ] as const;
    for (const [key, code] of cases) {
      const answer = await postEvents(key, envelope(tenantA));
      expect(answer.status).toBe(401);
      expect(answer.body.error).toMatchObject({ code });
      expect(answer.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    }
  });

  it("answers 403 and stores nothing when an event names another tenant than the key's", async () => {
    const own = envelope(tenantA);
    const foreign = envelope(tenantB);
    const single = await postEvents(keyA, foreign);
    expect(single.status).toBe(403);
    expect(single.body.error).toMatchObject({ code: 'tenant_mismatch', errors: [{ path: 'tenantId' }] });
    const batch = await postEvents(keyB, { events: [envelope(tenantB), own] });
    expect(batch.status).toBe(403);
    expect(batch.body.error).toMatchObject({ errors: [{ path: 'events[1].tenantId' }] });
    expect((await entry(foreign)).exists).toBe(false);
    expect((await entry(own)).exists).toBe(false);
  });

  it('answers 400 with field errors for malformed JSON', async () => {
    const asText = await postEvents(keyA, '{"events": [', { contentType: 'text/plain' });
    expect(asText.status).toBe(400);
    expect(asText.body.error).toMatchObject({ code: 'invalid_json', errors: [{ path: '' }] });
    expect((asText.body.error as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(
      /^must be valid JSON/,
    );
    const noType = await postEvents(keyA, '{oops', { contentType: null });
    expect(noType.body.error).toMatchObject({ code: 'invalid_json' });
    // As application/json the platform's body parser refuses it before the function runs.
    expect((await postEvents(keyA, '{"a":', { contentType: 'application/json' })).status).toBe(400);
    const notBatch = await postEvents(keyA, { events: 'nope' });
    expect(notBatch.body.error).toMatchObject({ code: 'invalid_body', errors: [{ path: 'events' }] });
  });

  it('answers 400 with path and message for an invalid envelope, and dead-letters it stably', async () => {
    const bad = envelope(tenantA, { actor: { type: 'user', id: '' }, occurredAt: 'yesterday' });
    const headers = { 'X-Request-Id': `req-${bad.eventId as string}` };
    const answer = await postEvents(keyA, bad, { headers });
    expect(answer.status).toBe(400);
    const error = answer.body.error as { code: string; errors: Array<{ path: string; message: string }> };
    expect(error.code).toBe('invalid_events');
    expect(error.errors.map((e) => e.path).sort()).toEqual(['actor.id', 'occurredAt']);
    const result = (answer.body.results as Results)[0]!;
    expect(result).toMatchObject({ index: 0, status: 'rejected', reason: 'schema_violation' });
    const letter = await db
      .collection('audit_dead_letters')
      .doc(result.deadLetterId as string)
      .get();
    expect(letter.data()).toMatchObject({ source: 'http', tenantId: tenantA, reason: 'schema_violation' });
    const retried = await postEvents(keyA, bad, { headers });
    expect((retried.body.results as Results)[0]!.deadLetterId).toBe(result.deadLetterId);
  });

  it('accepts a mixed batch with 202, reporting and dead-lettering the invalid event', async () => {
    const good = envelope(tenantA);
    const bad = envelope(tenantA, { eventType: 'Not A Type' });
    const answer = await postEvents(keyA, { events: [bad, good] });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 1 });
    const [rejected, stored] = answer.body.results as Results;
    expect(rejected).toMatchObject({ index: 0, status: 'rejected', errors: [{ path: 'eventType' }] });
    expect(stored).toMatchObject({ index: 1, status: 'stored' });
    expect(
      (
        await db
          .collection('audit_dead_letters')
          .doc(rejected!.deadLetterId as string)
          .get()
      ).exists,
    ).toBe(true);
  });

  it('answers 413 for an oversized body, an oversized event and more than 500 events, storing nothing', async () => {
    const big = envelope(tenantA, { metadata: { blob: 'x'.repeat(300 * 1024) } });
    const tooMany = Array.from({ length: 501 }, () => envelope(tenantA));
    const huge = Array.from({ length: 30 }, () => envelope(tenantA, { metadata: { blob: 'y'.repeat(200 * 1024) } }));
    for (const body of [big, { events: [envelope(tenantA), big] }, { events: tooMany }, { events: huge }]) {
      const answer = await postEvents(keyA, body);
      expect(answer.status).toBe(413);
      expect(answer.body.error).toMatchObject({ code: 'payload_too_large' });
    }
    expect((await entry(tooMany[0]!)).exists).toBe(false);
    expect((await entry(huge[0]!)).exists).toBe(false);
  });

  it('answers 429 with Retry-After once a tenant exceeds its configured rate, storing nothing', async () => {
    const tenant = uniqueTenant('http-rate');
    // 3 events of burst, then one event per 100 s: the test cannot outrun it by being slow.
    await createTenant(db, tenant, { api: { rateLimit: { eventsPerSecond: 0.01, burst: 3 } } });
    const admin = await signInWithClaims({ tenantId: tenant, role: 'admin' });
    const { key } = await createKey(admin.idToken);
    expect((await postEvents(key, { events: [envelope(tenant), envelope(tenant), envelope(tenant)] })).status).toBe(
      202,
    );
    const late = envelope(tenant);
    const limited = await postEvents(key, late);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(90);
    expect((await entry(late)).exists).toBe(false);
  });

  it('answers 404 for unknown routes and 405 with Allow for other methods', async () => {
    const del = await apiRequest('/v1/events', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('Allow')).toBe('POST, GET');
    expect((await apiRequest('/v2/nothing')).status).toBe(404);
  });
});
