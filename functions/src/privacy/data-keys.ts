import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { AUDIT_PERSONAL_DATA_KEK } from '../config';
import {
  concealEntry,
  DataKeyCache,
  dataKeyId,
  KeyEncryptionKey,
  parseDataKeyId,
  revealEntry,
  sealedKeyIds,
  type DataKey,
} from '../domain/privacy';
import type { PersonalDataKeys } from '../domain/pipeline';
import { firestore } from '../firebase';
import { COLLECTIONS } from '../store/collections';
import { isAlreadyExists, isFailedPrecondition } from '../store/write-errors';

/**
 * A data subject's key document, `audit_data_keys/{subjectRef}`: server only (the rules deny every
 * client). `wrappedKey` is the current generation's key wrapped by the KEK; erasure deletes it and
 * keeps the tombstone, so a later event of the same subject starts a new generation and the old
 * ciphertexts, which name the old generation, stay unreadable.
 */
interface DataKeyDoc {
  tenantId: string;
  generation: number;
  wrappedKey?: string;
  createdAt?: unknown;
  erasedAt?: unknown;
}

type SealedParts = Parameters<typeof sealedKeyIds>[0];

/**
 * How long an unwrapped key serves an instance: erasure reaches every other instance within it
 * (the instance that erases forgets at once). As short as the tenant settings cache, so erasure
 * and a settings change reach all instances alike.
 */
export const DATA_KEY_TTL_MS = 10_000;
const DATA_KEYS_KEPT = 10_000;
/** Reads before giving up on a key document that keeps changing (each lost race is one). */
const KEY_WRITE_TURNS = 5;

/**
 * The Firestore side of personal-data keys: creates a subject's key on first use, reads keys for
 * readers, destroys them for erasure, and keeps the unwrapped ones in an LRU for a minute.
 */
export class DataKeyStore implements PersonalDataKeys {
  /** By key id (`<subjectRef>.<generation>`), for readers. */
  private readonly byKeyId: DataKeyCache;
  /** By tenant and subject, for ingest: the current key without computing the reference. */
  private readonly bySubject: DataKeyCache;
  /** Reads in flight, by tenant and subject. */
  private readonly pending = new Map<string, Promise<DataKey>>();

  constructor(
    private readonly db: Firestore,
    private readonly kek: KeyEncryptionKey,
    ttlMs = DATA_KEY_TTL_MS,
  ) {
    this.byKeyId = new DataKeyCache(DATA_KEYS_KEPT, ttlMs);
    this.bySubject = new DataKeyCache(DATA_KEYS_KEPT, ttlMs);
  }

  blindIndex(tenantId: string, email: string): string {
    return this.kek.blindIndex(tenantId, email);
  }

  /** The reference (key document id) of a subject: names nobody. */
  subjectRef(tenantId: string, subject: string): string {
    return this.kek.subjectRef(tenantId, subject);
  }

  /** The subject's current key, created (generation 1, or the one after an erasure) on first use. */
  async dataKey(tenantId: string, subject: string): Promise<DataKey> {
    const cacheKey = `${tenantId}\n${subject}`;
    const cached = this.bySubject.get(cacheKey);
    if (cached) return cached;
    // Concurrent events of one subject in this instance share one read.
    let pending = this.pending.get(cacheKey);
    if (!pending) {
      pending = this.readOrCreate(tenantId, this.kek.subjectRef(tenantId, subject)).finally(() =>
        this.pending.delete(cacheKey),
      );
      this.pending.set(cacheKey, pending);
    }
    const key = await pending;
    this.bySubject.set(cacheKey, key);
    this.byKeyId.set(key.keyId, key);
    return key;
  }

  /**
   * Reads the subject's key, or writes a new generation if there is none. No transaction: a burst
   * from a new person reaches many instances at once, and transactions on the one key document
   * made them queue on its lock (past the emulator's lock timeout under load). The write is
   * conditional instead (create, or update of the tombstone as read), so when instances race, one
   * write wins and the others read the winner's key on their next turn.
   */
  private async readOrCreate(tenantId: string, subjectRef: string): Promise<DataKey> {
    const ref = this.db.collection(COLLECTIONS.dataKeys).doc(subjectRef);
    for (let turn = 0; turn < KEY_WRITE_TURNS; turn++) {
      const snap = await ref.get();
      const doc = snap.data() as DataKeyDoc | undefined;
      if (doc && doc.tenantId !== tenantId) throw new Error(`data key ${subjectRef} belongs to another tenant`);
      if (doc?.wrappedKey) return this.kek.unwrap(tenantId, dataKeyId(subjectRef, doc.generation), doc.wrappedKey);
      const generation = (doc?.generation ?? 0) + 1;
      const fresh = KeyEncryptionKey.newDataKey(dataKeyId(subjectRef, generation));
      const written = {
        tenantId,
        generation,
        wrappedKey: this.kek.wrap(tenantId, fresh),
        createdAt: FieldValue.serverTimestamp(),
      };
      try {
        if (snap.exists) await ref.update(written, { lastUpdateTime: snap.updateTime! });
        else await ref.create(written);
        return fresh;
      } catch (err) {
        // Another instance wrote first: its key is the subject's, read it on the next turn.
        if (!isAlreadyExists(err) && !isFailedPrecondition(err)) throw err;
      }
    }
    throw new Error(`data key ${subjectRef}: still changing after ${KEY_WRITE_TURNS} reads`);
  }

