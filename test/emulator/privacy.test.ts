import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, logIdFor, type AuditEntry } from '../../functions/src/domain';
import { ERASED, SEALED } from '../../functions/src/domain/privacy';
import { DataKeyStore } from '../../functions/src/privacy/data-keys';
import { fromStored } from '../../functions/src/store/converters';
import { runTieringJob } from '../../functions/src/tiering/job';
import { callCallable, getEvents, postEvents, seedKey, signInWithClaims } from '../support/api-client';
import { checkpointTenants } from '../support/checkpoints';
import { adminDb, closeAdminApp, PROJECT_ID, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { auditEntries, callOk, downloadViaLink, waitForJob } from '../support/exports';
import { waitForDoc } from '../support/ingest-paths';
import { devKek, devKekSecret, sealedEntries } from '../support/privacy';
import { countExisting, createTenant, DAY, dateDaysAgo, seed, tieringDeps } from '../support/tiering';

// Crypto-shredding end to end on the emulators: a tenant with `privacy.encryptPersonalData` stores
// its actors' personal fields sealed (live through the HTTP API, and on a day archived to the cold
// tier); the API, exports and cold search open them for the tenant's readers; an erasure requested
// by one compliance officer and approved by another destroys the subject's key, after which every
// one of those surfaces shows the subject's fields as erased while the verifier still passes.

requireEmulators('FIRESTORE', 'FIREBASE_STORAGE', 'FIREBASE_AUTH');
const db = adminDb();
const run = promisify(execFile);

// The jobs this suite runs in its own process (tiering, checkpoints) ingest system events for the
// sealing tenant, as the deployed functions do with the secret bound to them.
process.env.AUDIT_PERSONAL_DATA_KEK = devKekSecret();

const tenant = uniqueTenant('privacy');
const archivedDay = dateDaysAgo(40);
const ADA = {
  type: 'user',
  id: 'u-ada',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  ip: '203.0.113.7',
  userAgent: 'AdaAgent/1.0',
};
const GRACE = { type: 'user', id: 'u-grace', name: 'Grace Hopper', email: 'grace@example.com', ip: '198.51.100.9' };
const ADA_CLEAR = ['ada@example.com', 'Ada Lovelace', '203.0.113.7', 'AdaAgent/1.0'];

function envelope(actor: Record<string, unknown>, eventId: string, occurredAt: string): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId,
    eventType: 'repo.created',
    tenantId: tenant,
    occurredAt,
    source: 'repo-service',
    actor,
    resource: { type: 'repository', id: `r-${eventId}` },
    changes: { before: null, after: { name: eventId } },
    metadata: { userAgent: actor.userAgent ?? 'curl/8', note: 'created from the web' },
  };
}

/** Entries of the archived day, sealed as ingest seals them (the same KEK, the same key store). */
function archivedEntries(keys: DataKeyStore): Promise<AuditEntry[]> {
  const start = Date.parse(`${archivedDay}T10:00:00.000Z`);
  return sealedEntries(
    [ADA, GRACE, ADA].map((actor, i) => envelope(actor, `old-${i}`, new Date(start + i * 60_000).toISOString())),
    keys,
  );
}

let apiKey: string;
let auditor: string;
let officer: { uid: string; idToken: string };
let secondOfficer: string;
let platform: string;
const liveIds: string[] = [];
const archivedIds: string[] = [];
const from = `${archivedDay}T00:00:00.000Z`;
let liveAdaAt: string;

/** The tenant's dead letters whose payload is an event of Ada, and of Grace. */
async function subjectDeadLetters(): Promise<{ ada: string[]; grace: string[] }> {
  const snap = await db.collection('audit_dead_letters').where('tenantId', '==', tenant).get();
  const of = (id: string) => snap.docs.filter((d) => String(d.get('rawPayload')).includes(`"${id}"`)).map((d) => d.id);
  return { ada: of('u-ada'), grace: of('u-grace') };
}

beforeAll(async () => {
  await createTenant(db, tenant, 30);
  await db
    .collection('tenants')
    .doc(tenant)
    .set({ privacy: { encryptPersonalData: true } }, { merge: true });
  const archived = await archivedEntries(new DataKeyStore(db, devKek()));
  archivedIds.push(...archived.map((e) => e.logId));
  await seed(db, archived);
  const tiering = await runTieringJob(tieringDeps(), { tenantIds: [tenant] });
  expect(tiering.failures).toBe(0);
  expect(await countExisting(db, archivedIds)).toBe(0);

  apiKey = await seedKey(db, tenant);
  const now = new Date().toISOString();
  liveAdaAt = now;
  const posted = await postEvents(apiKey, {
    events: [envelope(ADA, 'live-ada', now), envelope(GRACE, 'live-grace', now)],
  });
  expect(posted.status, JSON.stringify(posted.body)).toBe(202);
  for (const id of ['live-ada', 'live-grace']) liveIds.push(logIdFor(tenant, 'repo-service', id));
  for (const logId of liveIds) await waitForDoc(db.collection('audit_logs').doc(logId), logId, 60_000);

  auditor = (await signInWithClaims({ tenantId: tenant, role: 'auditor' })).idToken;
  officer = await signInWithClaims({ tenantId: tenant, role: 'compliance' });
  secondOfficer = (await signInWithClaims({ tenantId: tenant, role: 'compliance' })).idToken;
  platform = (await signInWithClaims({ platformAdmin: true })).idToken;
}, 240_000);

