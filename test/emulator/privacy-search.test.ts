import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor, prepareEvent, readTenantSettings, type AuditEntry } from '../../functions/src/domain';
import { DataKeyStore } from '../../functions/src/privacy/data-keys';
import { runTieringJob } from '../../functions/src/tiering/job';
import { callCallable, getEvents, postEvents, seedKey, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { auditEntries, callOk, downloadViaLink, waitForJob } from '../support/exports';
import { waitForDoc } from '../support/ingest-paths';
import { devKek, devKekSecret } from '../support/privacy';
import { countExisting, createTenant, DAY, dateDaysAgo, seed, tieringDeps } from '../support/tiering';

// Search by a person's e-mail through the blind index, on the emulators. Two sealing tenants hold
// the same mailbox. Tenant A also has entries of that person written before it turned sealing on
// (the address in clear among their tokens), warm and archived. Each surface (the API, exports of
// both tiers, cold search, the console's token callable) must find every entry of the person in
// the searching tenant, none of the other tenant's, and never store the searched address in clear.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'FIREBASE_AUTH');
const db = adminDb();
process.env.AUDIT_PERSONAL_DATA_KEK = devKekSecret();

const tenantA = uniqueTenant('person-a');
const tenantB = uniqueTenant('person-b');
const archivedDay = dateDaysAgo(40);
const from = `${archivedDay}T00:00:00.000Z`;
const ADDRESS = 'ada@example.com';
const ADA = { type: 'user', id: 'u-ada', name: 'Ada Lovelace', email: ADDRESS };
const GRACE = { type: 'user', id: 'u-grace', name: 'Grace Hopper', email: 'grace@example.com' };

function envelope(tenantId: string, actor: Record<string, unknown>, eventId: string, at: string) {
  return {
    specVersion: '1.0',
    eventId,
    eventType: 'repo.created',
    tenantId,
    occurredAt: at,
    source: 'repo-service',
    actor,
    resource: { type: 'repository', id: `r-${eventId}` },
  };
}

/** An entry as ingest builds it, sealed or (as before the tenant turned sealing on) in clear. */
async function built(
  tenantId: string,
  actor: Record<string, unknown>,
  eventId: string,
  at: string,
  sealed: boolean,
): Promise<AuditEntry> {
  const settings = readTenantSettings({ retentionDays: 30, privacy: { encryptPersonalData: sealed } }).settings;
  const prepared = await prepareEvent(
    { value: envelope(tenantId, actor, eventId, at) },
    { via: 'http', backfill: true },
    { now: () => new Date(), tenantSettings: () => Promise.resolve(settings), personalData: keys },
  );
  if (prepared.status !== 'accepted') throw new Error(prepared.message);
  return prepared.entry;
}

const keys = new DataKeyStore(db, devKek());
const ids = { archivedAda: [] as string[], archivedGrace: '', warmClearAda: '', liveA: '', liveGraceA: '', liveB: '' };
let keyA: string;
let keyB: string;
let auditorA: string;
let auditorB: string;
let memberA: string;
let platform: string;

beforeAll(async () => {
  for (const tenantId of [tenantA, tenantB]) {
    await createTenant(db, tenantId, 30);
    await db
      .collection('tenants')
      .doc(tenantId)
      .set({ privacy: { encryptPersonalData: true } }, { merge: true });
  }
  const at = (minute: number) => new Date(Date.parse(`${archivedDay}T10:00:00.000Z`) + minute * 60_000).toISOString();
  const archived = [
    await built(tenantA, ADA, 'old-clear-ada', at(0), false),
    await built(tenantA, ADA, 'old-sealed-ada', at(1), true),
    await built(tenantA, GRACE, 'old-sealed-grace', at(2), true),
  ];
  ids.archivedAda = [archived[0]!.logId, archived[1]!.logId];
  ids.archivedGrace = archived[2]!.logId;
  await seed(db, archived);
  expect((await runTieringJob(tieringDeps(), { tenantIds: [tenantA] })).failures).toBe(0);
  expect(await countExisting(db, [...ids.archivedAda, ids.archivedGrace])).toBe(0);

  const warmClear = await built(tenantA, ADA, 'warm-clear-ada', new Date(Date.now() - 3_600_000).toISOString(), false);
  ids.warmClearAda = warmClear.logId;
  await seed(db, [warmClear], { checkpoint: false });

  keyA = await seedKey(db, tenantA);
  keyB = await seedKey(db, tenantB);
  const now = new Date().toISOString();
  expect((await postEvents(keyA, { events: [envelope(tenantA, ADA, 'live-ada', now)] })).status).toBe(202);
  expect((await postEvents(keyA, { events: [envelope(tenantA, GRACE, 'live-grace', now)] })).status).toBe(202);
  expect((await postEvents(keyB, { events: [envelope(tenantB, ADA, 'live-ada', now)] })).status).toBe(202);
  ids.liveA = logIdFor(tenantA, 'repo-service', 'live-ada');
  ids.liveGraceA = logIdFor(tenantA, 'repo-service', 'live-grace');
  ids.liveB = logIdFor(tenantB, 'repo-service', 'live-ada');
  for (const logId of [ids.liveA, ids.liveGraceA, ids.liveB]) {
    await waitForDoc(db.collection('audit_logs').doc(logId), logId, 60_000);
  }

  auditorA = (await signInWithClaims({ tenantId: tenantA, role: 'auditor' })).idToken;
  auditorB = (await signInWithClaims({ tenantId: tenantB, role: 'auditor' })).idToken;
  memberA = (await signInWithClaims({ tenantId: tenantA, role: 'member' })).idToken;
  platform = (await signInWithClaims({ platformAdmin: true })).idToken;
}, 240_000);

afterAll(async () => {
  await closeAdminApp();
});

type Row = { logId: string; actor: Record<string, unknown> };
const logIds = (rows: readonly Row[]) => rows.map((r) => r.logId).sort();
const tokenOf = (tenantId: string) => keys.blindIndex(tenantId, ADDRESS);

async function apiSearch(key: string, params: Record<string, string>) {
  const answer = await getEvents(key, params);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { entries: Row[] }).entries;
}

