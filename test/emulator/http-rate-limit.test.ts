import { afterAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain';
import { envelope } from '../fixtures/envelopes';
import { postEvents, seedKey, type HttpAnswer } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant } from '../support/ingest-paths';

// The rate limit of POST /v1/events under concurrent requests of one tenant, on the emulators:
// every answer is 202 or 429 (never a 5xx because requests met on shared state), accepted events
// are stored exactly once, and a tenant over its limit is refused with Retry-After.

requireEmulators('FIRESTORE');
const db = adminDb();
const CONCURRENCY = 24;

afterAll(async () => {
  await closeAdminApp();
});

type Results = Array<Record<string, unknown>>;
const stored = (e: Record<string, unknown>) =>
  db
    .collection('audit_logs')
    .doc(logIdFor(e.tenantId as string, e.source as string, e.eventId as string))
    .get();
const countOf = async (tenantId: string, source: string) =>
  (
    await db.collection('audit_logs').where('tenantId', '==', tenantId).where('source', '==', source).count().get()
  ).data().count;

/** Status, error code and Retry-After of an answer, for messages that show every answer at once. */
const summary = (a: HttpAnswer) => ({
  status: a.status,
  code: (a.body.error as { code?: string } | undefined)?.code,
  retryAfter: a.headers.get('Retry-After'),
});

describe('POST /v1/events: concurrent requests of one tenant', () => {
  it(`accepts ${CONCURRENCY} concurrent batches within the default rate, storing every event once`, async () => {
    const tenant = uniqueTenant('rate-wide');
    await createTenant(db, tenant);
    const key = await seedKey(db, tenant);
    const batches = Array.from({ length: CONCURRENCY }, (_, i) =>
      Array.from({ length: 3 }, (_, j) => envelope(tenant, { source: 'rate-concurrency', eventId: `w-${i}-${j}` })),
    );

    const answers = await Promise.all(batches.map((events) => postEvents(key, { events })));

    // The default rate (5,000 events at once) holds these 72 events many times over: all accepted.
    expect(answers.map(summary)).toEqual(Array(CONCURRENCY).fill({ status: 202, code: undefined, retryAfter: null }));
    for (const answer of answers) {
      expect((answer.body.results as Results).map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
      expect(answer.headers.get('RateLimit-Limit')).toBe('5000');
      expect(Number(answer.headers.get('RateLimit-Remaining'))).toBeGreaterThanOrEqual(0);
    }
    await waitFor(
      () => countOf(tenant, 'rate-concurrency'),
      (n) => n === CONCURRENCY * 3,
      { what: 'every accepted event stored', timeoutMs: 20_000 },
    );
    // Stored once each: the count is exact, and every event is where its log id says.
    for (const e of batches.flat()) expect((await stored(e)).exists).toBe(true);
  });

  it('refuses a concurrent burst far above the limit with 429 and Retry-After, and still admits exactly the burst', async () => {
    const tenant = uniqueTenant('rate-tight');
    const burst = 5;
    // One event per 10,000 s after the burst: nothing refills while the test runs.
    // The key's own share set to the tenant's rate, so this one key meets the tenant limit.
    const rateLimit = { eventsPerSecond: 0.0001, burst };
    await createTenant(db, tenant, { api: { rateLimit, keyRateLimit: rateLimit } });
    const key = await seedKey(db, tenant);
    const events = Array.from({ length: CONCURRENCY }, (_, i) =>
      envelope(tenant, { source: 'rate-burst', eventId: `t-${i}` }),
    );

    const answers = await Promise.all(events.map((e) => postEvents(key, e)));

    const accepted = events.filter((_, i) => answers[i]!.status === 202);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted.length + refused.length, JSON.stringify(answers.map(summary))).toBe(CONCURRENCY);
    expect(accepted.length).toBeLessThanOrEqual(burst);
    expect(refused.length).toBeGreaterThanOrEqual(CONCURRENCY - burst);
    for (const answer of refused) {
      expect(answer.body.error).toMatchObject({ code: 'rate_limited' });
      expect(answer.headers.get('Retry-After')).toMatch(/^[1-9]\d*$/);
    }
    // Accepted events are stored once; refused ones not at all.
    await waitFor(
      () => countOf(tenant, 'rate-burst'),
      (n) => n === accepted.length,
      { what: 'the accepted events stored', timeoutMs: 20_000 },
    );
    for (const [i, e] of events.entries()) expect((await stored(e)).exists).toBe(answers[i]!.status === 202);

    // Requests that lost a race gave their reservation back: one request at a time now gets the
    // rest of the burst, then a refusal that waits for the window (not a one-second retry).
    const statuses: number[] = [];
    let last: HttpAnswer | undefined;
    for (let i = 0; i < burst - accepted.length + 1; i += 1) {
      last = await postEvents(key, envelope(tenant, { source: 'rate-burst', eventId: `s-${i}` }));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array<number>(burst - accepted.length).fill(202), 429]);
    expect(Number(last!.headers.get('Retry-After'))).toBeGreaterThan(60);
    expect(await countOf(tenant, 'rate-burst')).toBe(burst);
  });
});
