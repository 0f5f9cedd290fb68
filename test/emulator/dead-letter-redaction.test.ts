import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { ok, tenantUser } from '../support/commands';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, testEnvelope, waitForDoc } from '../support/ingest-paths';

// Dead letters keep part of the raw payload for diagnosis, and tenant admins read them. A
// producer's invalid event can carry passwords and tokens: the copy admins read is redacted
// with the tenant's rules, whether the payload parses as JSON or not. Replay works from the
// original, kept where no client can read it.

requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
const db = () => adminDb();
const SECRETS = [
  'hunter2-pa55',
  'tok-9f8e7d6c5b4a',
  'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig',
  '93000',
  'jane.doe@example.com',
];

async function publishRaw(data: Buffer): Promise<string> {
  const messageId = await pubsubClient().topic('audit-events').publishMessage({ data });
  return `pubsub-${messageId}`;
}

function expectNoSecret(rawPayload: unknown): void {
  expect(typeof rawPayload).toBe('string');
  for (const secret of SECRETS) expect(rawPayload as string).not.toContain(secret);
}

afterAll(async () => {
  await closeAdminApp();
});

describe('dead letters hold no secrets of the raw payload', () => {
  const tenant = uniqueTenant('dl-redact');

  beforeAll(async () => {
    await createTenant(db(), tenant, { redaction: { extraKeys: ['salary'], maskEmails: true } });
  });

  it('redacts an invalid JSON event with the tenant rules and says so', async () => {
    const invalid = testEnvelope(tenant, {
      eventType: 'Not A Type',
      metadata: {
        password: SECRETS[0],
        apiToken: SECRETS[1],
        note: `called with Authorization: Bearer ${SECRETS[2]} by ${SECRETS[4]}`,
        salary: SECRETS[3],
        plan: 'pro',
      },
    });
    const id = await publishRaw(Buffer.from(JSON.stringify(invalid)));
    const letter = await waitForDoc(db().collection('audit_dead_letters').doc(id), 'the dead letter');
    expectNoSecret(letter.rawPayload);
    expect(letter).toMatchObject({ reason: 'schema_violation', tenantId: tenant, rawPayloadRedacted: true });
    expect(letter.rawPayloadRedactedPaths).toEqual(
      expect.arrayContaining([
        'rawPayload.metadata.apiToken',
        'rawPayload.metadata.note',
        'rawPayload.metadata.password',
        'rawPayload.metadata.salary',
      ]),
    );
    // What was not secret is still there to diagnose the event.
    expect(JSON.parse(letter.rawPayload as string)).toMatchObject({
      eventType: 'Not A Type',
      metadata: { plan: 'pro' },
    });
  });

  // Text that does not parse names no tenant the pipeline could check: the default rules apply.
  it('redacts a payload that is not JSON: key-value pairs and patterns in the raw text', async () => {
    const text =
      `{"tenantId":"${tenant}","metadata":{"password": "${SECRETS[0]}", "pin": ${SECRETS[3]}, ` +
      `"url":"https://x.test/?token=${SECRETS[1]}&page=2", "note":"Bearer ${SECRETS[2]} from ${SECRETS[4]}"`;
    const id = await publishRaw(Buffer.from(text));
    const letter = await waitForDoc(db().collection('audit_dead_letters').doc(id), 'the dead letter');
    expectNoSecret(letter.rawPayload);
    expect(letter).toMatchObject({ reason: 'invalid_json', rawPayloadRedacted: true });
    expect(letter.rawPayload).toContain('page=2');
  });

  it('keeps a payload without secrets byte for byte and does not mark it', async () => {
    const text = '{"tenantId": "t",  "note": "nothing to hide"';
    const id = await publishRaw(Buffer.from(text));
    const letter = await waitForDoc(db().collection('audit_dead_letters').doc(id), 'the dead letter');
    expect(letter.rawPayload).toBe(text);
    expect(letter.rawPayloadRedacted).toBeUndefined();
  });
});

describe('replay of a redacted dead letter', () => {
  it('replays the original payload, which tenant admins never see', async () => {
    const tenant = uniqueTenant('dl-replay');
    const admin = await tenantUser(db(), tenant, 'admin', false);
    const envelope = testEnvelope(tenant, { metadata: { password: SECRETS[0], contact: SECRETS[4] } });
    const deadLetterId = await publishRaw(Buffer.from(JSON.stringify(envelope)));
    const letter = await waitForDoc(db().collection('audit_dead_letters').doc(deadLetterId), 'the dead letter');
    expectNoSecret(letter.rawPayload);
    expect(letter).toMatchObject({ reason: 'unknown_tenant', rawPayloadRedacted: true });

    // The fix: the tenant now exists, and keeps e-mail addresses in its entries.
    await createTenant(db(), tenant, { redaction: { extraKeys: [], maskEmails: false } });
    const replayed = await ok<{ outcome: string; logId: string }>('replayDeadLetter', { deadLetterId }, admin.idToken);
    expect(replayed.outcome).toBe('stored');
    expect(replayed.logId).toBe(logIdFor(tenant, envelope.source as string, envelope.eventId as string));
    const entry = (await db().collection('audit_logs').doc(replayed.logId).get()).data();
    // The address the dead letter masked is back: the entry was built from the original payload.
    expect(entry?.metadata).toEqual({ contact: SECRETS[4], password: '[REDACTED]' });
  });
});
