import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical';
import { entryHash, type AuditEntry } from '../entry';
import { prepareEvent, type PersonalDataKeys, type PipelineDeps } from '../pipeline';
import { readTenantSettings, type TenantSettings } from '../tenant';
import { ERASED, isCiphertext, UNDECRYPTABLE, type DataKey } from './ciphertext';
import { dataKeyId, KeyEncryptionKey } from './keys';
import { mapCiphertexts, revealEntry, sealedKeyIds, sealObject, personalKeySet } from './personal-fields';

const NOW = new Date('2026-01-31T12:00:00.000Z');
const kek = new KeyEncryptionKey(Buffer.alloc(32, 9).toString('base64'));

/** An in-memory key store: one key per (tenant, subject), as the Firestore adapter keeps them. */
class MemoryKeys implements PersonalDataKeys {
  readonly keys = new Map<string, DataKey>();
  dataKey(tenantId: string, subject: string): Promise<DataKey> {
    const keyId = dataKeyId(kek.subjectRef(tenantId, subject), 1);
    let key = this.keys.get(keyId);
    if (!key) this.keys.set(keyId, (key = KeyEncryptionKey.newDataKey(keyId)));
    return Promise.resolve(key);
  }
  blindIndex(tenantId: string, email: string): string {
    return kek.blindIndex(tenantId, email);
  }
}

const SEALED = readTenantSettings({ privacy: { encryptPersonalData: true, personalKeys: ['home_address'] } }).settings;
/** A tenant that turned sealing off explicitly (it is on by default). */
const CLEAR = readTenantSettings({ privacy: { encryptPersonalData: false } }).settings;
const BARE = readTenantSettings({}).settings;

function deps(settings: TenantSettings, keys?: PersonalDataKeys): PipelineDeps {
  return {
    now: () => NOW,
    tenantSettings: () => Promise.resolve(settings),
    ...(keys ? { personalData: keys } : {}),
  };
}

const ENVELOPE = {
  specVersion: '1.0',
  eventId: 'evt-1',
  eventType: 'user.profile_updated',
  tenantId: 'acme',
  occurredAt: '2026-01-31T11:00:00.000Z',
  source: 'profile-service',
  actor: {
    type: 'user',
    id: 'u-42',
    name: 'Ada Lovelace',
    email: 'Ada@Example.com',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
  },
  resource: { type: 'user', id: 'u-42' },
  changes: { before: { home_address: '1 Old Rd', plan: 'free' }, after: { home_address: '2 New St', plan: 'pro' } },
  metadata: { request: { ip: '203.0.113.7' }, note: 'profile form' },
};

async function accepted(settings: TenantSettings, keys?: PersonalDataKeys): Promise<AuditEntry> {
  const result = await prepareEvent({ value: structuredClone(ENVELOPE) }, { via: 'pubsub' }, deps(settings, keys));
  if (result.status !== 'accepted') throw new Error(`rejected: ${result.message}`);
  return result.entry;
}

