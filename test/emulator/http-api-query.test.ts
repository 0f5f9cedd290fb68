import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain';
import { envelope } from '../fixtures/envelopes';
import { apiRequest, getEvents, postEvents, seedKey } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant } from '../support/ingest-paths';

// GET /v1/events for machine consumers and GET /v1/openapi.json, on the emulators. Two tenants
// get the same twelve events; every query must return exactly the expected entries of one.

requireEmulators('FIRESTORE');
const db = adminDb();
const tenantQ = uniqueTenant('query-q');
const tenantR = uniqueTenant('query-r');
const keys: Record<string, string> = {};

// The seed: event type, actor, outcome, and the classification the catalog gives it.
const SEED = [
  ['repo.created', 'u-1', 'success', 'DATA_MODIFICATION', 'INFO'],
  ['repo.deleted', 'u-2', 'success', 'DATA_MODIFICATION', 'WARNING'],
  ['auth.user.login', 'u-1', 'success', 'AUTHENTICATION', 'INFO'],
  ['auth.login.failed', 'u-3', 'failure', 'AUTHENTICATION', 'WARNING'],
  ['issue.created', 'u-2', 'success', 'BUSINESS_OPERATION', 'INFO'],
  ['issue.closed', 'u-1', 'success', 'BUSINESS_OPERATION', 'INFO'],
  ['permission.check.denied', 'u-3', 'denied', 'AUTHORIZATION', 'WARNING'],
  ['repo.created', 'u-3', 'success', 'DATA_MODIFICATION', 'INFO'],
  ['auth.login.failed', 'u-1', 'failure', 'AUTHENTICATION', 'WARNING'],
  ['pr.merged', 'u-2', 'success', 'DATA_MODIFICATION', 'INFO'],
  ['repo.deleted', 'u-1', 'failure', 'DATA_MODIFICATION', 'ERROR'],
  ['org.member_added', 'u-2', 'success', 'AUTHORIZATION', 'INFO'],
] as const;

interface Seeded {
  index: number;
  eventType: string;
  actorId: string;
  outcome: string;
  category: string;
  level: string;
  occurredAt: string;
  logId: string;
}

const base = Date.parse('2026-01-15T12:00:00.000Z');
// Event i occurred i minutes before the base; events 9 and 10 share an instant (tie-break by id).
const minute = (i: number) => new Date(base - (i === 10 ? 9 : i) * 60_000).toISOString();

function seedFor(tenantId: string): { events: Array<Record<string, unknown>>; seeded: Seeded[] } {
  const events = SEED.map(([eventType, actorId, outcome], i) =>
    envelope(tenantId, {
      eventId: `q-${i}`,
      eventType,
      outcome,
      occurredAt: minute(i),
      actor: { type: 'user', id: actorId },
      changes: undefined,
    }),
  );
  const seeded = SEED.map(([eventType, actorId, outcome, category, level], i) => ({
    index: i,
    eventType,
    actorId,
    outcome,
    category,
    level,
    occurredAt: minute(i),
    logId: logIdFor(tenantId, 'repo-service', `q-${i}`),
  }));
  return { events, seeded };
}

let seeded: Seeded[];

/** The expected answer: matching seed events, newest first, ties by log id descending. */
function expected(predicate: (s: Seeded) => boolean): string[] {
  return seeded
    .filter(predicate)
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.logId.localeCompare(a.logId))
    .map((s) => s.logId);
}

async function ids(params: Record<string, string>, key = keys[tenantQ]!): Promise<string[]> {
  const answer = await getEvents(key, { limit: '500', ...params });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.next_cursor).toBeNull();
  return (answer.body.entries as Array<{ logId: string }>).map((e) => e.logId);
}

beforeAll(async () => {
  for (const tenant of [tenantQ, tenantR]) {
    await createTenant(db, tenant);
    // Keys seeded with the Admin SDK: no key-creation or sign-in entries join the seed.
    // The seed is history from a fixed day in the past: importing it takes the backfill scope.
    keys[tenant] = await seedKey(db, tenant, ['ingest', 'read', 'backfill']);
    const { events, seeded: s } = seedFor(tenant);
    const answer = await postEvents(keys[tenant], { events });
    expect(answer.body).toMatchObject({ accepted: 12, rejected: 0 });
    if (tenant === tenantQ) seeded = s;
  }
});

afterAll(async () => {
  await closeAdminApp();
});