async function coldSearch(idToken: string, extra: Record<string, unknown>): Promise<Row[]> {
  const answer = await callCallable('searchArchives', { from, pageSize: 50, ...extra }, idToken);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { result: { entries: Row[] } }).result.entries;
}

describe('what is stored', () => {
  it('never holds the clear address among a sealed entry’s tokens, only the tenant’s blind token', async () => {
    for (const [logId, tenantId] of [
      [ids.liveA, tenantA],
      [ids.liveB, tenantB],
    ] as const) {
      const tokens = (await db.collection('audit_logs').doc(logId).get()).get('searchTokens') as string[];
      expect(tokens.some((t) => t.includes('ada@') || t === 'ada' || t === 'lovelace')).toBe(false);
      expect(tokens).toContain(tokenOf(tenantId));
    }
    // The same mailbox in two tenants: unrelated tokens, so one tenant's never finds the other's.
    expect(tokenOf(tenantA)).not.toBe(tokenOf(tenantB));
    const byTokenOfA = await db
      .collection('audit_logs')
      .where('searchTokens', 'array-contains', tokenOf(tenantA))
      .get();
    expect(byTokenOfA.docs.map((d) => d.get('tenantId') as string)).not.toContain(tenantB);
  });
});

describe('GET /v1/events?actor_email=', () => {
  it('finds the person’s sealed and pre-sealing entries of the key’s tenant, and no one else’s', async () => {
    const rows = await apiSearch(keyA, { actor_email: ' ADA@Example.com ' });
    expect(logIds(rows)).toEqual([ids.liveA, ids.warmClearAda].sort());
    expect(rows.every((r) => r.actor.email === ADDRESS)).toBe(true);
    expect(logIds(await apiSearch(keyB, { actor_email: ADDRESS }))).toEqual([ids.liveB]);
  });

  it('refuses a malformed address with a field error', async () => {
    const answer = await getEvents(keyA, { actor_email: 'ada.example.com' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('"path":"actor_email"');
  });

  it('records the read with the blind token, never the clear address', async () => {
    const reads = await waitFor(
      () => auditEntries(db, tenantA, 'api.events.listed'),
      (found) => found.some((e) => JSON.stringify(e).includes(tokenOf(tenantA))),
      { what: 'the read audit of the e-mail search' },
    );
    for (const read of reads) expect(JSON.stringify(read).toLowerCase()).not.toContain('ada@example.com');
  });
});

describe('cold search by actorEmail', () => {
  it('finds the person’s archived entries, sealed and clear, for the tenant’s reader', async () => {
    const rows = await coldSearch(auditorA, { actorEmail: ADDRESS });
    expect(logIds(rows)).toEqual([...ids.archivedAda].sort());
    expect(rows.every((r) => r.actor.email === ADDRESS)).toBe(true);
  });

  it('gives a platform admin no use of the blind index: only what is stored in clear', async () => {
    const rows = await coldSearch(platform, { tenantId: tenantA, actorEmail: ADDRESS });
    expect(logIds(rows)).toEqual([ids.archivedAda[0]!]);
  });

  it('records the search with the blind token, never the clear address', async () => {
    const searches = await waitFor(
      () => auditEntries(db, tenantA, 'audit.archive.searched'),
      (found) => found.some((e) => JSON.stringify(e).includes(tokenOf(tenantA))),
      { what: 'the record of the cold search by e-mail' },
    );
    for (const s of searches) expect(JSON.stringify(s).toLowerCase()).not.toContain('ada@example.com');
  });
});

describe('exports by actorEmail', () => {
  it('hold the person’s entries of both tiers and nobody else’s, recorded by token', async () => {
    const to = new Date(Date.now() + DAY).toISOString();
    const filter = { from, to, actorEmail: 'Ada@Example.com' };
    const { exportId } = await callOk<{ exportId: string }>('startExport', { format: 'ndjson', filter }, auditorA);
    const job = await waitForJob(db, 'audit_exports', exportId);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    const text = await (await downloadViaLink('export', exportId, auditorA)).text();
    const rows = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);
    expect(logIds(rows)).toEqual([ids.liveA, ids.warmClearAda, ...ids.archivedAda].sort());
    expect(text).not.toContain('grace@example.com');
    const completed = await waitFor(
      () => auditEntries(db, tenantA, 'compliance.export.completed'),
      (found) => found.length > 0,
      { what: 'the export audit entry' },
    );
    expect(JSON.stringify(completed).toLowerCase()).not.toContain('ada@example.com');
    expect(JSON.stringify(completed)).toContain(tokenOf(tenantA));
  });

  it('refuses a malformed address at the field', async () => {
    const answer = await callCallable('startExport', { format: 'json', filter: { actorEmail: 'ada' } }, auditorA);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('filter.actorEmail');
  });
});

describe('personSearchTokens (the console’s log search)', () => {
  it('answers a reader the clear and blind tokens of an address in the reader’s own tenant', async () => {
    const a = await callOk<{ tokens: string[] }>('personSearchTokens', { actorEmail: 'ADA@example.com' }, auditorA);
    expect(a.tokens).toEqual([ADDRESS, tokenOf(tenantA)]);
    const b = await callOk<{ tokens: string[] }>('personSearchTokens', { actorEmail: ADDRESS }, auditorB);
    expect(b.tokens).toEqual([ADDRESS, tokenOf(tenantB)]);
  });

  it('gives tenant A’s token to nobody outside A’s readers', async () => {
    for (const idToken of [memberA, platform]) {
      const answer = await callCallable('personSearchTokens', { actorEmail: ADDRESS }, idToken);
      expect(answer.status).toBe(403);
      expect(JSON.stringify(answer.body)).not.toContain(tokenOf(tenantA));
    }
    // A tenant named in the request is not a parameter: the tenant comes from the claims only.
    const forged = await callCallable('personSearchTokens', { actorEmail: ADDRESS, tenantId: tenantA }, auditorB);
    expect(forged.status).toBe(400);
  });

  it('refuses a malformed address with a field error', async () => {
    const answer = await callCallable('personSearchTokens', { actorEmail: 'not an address' }, auditorA);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('actorEmail');
  });
});
