import { describe, expect, it } from 'vitest';
import { alertEmail, alertNotificationText, webhookBody } from '../domain/alerts';
import { prepareEvent, readTenantSettings, type PersonalDataKeys } from '../domain';
import { dataKeyId, KeyEncryptionKey, type DataKey } from '../domain/privacy';
import { toStored } from '../store/converters';
import { alertEntryOf } from './dispatch';

// Alerts of a tenant that seals personal data: notifications, e-mails and webhooks are built from
// the stored (sealed) entry. They name the actor by type and id only (clear, the data subject's
// identifier), so they carry neither ciphertext nor a clear personal value of the actor.

const kek = new KeyEncryptionKey(Buffer.alloc(32, 3).toString('base64'));
const keys: PersonalDataKeys = {
  dataKey: (tenantId, subject): Promise<DataKey> =>
    Promise.resolve(KeyEncryptionKey.newDataKey(dataKeyId(kek.subjectRef(tenantId, subject), 1))),
  blindIndex: (tenantId, email) => kek.blindIndex(tenantId, email),
};
const PERSONAL = ['Ada Lovelace', 'ada@example.com', '203.0.113.7', 'AdaAgent/1.0'];

async function sealedAlertEntry() {
  const settings = readTenantSettings({ privacy: { encryptPersonalData: true } }).settings;
  const prepared = await prepareEvent(
    {
      value: {
        specVersion: '1.0',
        eventId: 'e-1',
        eventType: 'auth.login.failed',
        tenantId: 'acme',
        occurredAt: '2026-01-31T11:00:00.000Z',
        source: 'auth-service',
        actor: {
          type: 'user',
          id: 'u-ada',
          name: PERSONAL[0],
          email: PERSONAL[1],
          ip: PERSONAL[2],
          userAgent: PERSONAL[3],
        },
        outcome: 'failure',
      },
    },
    { via: 'pubsub' },
    {
      now: () => new Date('2026-01-31T12:00:00.000Z'),
      tenantSettings: () => Promise.resolve(settings),
      personalData: keys,
    },
  );
  if (prepared.status !== 'accepted') throw new Error(prepared.message);
  expect(String(prepared.entry.actor.email)).toMatch(/^enc:v1:/);
  const stored = toStored(prepared.entry, new Date('2026-01-31T12:00:01.000Z'));
  return alertEntryOf(prepared.entry.logId, stored)!;
}

describe('alerts built from a sealed entry', () => {
  it('carry no ciphertext and no clear personal value on any channel, only the actor id', async () => {
    const entry = await sealedAlertEntry();
    const rule = { id: 'r-1', name: 'Failed logins' };
    const texts = [
      JSON.stringify(alertNotificationText(entry, rule.name)),
      JSON.stringify(alertEmail(entry, rule.name, 'http://console.test')),
      webhookBody({ deliveryId: 'd-1', rule, entry }),
    ];
    for (const text of texts) {
      expect(text).not.toContain('enc:v1:');
      for (const value of PERSONAL) expect(text).not.toContain(value);
      expect(text).toContain('u-ada');
    }
  });
});
