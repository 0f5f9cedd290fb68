import { getAuth } from 'firebase-admin/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS_BASE, callCallable, getEvents, postEvents, seedKey, signInWithClaims } from '../support/api-client';
import { adminApp, adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, testEnvelope } from '../support/ingest-paths';

// Attacks on the HTTP API and the token checks, each answered by a refusal: keys limited to a
// scope, one key unable to drain the tenant's ingest budget, reads rate-limited and audited, a
// forged cursor refused as bad input, and revoked ID tokens refused by callables and downloads.

const db = () => adminDb();

afterAll(async () => {
  await closeAdminApp();
});

const events = (tenantId: string, prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => testEnvelope(tenantId, { source: 'hardening', eventId: `${prefix}-${i}` }));

describe('API key scopes', () => {
  let tenant: string;
  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'FIREBASE_AUTH');
    tenant = uniqueTenant('scopes');
    await createTenant(db(), tenant);
  });

  it('refuses ingest with a read-only key and reads with an ingest-only key (403 insufficient_scope)', async () => {
    const readOnly = await seedKey(db(), tenant, ['read']);
    const ingestOnly = await seedKey(db(), tenant, ['ingest']);
    const post = await postEvents(readOnly, { events: events(tenant, 'ro', 1) });
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ error: { code: 'insufficient_scope' } });
    const read = await getEvents(ingestOnly);
    expect(read.status).toBe(403);
    expect(read.body).toMatchObject({ error: { code: 'insufficient_scope' } });
  });

  it('keeps both scopes for a key stored without any (keys created before scopes existed)', async () => {
    const legacy = await seedKey(db(), tenant);
    expect((await postEvents(legacy, { events: events(tenant, 'legacy', 1) })).status).toBe(202);
    expect((await getEvents(legacy)).status).toBe(200);
  });

  it('creates a key with the scopes an admin asks for, and refuses unknown scopes field by field', async () => {
    const admin = await signInWithClaims({ tenantId: tenant, role: 'admin' });
    const created = await callCallable('createApiKey', { name: 'reader', scopes: ['read'] }, admin.idToken);
    expect(created.status).toBe(200);
    const { key, scopes } = created.body.result as { key: string; scopes: string[] };
    expect(scopes).toEqual(['read']);
    expect((await postEvents(key, { events: events(tenant, 'cr', 1) })).status).toBe(403);
    const bad = await callCallable('createApiKey', { name: 'x', scopes: ['admin'] }, admin.idToken);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('scopes');
  });
});

describe('per-key ingest quota', () => {
  it('stops one key at its share while another key of the tenant still gets through', async () => {
    const tenant = uniqueTenant('keyquota');
    // Nothing refills while the test runs; the tenant could take 100 events, each key 40.
    await createTenant(db(), tenant, {
      api: { rateLimit: { eventsPerSecond: 0.001, burst: 100 }, keyRateLimit: { eventsPerSecond: 0.001, burst: 40 } },
    });
    const greedy = await seedKey(db(), tenant);
    const other = await seedKey(db(), tenant);
    expect((await postEvents(greedy, { events: events(tenant, 'g', 40) })).status).toBe(202);
    const refused = await postEvents(greedy, { events: events(tenant, 'g2', 1) });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await postEvents(other, { events: events(tenant, 'o', 40) })).status).toBe(202);
  });
});

