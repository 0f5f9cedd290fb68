import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEntry, logIdFor, validateEnvelope, CLEAR_TEXT_TENANT_SETTINGS } from '../../functions/src/domain';
import { storeEntry } from '../../functions/src/store/audit-store';
import { postEvents, seedKey } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForDoc } from '../support/ingest-paths';

// Poison events: envelopes that pass the contract's shape but that Firestore can never store.
// Each must be dead-lettered once with its reason and field errors on every path, never retried
// for ever (Pub/Sub and outbox redeliveries) and never fail a whole HTTP batch.

const db = () => adminDb();
const tenant = uniqueTenant('poison');

/** A map nested `levels` deep. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { n: 1 };
  for (let i = 1; i < levels; i++) value = { n: value };
  return value;
}

const leaves = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`l${i}`, 1]));

const DEEP = 'nesting deeper than Firestore allows';

/** name, envelope patch, reason, field path the error must name. */
const POISONS: ReadonlyArray<readonly [string, Record<string, unknown>, string, string]> = [
  ['an instant before year 1', { occurredAt: '0000-01-01T00:00:00Z' }, 'schema_violation', 'occurredAt'],
  [
    'changed fields that grow the entry past 1 MiB',
    { changes: { before: null, after: { ['k'.repeat(1400)]: leaves } } },
    'unstorable',
    'changes',
  ],
  [DEEP, { changes: { before: null, after: nested(24) } }, 'unstorable', 'changes'],
];

const poison = (patch: Record<string, unknown>) => testEnvelope(tenant, patch);

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  await createTenant(db(), tenant);
});

afterAll(async () => {
  await closeAdminApp();
});

function expectLetter(letter: Record<string, unknown>, reason: string, path: string): void {
  expect(letter).toMatchObject({ reason, tenantId: tenant });
  const errors = letter.errors as Array<{ path: string }>;
  expect(
    errors.some((e) => e.path.includes(path)),
    JSON.stringify(errors),
  ).toBe(true);
}

describe('poison events are dead-lettered once on every path', () => {
  for (const [name, patch, reason, path] of POISONS) {
    it(`Pub/Sub: ${name}`, async () => {
      const event = poison(patch);
      const messageId = await publishEnvelope(event);
      const letter = await waitForDoc(db().doc(`audit_dead_letters/pubsub-${messageId}`), 'the dead letter', 60_000);
      expectLetter(letter, reason, path);
      const id = logIdFor(tenant, String(event.source), String(event.eventId));
      expect((await db().doc(`audit_logs/${id}`).get()).exists).toBe(false);
    });

    // Firestore refuses an outbox document that nests too deep, so that poison never reaches
    // the outbox trigger: the producer's own write fails.
    if (name === DEEP) continue;
    it(`outbox: ${name}`, async () => {
      const ref = db().collection('audit_outbox').doc();
      await ref.set(poison(patch));
      // A delivery that kept failing would leave the document pending (no status) for ever.
      const failed = await waitFor(
        () => ref.get(),
        (s) => s.get('status') === 'failed',
        { what: 'the outbox document marked failed', timeoutMs: 60_000 },
      );
      expect(failed.get('failure.reason')).toBe(reason);
      expectLetter((await db().doc(`audit_dead_letters/outbox-${ref.id}`).get()).data()!, reason, path);
    });
  }

  it('HTTP: rejects each poison event with its field errors and stores the rest of the batch', async () => {
    const key = await seedKey(db(), tenant);
    const events = [...POISONS.map(([, patch]) => poison(patch)), poison({})];
    const answer = await postEvents(key, { events });
    expect(answer.status).toBe(202);
    const results = (answer.body as { results: Array<Record<string, unknown>> }).results;
    POISONS.forEach(([name, , reason, path], i) => {
      expect(results[i], name).toMatchObject({ status: 'rejected', reason });
      const errors = results[i]!.errors as Array<{ path: string }>;
      expect(
        errors.some((e) => e.path.includes(path)),
        name,
      ).toBe(true);
    });
    expect(results[POISONS.length]).toMatchObject({ status: 'stored' });
  });
});

describe('a write Firestore refuses is reported as unstorable, never thrown for a retry', () => {
  it('turns the Admin SDK’s refusal of an unvalidated entry into an unstorable result', async () => {
    // Built without the pipeline's storability check, as a future bug might: 30 levels deep.
    const envelope = validateEnvelope(poison({ changes: { before: null, after: nested(30) } }), new Date());
    const entry = buildEntry(envelope, CLEAR_TEXT_TENANT_SETTINGS, { via: 'outbox' });
    const result = await storeEntry(db(), entry, new Date());
    expect(result).toEqual({ unstorable: expect.stringMatching(/deeper than 20 levels/) as unknown });
    expect((await db().doc(`audit_logs/${entry.logId}`).get()).exists).toBe(false);
  });
});