describe('GET /v1/events', () => {
  it("returns the key's tenant's entries only, newest first, with ISO instants", async () => {
    const answer = await getEvents(keys[tenantQ]!);
    expect(answer.body.next_cursor).toBeNull();
    const entries = answer.body.entries as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.logId)).toEqual(expected(() => true));
    expect(entries.every((e) => e.tenantId === tenantQ)).toBe(true);
    const first = entries.find((e) => e.logId === seeded[0]!.logId)!;
    expect(first.occurredAt).toBe(seeded[0]!.occurredAt);
    expect(Number.isNaN(Date.parse(first.recordedAt as string))).toBe(false);
    expect(first).toMatchObject({ category: 'DATA_MODIFICATION', level: 'INFO', eventType: 'repo.created' });
    expect(first).not.toHaveProperty('searchTokens');
  });

  it('filters by time range (from inclusive, to exclusive)', async () => {
    const params = { from: minute(5), to: minute(1) };
    expect(await ids(params)).toEqual(expected((s) => s.index >= 2 && s.index <= 5));
  });

  it.each([
    [{ actor_id: 'u-1' }, (s: Seeded) => s.actorId === 'u-1'],
    [{ event_type: 'repo.created,repo.deleted' }, (s: Seeded) => s.eventType.startsWith('repo.')],
    [{ event_type: 'auth.user.login' }, (s: Seeded) => s.eventType === 'auth.user.login'],
    [{ category: 'AUTHENTICATION' }, (s: Seeded) => s.category === 'AUTHENTICATION'],
    [{ level: 'WARNING' }, (s: Seeded) => s.level === 'WARNING'],
    [{ outcome: 'failure' }, (s: Seeded) => s.outcome === 'failure'],
    [
      { category: 'DATA_MODIFICATION', level: 'INFO' },
      (s: Seeded) => s.category === 'DATA_MODIFICATION' && s.level === 'INFO',
    ],
    [
      { actor_id: 'u-1', event_type: 'auth.login.failed' },
      (s: Seeded) => s.actorId === 'u-1' && s.eventType === 'auth.login.failed',
    ],
    [
      { event_type: 'repo.deleted', outcome: 'failure' },
      (s: Seeded) => s.eventType === 'repo.deleted' && s.outcome === 'failure',
    ],
    [{ actor_id: 'u-2', to: minute(3) }, (s: Seeded) => s.actorId === 'u-2' && s.index > 3],
    // The operation is derived from the event type's verb at ingest: created/added → CREATE.
    [{ operation: 'CREATE' }, (s: Seeded) => /\.(created|member_added)$/.test(s.eventType)],
    [{ operation: 'DELETE', actor_id: 'u-1' }, (s: Seeded) => s.eventType === 'repo.deleted' && s.actorId === 'u-1'],
    [
      { operation: 'DELETE', outcome: 'success' },
      (s: Seeded) => s.eventType === 'repo.deleted' && s.outcome === 'success',
    ],
  ] as const)('filters by %j', async (params, predicate) => {
    const want = expected(predicate);
    expect(want.length).toBeGreaterThan(0);
    expect(await ids(params)).toEqual(want);
  });

  it('never returns another tenant’s entries, whatever the filter', async () => {
    const other = await getEvents(keys[tenantR]!, { actor_id: 'u-1', limit: '500' });
    const entries = other.body.entries as Array<Record<string, unknown>>;
    expect(entries.length).toBe(expected((s) => s.actorId === 'u-1').length);
    expect(entries.every((e) => e.tenantId === tenantR)).toBe(true);
    expect(entries.some((e) => seeded.some((s) => s.logId === e.logId))).toBe(false);
  });

  it('pages with an opaque cursor, null exactly on the last page', async () => {
    const want = expected(() => true);
    const got: string[] = [];
    const cursors: Array<string | null> = [];
    let cursor: string | undefined;
    do {
      // Up to the seeded month: every read is itself recorded (`api.events.listed`, dated now).
      const params: Record<string, string> = { limit: '4', to: '2026-02-01T00:00:00.000Z' };
      if (cursor) params.cursor = cursor;
      const answer = await getEvents(keys[tenantQ]!, params);
      expect(answer.status).toBe(200);
      got.push(...(answer.body.entries as Array<{ logId: string }>).map((e) => e.logId));
      cursor = (answer.body.next_cursor as string | null) ?? undefined;
      cursors.push(answer.body.next_cursor as string | null);
    } while (cursor && cursors.length < 10);
    expect(got).toEqual(want);
    // 12 entries in pages of 4: the third page is full and still the last.
    expect(cursors.map((c) => c === null)).toEqual([false, false, true]);
  });

  it('pages a filtered query and refuses its cursor with other filters or another key', async () => {
    const first = await getEvents(keys[tenantQ]!, { level: 'WARNING', limit: '3' });
    const cursor = first.body.next_cursor as string;
    const second = await getEvents(keys[tenantQ]!, { level: 'WARNING', limit: '3', cursor });
    const got = [
      ...(first.body.entries as Array<{ logId: string }>),
      ...(second.body.entries as Array<{ logId: string }>),
    ];
    expect(got.map((e) => e.logId)).toEqual(expected((s) => s.level === 'WARNING'));
    expect(second.body.next_cursor).toBeNull();
    const foreign = await getEvents(keys[tenantQ]!, { level: 'INFO', cursor });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'invalid_cursor', errors: [{ path: 'cursor' }] });
    expect((await getEvents(keys[tenantR]!, { level: 'WARNING', cursor })).status).toBe(400);
  });

  it('answers 400 with field errors for bad parameters and unserved combinations', async () => {
    const bad = await getEvents(keys[tenantQ]!, { level: 'LOUD', limit: '501', actorId: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_argument', errors: [{ path: 'actorId' }] });
    const values = await getEvents(keys[tenantQ]!, { level: 'LOUD', limit: '501' });
    expect((values.body.error as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort()).toEqual([
      'level',
      'limit',
    ]);
    const operation = await getEvents(keys[tenantQ]!, { operation: 'delete' });
    expect(operation.status).toBe(400);
    expect(operation.body.error).toMatchObject({
      code: 'invalid_argument',
      errors: [{ path: 'operation', message: 'must be one of CREATE, UPDATE, DELETE, READ, EXECUTE' }],
    });
    const combo = await getEvents(keys[tenantQ]!, { category: 'SECURITY', event_type: 'a.b' });
    expect(combo.status).toBe(400);
    expect(combo.body.error).toMatchObject({ code: 'unsupported_filter_combination' });
    expect((await getEvents('alk_nobody.0123456789abcdef.' + 'A'.repeat(43))).status).toBe(401);
  });
});

describe('GET /v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document that passes the strict recommended lint rules', async () => {
    const answer = await apiRequest('/v1/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    const { createConfig, lintFromString } = await import('@redocly/openapi-core');
    const config = await createConfig({ extends: ['recommended-strict'] });
    const problems = await lintFromString({ source: JSON.stringify(answer.body), absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  });
});