afterAll(async () => {
  await closeAdminApp();
});

type Row = { actor: Record<string, unknown>; metadata?: Record<string, unknown>; logId: string };

async function apiRows(actorId: string): Promise<Row[]> {
  const answer = await getEvents(apiKey, { actor_id: actorId });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { entries: Row[] }).entries.filter((e) => liveIds.includes(e.logId));
}

async function coldRows(idToken: string, extra: Record<string, unknown> = {}): Promise<Row[]> {
  const answer = await callCallable('searchArchives', { from, pageSize: 50, ...extra }, idToken);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return (answer.body as { result: { entries: Row[] } }).result.entries;
}

async function exportText(format: 'json' | 'csv'): Promise<string> {
  const to = new Date(Date.now() + DAY).toISOString();
  const { exportId } = await callOk<{ exportId: string }>('startExport', { format, filter: { from, to } }, auditor);
  const job = await waitForJob(db, 'audit_exports', exportId);
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  const response = await downloadViaLink('export', exportId, auditor);
  expect(response.status).toBe(200);
  return response.text();
}

async function verify(): Promise<{ ok: boolean; entriesChecked: number; findings: unknown[] }> {
  const to = new Date().toISOString().slice(0, 10);
  const args = ['functions/bin/audit-verify.js', '--tenant', tenant, '--from', archivedDay, '--to', to, '--json'];
  const env = { ...process.env, GCLOUD_PROJECT: PROJECT_ID };
  try {
    const { stdout } = await run(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as { ok: boolean; entriesChecked: number; findings: unknown[] };
  } catch (err) {
    const e = err as { stdout?: string };
    return JSON.parse(e.stdout ?? '{}') as { ok: boolean; entriesChecked: number; findings: unknown[] };
  }
}

const adaFields = (row: Row) => [row.actor.email, row.actor.name, row.actor.ip, row.actor.userAgent];

describe('personal data sealed at ingest', () => {
  it('stores every personal field as ciphertext, and the hash covers what is stored', async () => {
    for (const logId of liveIds) {
      const doc = (await db.collection('audit_logs').doc(logId).get()).data()!;
      const text = JSON.stringify(doc);
      for (const clear of [...ADA_CLEAR, 'grace@example.com', 'Grace Hopper']) expect(text).not.toContain(clear);
      expect(String((doc.actor as Record<string, unknown>).email)).toMatch(/^enc:v1:/);
      expect(entryHash(fromStored(doc))).toBe(doc.hash);
    }
  });

  it('opens the sealed fields for GET /v1/events', async () => {
    const [row] = await apiRows('u-ada');
    expect(adaFields(row!)).toEqual(ADA_CLEAR);
    expect(row!.metadata?.userAgent).toBe('AdaAgent/1.0');
  });

  it("opens the archive's ciphertext for the tenant's reader, and conceals it from a platform admin", async () => {
    const rows = await coldRows(auditor);
    expect(rows.map((r) => r.logId).sort()).toEqual([...archivedIds].sort());
    const ada = rows.filter((r) => r.actor.id === 'u-ada');
    expect(ada.map(adaFields)).toEqual([ADA_CLEAR, ADA_CLEAR]);
    const concealed = await coldRows(platform, { tenantId: tenant });
    expect(concealed.every((r) => r.actor.email === SEALED)).toBe(true);
  });

  it('opens them in exports of both tiers', async () => {
    const json = await exportText('json');
    expect(json).toContain('ada@example.com');
    expect(json).toContain('grace@example.com');
    expect(json).not.toContain('enc:v1:');
  });

  it('verifies clean with the sealed entries and archive', async () => {
    await checkpointTenants([tenant]);
    const report = await verify();
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe('erasure', () => {
  let erasureId: string;

  it('is requested by a compliance officer only', async () => {
    const denied = await callCallable('requestErasure', { subject: 'u-ada', reason: 'art. 17' }, auditor);
    expect((denied.body.error as { status?: string }).status).toBe('PERMISSION_DENIED');
    const bad = await callCallable('requestErasure', { subject: '', reason: 'x' }, officer.idToken);
    expect(bad.status).toBe(400);
    const requested = await callOk<{ erasureId: string; status: string }>(
      'requestErasure',
      { subject: 'u-ada', reason: 'data subject request, art. 17' },
      officer.idToken,
    );
    expect(requested.status).toBe('requested');
    erasureId = requested.erasureId;
  });

  it('cannot be approved by the person who requested it (two-person rule)', async () => {
    const answer = await callCallable('approveErasure', { erasureId }, officer.idToken);
    expect(answer.status).toBe(403);
    expect((answer.body.error as { details?: { code?: string } }).details?.code).toBe('two_person_rule');
    // Nothing was destroyed: the subject still reads in clear.
    const [row] = await apiRows('u-ada');
    expect(adaFields(row!)).toEqual(ADA_CLEAR);
  });

  it('keeps refused input of the subject as a dead letter, in clear, until erasure', async () => {
    // No resource: refused, so the payload is dead-lettered as it came (nothing is sealed there).
    const refused = (actor: Record<string, unknown>, id: string) => {
      const { resource: _resource, ...event } = envelope(actor, id, new Date().toISOString());
      return event;
    };
    const posted = await postEvents(apiKey, { events: [refused(ADA, 'bad-ada'), refused(GRACE, 'bad-grace')] });
    // Every event of the request is invalid: 400, each one dead-lettered.
    expect(posted.status, JSON.stringify(posted.body)).toBe(400);
    const letters = await waitFor(
      () => subjectDeadLetters(),
      (found) => found.ada.length === 1 && found.grace.length === 1,
      { what: 'the dead letters of both subjects' },
    );
    expect(letters.ada.length).toBe(1);
  });

  it('destroys the key when a second officer approves, every step a COMPLIANCE entry', async () => {
    const executed = await callOk<{ status: string; keyDestroyed: boolean; logIds: string[] }>(
      'approveErasure',
      { erasureId },
      secondOfficer,
    );
    expect(executed).toMatchObject({ status: 'executed', keyDestroyed: true, deadLettersPurged: 1 });
    for (const step of ['requested', 'approved', 'executed']) {
      const entries = await waitFor(
        () => auditEntries(db, tenant, `audit.privacy.erasure_${step}`),
        (found) => found.length === 1,
        { what: `the erasure_${step} entry` },
      );
      expect(entries[0]).toMatchObject({ category: 'COMPLIANCE', source: 'audit-privacy' });
      expect(JSON.stringify(entries[0])).not.toContain('u-ada');
    }
    const record = (await db.collection('audit_erasures').doc(erasureId).get()).data()!;
    expect(record.status).toBe('executed');
    expect(record.subject).toBeUndefined();
  });

  it("purges the subject's dead letters and their originals, and keeps the others'", async () => {
    const letters = await subjectDeadLetters();
    expect(letters.ada).toEqual([]);
    expect(letters.grace.length).toBe(1);
    const originals = await db.collection('audit_dead_letter_payloads').get();
    expect(originals.docs.some((d) => String(d.get('rawPayload')).includes('"u-ada"'))).toBe(false);
  });

  it("takes a redelivery of the erased subject's event as a duplicate, never a dead letter in clear", async () => {
    // Sealed again under the subject's next key generation: a different hash, the same event.
    const again = await postEvents(apiKey, { events: [envelope(ADA, 'live-ada', liveAdaAt)] });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(JSON.stringify(again.body)).toContain('duplicate');
    const letters = await subjectDeadLetters();
    expect(letters.ada).toEqual([]);
  });

  it('shows the subject as erased in the API (once instance caches expire), others still in clear', async () => {
    const rows = await waitFor(
      () => apiRows('u-ada'),
      (found) => found.length === 1 && found[0]!.actor.email === ERASED,
      { timeoutMs: 40_000, intervalMs: 1000, what: 'the API to show the erased subject' },
    );
    expect(adaFields(rows[0]!)).toEqual([ERASED, ERASED, ERASED, ERASED]);
    expect(rows[0]!.metadata?.userAgent).toBe(ERASED);
    expect(rows[0]!.actor.id).toBe('u-ada');
    const [grace] = await apiRows('u-grace');
    expect(grace!.actor.email).toBe('grace@example.com');
  });

  it('shows the subject as erased in cold search after tiering', async () => {
    const rows = await waitFor(
      () => coldRows(auditor),
      (found) => found.filter((r) => r.actor.id === 'u-ada').every((r) => r.actor.email === ERASED),
      { timeoutMs: 40_000, intervalMs: 1000, what: 'cold search to show the erased subject' },
    );
    for (const row of rows.filter((r) => r.actor.id === 'u-ada'))
      expect(adaFields(row)).toEqual([ERASED, ERASED, ERASED, ERASED]);
    expect(rows.find((r) => r.actor.id === 'u-grace')!.actor.email).toBe('grace@example.com');
  });

  it('shows the subject as erased in exports (JSON and CSV) of both tiers', async () => {
    for (const format of ['json', 'csv'] as const) {
      const text = await waitFor(
        () => exportText(format),
        (t) => !t.includes('ada@example.com'),
        { timeoutMs: 60_000, intervalMs: 1000, what: `a ${format} export without the erased subject` },
      );
      for (const clear of ADA_CLEAR) expect(text).not.toContain(clear);
      expect(text).toContain(ERASED);
      expect(text).toContain('grace@example.com');
    }
  });

  it('leaves every entry, archive and checkpoint verifying', async () => {
    await checkpointTenants([tenant]);
    const report = await verify();
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.entriesChecked).toBeGreaterThanOrEqual(liveIds.length);
  });
});
