import { describe, expect, it } from 'vitest';
import { entryHash, type AuditEntry } from '../entry';
import { prepareEvent, type PersonalDataKeys } from '../pipeline';
import { readTenantSettings } from '../tenant';
import { isResealedDuplicate, payloadNamesSubject } from './erased-input';
import { dataKeyId, KeyEncryptionKey } from './keys';

const kek = new KeyEncryptionKey(Buffer.alloc(32, 5).toString('base64'));

/** Keys of one generation, as the key store hands them out before and after an erasure. */
function keysOf(generation: number): PersonalDataKeys {
  return {
    dataKey: (tenantId, subject) =>
      Promise.resolve(KeyEncryptionKey.newDataKey(dataKeyId(kek.subjectRef(tenantId, subject), generation))),
    blindIndex: (tenantId, email) => kek.blindIndex(tenantId, email),
  };
}

const EVENT = {
  specVersion: '1.0',
  eventId: 'e-1',
  eventType: 'repo.created',
  tenantId: 'acme',
  occurredAt: '2026-01-31T11:00:00.000Z',
  source: 'repo-service',
  actor: { type: 'user', id: 'u-ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  resource: { type: 'repository', id: 'r-1' },
};

async function sealed(generation: number, event: Record<string, unknown> = EVENT): Promise<AuditEntry> {
  const settings = readTenantSettings({ privacy: { encryptPersonalData: true } }).settings;
  const prepared = await prepareEvent(
    { value: event },
    { via: 'http' },
    {
      now: () => new Date('2026-01-31T12:00:00Z'),
      tenantSettings: () => Promise.resolve(settings),
      personalData: keysOf(generation),
    },
  );
  if (prepared.status !== 'accepted') throw new Error(prepared.message);
  return prepared.entry;
}

describe('a redelivery of an erased subject’s event', () => {
  it('is the stored event sealed again (a duplicate), though its hash differs', async () => {
    const stored = await sealed(1);
    const redelivered = await sealed(2);
    expect(entryHash(redelivered)).not.toBe(stored.hash);
    expect(isResealedDuplicate(stored, redelivered)).toBe(true);
  });

  it('is still a conflict when anything outside the sealed values differs', async () => {
    const stored = await sealed(1);
    const other = await sealed(2, { ...EVENT, resource: { type: 'repository', id: 'r-2' } });
    expect(isResealedDuplicate(stored, other)).toBe(false);
  });

  it('never applies to entries in clear', async () => {
    const stored = await sealed(1);
    const { actor: _actor, ...rest } = stored;
    const clear = { ...rest, actor: { type: 'user', id: 'u-ada', name: 'Ada Lovelace' } } as AuditEntry;
    expect(isResealedDuplicate(clear, stored)).toBe(false);
    expect(isResealedDuplicate(stored, clear)).toBe(false);
  });
});

describe('dead letters of a subject', () => {
  it('are found by the actor id of the payload, one event or a batch', () => {
    expect(payloadNamesSubject(JSON.stringify(EVENT), 'u-ada')).toBe(true);
    expect(payloadNamesSubject(JSON.stringify({ events: [{ actor: { id: 'x' } }, EVENT] }), 'u-ada')).toBe(true);
    expect(payloadNamesSubject(JSON.stringify(EVENT), 'u-grace')).toBe(false);
    expect(
      payloadNamesSubject(JSON.stringify({ ...EVENT, resource: { id: 'u-ada' }, actor: { id: 'u-b' } }), 'u-ada'),
    ).toBe(false);
  });

  it('are found in a payload cut at the size limit, by the id as JSON spells it', () => {
    const text = JSON.stringify(EVENT);
    const cut = `${text.slice(0, text.indexOf('"name"'))}…[truncated]`;
    expect(cut).toContain('"id":"u-ada"');
    expect(payloadNamesSubject(cut, 'u-ada')).toBe(true);
    expect(payloadNamesSubject(cut, 'u-ad')).toBe(false);
    expect(payloadNamesSubject('not json at all', 'u-ada')).toBe(false);
  });
});