  /**
   * The keys of the given ids for a reader of one tenant: a key, or `null` where it was destroyed,
   * belongs to another tenant or to a generation erased since. One batched read for the misses.
   */
  async keysFor(tenantId: string, keyIds: Iterable<string>): Promise<Map<string, DataKey | null>> {
    const out = new Map<string, DataKey | null>();
    const missing: string[] = [];
    for (const keyId of new Set(keyIds)) {
      const cached = this.byKeyId.get(keyId);
      if (cached === undefined) missing.push(keyId);
      else out.set(keyId, cached);
    }
    if (missing.length === 0) return out;
    const refs = missing.map((keyId) => this.db.collection(COLLECTIONS.dataKeys).doc(parseDataKeyId(keyId).subjectRef));
    const snaps = await this.db.getAll(...refs);
    snaps.forEach((snap, i) => {
      const keyId = missing[i]!;
      const doc = snap.data() as DataKeyDoc | undefined;
      const usable =
        doc?.wrappedKey && doc.tenantId === tenantId && doc.generation === parseDataKeyId(keyId).generation;
      // Never cache a key of another tenant as destroyed: that tenant's readers share the cache.
      if (doc && doc.tenantId !== tenantId) {
        out.set(keyId, null);
        return;
      }
      const key = usable ? this.kek.unwrap(tenantId, keyId, doc.wrappedKey!) : null;
      this.byKeyId.set(keyId, key);
      out.set(keyId, key);
    });
    return out;
  }

  /**
   * Destroys a subject's key (crypto-shredding): the wrapped key is deleted, a tombstone with the
   * generation stays. Answers the reference and whether there was a key to destroy.
   */
  async destroy(tenantId: string, subject: string): Promise<{ subjectRef: string; destroyed: boolean }> {
    const subjectRef = this.kek.subjectRef(tenantId, subject);
    const ref = this.db.collection(COLLECTIONS.dataKeys).doc(subjectRef);
    const destroyed = await this.db.runTransaction(async (tx) => {
      const doc = (await tx.get(ref)).data() as DataKeyDoc | undefined;
      if (!doc || doc.tenantId !== tenantId || !doc.wrappedKey) return false;
      tx.set(ref, { tenantId, generation: doc.generation, erasedAt: FieldValue.serverTimestamp() });
      return true;
    });
    this.bySubject.set(`${tenantId}\n${subject}`, null);
    this.byKeyId.forgetSubject(subjectRef);
    return { subjectRef, destroyed };
  }
}

let store: { secret: string; store: DataKeyStore } | undefined;

/**
 * This instance's key store, built from the KEK secret once (and again if the secret changes).
 * Undefined when the secret has no value: ingest then retries the events of tenants that
 * encrypt, rather than storing them in clear, and revealing a sealed entry fails loudly.
 */
export function dataKeyStore(): DataKeyStore | undefined {
  const secret = process.env[AUDIT_PERSONAL_DATA_KEK.name] ? AUDIT_PERSONAL_DATA_KEK.value() : '';
  if (!secret) return undefined;
  if (store?.secret !== secret) store = { secret, store: new DataKeyStore(firestore(), new KeyEncryptionKey(secret)) };
  return store.store;
}

/**
 * Entries as a reader of `tenantId` sees them: each sealed value opened, or shown as erased.
 * Clear-text entries (the tenant never encrypted, or wrote them before) come back as they are,
 * without a key read.
 */
export async function revealEntries<T extends object>(tenantId: string, entries: readonly T[]): Promise<T[]> {
  const keyIds = new Set<string>();
  for (const entry of entries) for (const id of sealedKeyIds(entry as SealedParts)) keyIds.add(id);
  if (keyIds.size === 0) return [...entries];
  const keys = dataKeyStore();
  if (!keys) throw new Error('AUDIT_PERSONAL_DATA_KEK has no value: sealed entries cannot be revealed');
  const found = await keys.keysFor(tenantId, keyIds);
  return entries.map((entry) => revealEntry(entry as SealedParts, found) as T);
}

/**
 * Entries for a reader: opened when the reader may see the tenant's personal data (see
 * `mayRevealPersonalData`), else with each sealed value concealed.
 */
export function entriesForReader<T extends object>(
  tenantId: string,
  entries: readonly T[],
  mayReveal: boolean,
): Promise<T[]> {
  return mayReveal ? revealEntries(tenantId, entries) : Promise.resolve(entries.map((e) => concealEntry(e)));
}

/**
 * The blind index of one tenant (`pii:` token of an address), for a search by a person; undefined
 * without a KEK, where no entry can be sealed. Callers hand it only to readers who may open the
 * tenant's personal data: the token is what sealed entries are found by.
 */
export function tenantBlindIndex(tenantId: string): ((email: string) => string) | undefined {
  const keys = dataKeyStore();
  return keys ? (email) => keys.blindIndex(tenantId, email) : undefined;
}