describe('GET /v1/events', () => {
  it('rate-limits reads on their own budget', async () => {
    const tenant = uniqueTenant('readrate');
    await createTenant(db(), tenant, { api: { readRateLimit: { eventsPerSecond: 0.0001, burst: 3 } } });
    const key = await seedKey(db(), tenant);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await getEvents(key, { actor_id: 'nobody' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Ingest has a budget of its own: reads used up theirs, writes still pass.
    expect((await postEvents(key, { events: events(tenant, 'w', 1) })).status).toBe(202);
  });

  it('records each read as one DATA_ACCESS entry with the filters and the count', async () => {
    const tenant = uniqueTenant('readaudit');
    await createTenant(db(), tenant);
    const key = await seedKey(db(), tenant);
    expect((await postEvents(key, { events: events(tenant, 'a', 3) })).status).toBe(202);
    const answer = await getEvents(key, { actor_id: 'u-alice', limit: '2' });
    expect(answer.status).toBe(200);
    const reads = await waitFor(
      async () =>
        (await db().collection('audit_logs').where('tenantId', '==', tenant).where('source', '==', 'audit-api').get())
          .docs,
      (docs) => docs.length >= 1,
      { what: 'the read audit entry' },
    );
    expect(reads).toHaveLength(1);
    const entry = reads[0]!.data();
    expect(entry).toMatchObject({
      category: 'DATA_ACCESS',
      operation: 'READ',
      actor: { type: 'service_account' },
      changes: { after: { filters: { actor_id: ['u-alice'], limit: ['2'] }, returned: 2, more: true } },
    });
  });

  it('answers a forged cursor with a huge offset 400 with an error on `cursor`', async () => {
    const tenant = uniqueTenant('cursor');
    await createTenant(db(), tenant);
    const key = await seedKey(db(), tenant);
    expect((await postEvents(key, { events: events(tenant, 'c', 2) })).status).toBe(202);
    const first = await getEvents(key, { limit: '1' });
    const issued = JSON.parse(Buffer.from(String(first.body.next_cursor), 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    // The same cursor, its position moved far beyond any instant a timestamp can hold.
    const forged = Buffer.from(JSON.stringify({ ...issued, s: 9_000_000_000_000 }), 'utf8').toString('base64url');
    const answer = await getEvents(key, { limit: '1', cursor: forged });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'invalid_cursor', errors: [{ path: 'cursor' }] } });
  });
});

describe('revoked ID tokens', () => {
  /** Revokes a user's tokens once a second has passed since sign-in (revocation has second resolution). */
  async function revoke(uid: string, idToken: string): Promise<void> {
    const authTime = (
      JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as {
        auth_time: number;
      }
    ).auth_time;
    await waitFor(
      () => Promise.resolve(Math.floor(Date.now() / 1000)),
      (now) => now > authTime,
      { what: 'a second after sign-in', intervalMs: 50 },
    );
    await getAuth(adminApp()).revokeRefreshTokens(uid);
  }

  it('refuses an admin callable with a token issued before the revocation', async () => {
    const tenant = uniqueTenant('revoked');
    await createTenant(db(), tenant);
    const admin = await signInWithClaims({ tenantId: tenant, role: 'admin' });
    await revoke(admin.uid, admin.idToken);
    const answer = await callCallable('createApiKey', { name: 'after revocation' }, admin.idToken);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { status: 'UNAUTHENTICATED' } });
  });

  it('refuses review decisions and archive searches with a token issued before the revocation', async () => {
    const tenant = uniqueTenant('revokedrv');
    await createTenant(db(), tenant);
    const reviewer = await signInWithClaims({ tenantId: tenant, role: 'reviewer' });
    await revoke(reviewer.uid, reviewer.idToken);
    const logId = 'f'.repeat(32);
    for (const [name, data] of [
      ['assignReviewer', { logId, expectedVersion: 0 }],
      ['decideReview', { logId, decision: 'approved', expectedVersion: 0 }],
      ['confirmReview', { logId, expectedVersion: 0 }],
      ['searchArchives', { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }],
    ] as const) {
      const answer = await callCallable(name, data, reviewer.idToken);
      expect(answer.status, name).toBe(401);
      expect(answer.body, name).toMatchObject({ error: { status: 'UNAUTHENTICATED' } });
    }
  });

  it('refuses a download with a token issued before the revocation', async () => {
    const tenant = uniqueTenant('revokeddl');
    await createTenant(db(), tenant);
    const admin = await signInWithClaims({ tenantId: tenant, role: 'admin' });
    const url = `${FUNCTIONS_BASE}/downloadExport?kind=export&id=${'0'.repeat(20)}`;
    const before = await fetch(url, { headers: { Authorization: `Bearer ${admin.idToken}` } });
    expect(before.status).not.toBe(401);
    await revoke(admin.uid, admin.idToken);
    const after = await fetch(url, { headers: { Authorization: `Bearer ${admin.idToken}` } });
    expect(after.status).toBe(401);
  });
});