describe('sealing personal data at ingest', () => {
  it('stores no personal value in clear, anywhere in the entry', async () => {
    const entry = await accepted(SEALED, new MemoryKeys());
    const stored = JSON.stringify(entry).toLowerCase();
    for (const clear of ['ada@example', 'lovelace', '203.0.113.7', 'mozilla', 'old rd', 'new st']) {
      expect(stored, clear).not.toContain(clear);
    }
    expect(isCiphertext(entry.actor.email)).toBe(true);
    expect(isCiphertext(entry.actor.name)).toBe(true);
    expect(isCiphertext(entry.actor.ip)).toBe(true);
    expect(isCiphertext(entry.actor.userAgent)).toBe(true);
    expect(isCiphertext(entry.changes?.before?.home_address)).toBe(true);
    expect(isCiphertext((entry.metadata?.request as Record<string, unknown>).ip)).toBe(true);
    // The subject, the non-personal values and the classification stay as they were.
    expect(entry.actor.id).toBe('u-42');
    expect(entry.changes?.after?.plan).toBe('pro');
    expect(entry.changedFields).toEqual(['home_address', 'plan']);
  });

  it('indexes the e-mail by its blind token, never in clear', async () => {
    const entry = await accepted(SEALED, new MemoryKeys());
    expect(entry.searchTokens).toContain(kek.blindIndex('acme', 'ada@example.com'));
    expect(entry.searchTokens).toContain('u-42');
    expect(entry.searchTokens.join(' ')).not.toMatch(/ada|lovelace|example/);
  });

  it('hashes the ciphertext: the stored hash verifies without any key', async () => {
    const entry = await accepted(SEALED, new MemoryKeys());
    expect(entryHash(entry)).toBe(entry.hash);
    const clear = await accepted(CLEAR);
    expect(clear.hash).not.toBe(entry.hash);
  });

  it('builds the same entry from a redelivery (idempotent ingest)', async () => {
    const keys = new MemoryKeys();
    const first = await accepted(SEALED, keys);
    const again = await accepted(SEALED, keys);
    expect(canonicalJson(again)).toBe(canonicalJson(first));
  });

  it('reveals every sealed value for a reader with the key', async () => {
    const keys = new MemoryKeys();
    const entry = await accepted(SEALED, keys);
    const ids = sealedKeyIds(entry);
    expect(ids.size).toBe(1);
    const revealed = revealEntry(entry, keys.keys);
    expect(revealed.actor).toMatchObject(ENVELOPE.actor);
    expect(revealed.changes?.before?.home_address).toBe('1 Old Rd');
    expect(revealed.metadata?.request).toEqual({ ip: '203.0.113.7' });
    // Revealing is a view: the stored entry keeps its ciphertexts and hash.
    expect(isCiphertext(entry.actor.email)).toBe(true);
    expect(entryHash(entry)).toBe(entry.hash);
  });

  it('shows the erased marker once the key is destroyed, and the undecryptable one for a wrong key', async () => {
    const keys = new MemoryKeys();
    const entry = await accepted(SEALED, keys);
    const [keyId] = [...sealedKeyIds(entry)];
    const erased = revealEntry(entry, new Map([[keyId!, null]]));
    expect(erased.actor.email).toBe(ERASED);
    expect(erased.actor.name).toBe(ERASED);
    expect(erased.changes?.after?.home_address).toBe(ERASED);
    expect(erased.actor.id).toBe('u-42');
    expect(revealEntry(entry, new Map()).actor.ip).toBe(ERASED);
    const wrong = revealEntry(entry, new Map([[keyId!, KeyEncryptionKey.newDataKey(keyId!)]]));
    expect(wrong.actor.email).toBe(UNDECRYPTABLE);
  });

  it('seals for a tenant without the setting (on by default), and refuses to store it in clear without keys', async () => {
    const entry = await accepted(BARE, new MemoryKeys());
    expect(entry.actor.email).toMatch(/^enc:v1:/);
    expect(sealedKeyIds(entry).size).toBe(1);
    await expect(prepareEvent({ value: structuredClone(ENVELOPE) }, { via: 'pubsub' }, deps(BARE))).rejects.toThrow(
      /no key source/,
    );
  });

  it('leaves a tenant that turned the setting off in clear, and needs no key source for it', async () => {
    const entry = await accepted(CLEAR);
    expect(entry.actor.email).toBe('Ada@Example.com');
    expect(sealedKeyIds(entry).size).toBe(0);
    expect(revealEntry(entry, new Map())).toBe(entry);
  });

  it('retries (throws) rather than storing in clear when the key source is missing', async () => {
    await expect(prepareEvent({ value: structuredClone(ENVELOPE) }, { via: 'pubsub' }, deps(SEALED))).rejects.toThrow(
      /no key source/,
    );
  });

  it('keeps values the redaction masked, and objects without personal keys, as they are', () => {
    const seal = {
      dataKey: KeyEncryptionKey.newDataKey('k.1'),
      blindIndex: () => 'pii:x',
      personalKeys: personalKeySet([]),
    };
    const plain = { a: { b: [1, 2] } };
    expect(sealObject(plain, seal)).toBe(plain);
    expect(sealObject({ email: '[REDACTED:email]' }, seal)).toEqual({ email: '[REDACTED:email]' });
    expect(isCiphertext(sealObject({ list: [{ user_agent: 'x' }] }, seal).list[0]!.user_agent)).toBe(true);
  });

  it('maps only ciphertexts, sharing everything else', async () => {
    const entry = await accepted(SEALED, new MemoryKeys());
    const masked = mapCiphertexts(entry, () => 'X');
    expect(masked.actor.email).toBe('X');
    expect(masked.resource).toBe(entry.resource);
    expect(masked.changes?.after?.plan).toBe('pro');
  });
});
