import type { EntryActor, StoredEntry } from '@audit-log/model';
import {
  CiphertextError,
  decryptValue,
  encryptValue,
  ERASED,
  isCiphertext,
  parseCiphertext,
  UNDECRYPTABLE,
  type DataKey,
} from './ciphertext';

/** The actor's personal fields, encrypted under the actor's key; `id` stays clear (the subject). */
export const ACTOR_PERSONAL_FIELDS = ['email', 'name', 'ip', 'userAgent'] as const;

/**
 * Keys of `changes` and `metadata` that are personal for every tenant: where producers put the
 * actor's address and agent (the fields `extractMetadata` reads). A tenant adds its own in
 * `privacy.personalKeys`. Compared like redaction keys: lower-cased, `_` and `-` removed.
 */
export const BUILT_IN_PERSONAL_KEYS = ['email', 'ip', 'ipaddress', 'useragent'] as const;

// The same few hundred key names recur in every event, so their normalised forms are kept; the
// map is bounded, so a stream of made-up keys cannot grow it without limit.
const normalisedKeys = new Map<string, string>();
const NORMALISED_KEYS_KEPT = 10_000;

/** Key names compared as the redaction compares them (`user_agent` = `userAgent`). */
export function normalisePersonalKey(key: string): string {
  let normalised = normalisedKeys.get(key);
  if (normalised === undefined) {
    normalised = key.toLowerCase().replace(/[_-]/g, '');
    if (normalisedKeys.size >= NORMALISED_KEYS_KEPT) normalisedKeys.clear();
    normalisedKeys.set(key, normalised);
  }
  return normalised;
}

/** The personal key names of a tenant: the built-in ones and its own, normalised. */
export function personalKeySet(tenantKeys: readonly string[]): ReadonlySet<string> {
  return new Set([...BUILT_IN_PERSONAL_KEYS, ...tenantKeys.map(normalisePersonalKey)]);
}

/** What sealing one entry needs: the subject's key, the tenant's blind index and personal keys. */
export interface PersonalDataSeal {
  dataKey: DataKey;
  /** The tenant's blind-index token of an e-mail (see `KeyEncryptionKey.blindIndex`). */
  blindIndex(email: string): string;
  personalKeys: ReadonlySet<string>;
}

/** The data subject whose key seals an entry's personal fields: the actor. */
export function subjectOf(actor: EntryActor): string {
  // Anonymous actors share one subject per tenant: there is no person to erase apart.
  return actor.id ?? 'anonymous';
}

/** Whether an actor carries anything that sealing would encrypt. */
export function actorHasPersonalData(actor: EntryActor): boolean {
  return ACTOR_PERSONAL_FIELDS.some((field) => actor[field] !== undefined);
}

function encrypt(value: unknown, seal: PersonalDataSeal): string {
  return encryptValue(value, seal.dataKey);
}

/**
 * The actor with its personal fields encrypted, and the blind-index tokens that let a search
 * by e-mail find the entry without clear text. Key order is kept (the hash serializes it).
 */
export function sealActor(actor: EntryActor, seal: PersonalDataSeal): { actor: EntryActor; blindTokens: string[] } {
  const out: EntryActor = { ...actor };
  if (actor.email !== undefined) out.email = encrypt(actor.email, seal);
  if (actor.ip !== undefined) out.ip = encrypt(actor.ip, seal);
  if (actor.name !== undefined) out.name = encrypt(actor.name, seal);
  if (actor.userAgent !== undefined) out.userAgent = encrypt(actor.userAgent, seal);
  const blindTokens = actor.email ? [seal.blindIndex(actor.email)] : [];
  return { actor: out, blindTokens };
}

/**
 * A copy of a JSON object (`changes.before`, `metadata`, ...) with the value of every personal key
 * encrypted whole, at any depth. Values the redaction already masked carry nothing personal and
 * stay as they are; an object without personal keys comes back as itself.
 */
export function sealObject<T>(value: T, seal: PersonalDataSeal): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item: unknown) => {
      const sealed = sealObject(item, seal);
      changed ||= sealed !== item;
      return sealed;
    });
    return (changed ? items : value) as T;
  }
  let out: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const item = source[key];
    const sealed =
      seal.personalKeys.has(normalisePersonalKey(key)) && item !== null && !isMasked(item)
        ? encrypt(item, seal)
        : sealObject(item, seal);
    if (sealed !== item) out ??= { ...source };
    if (out) out[key] = sealed;
  }
  return (out ?? value) as T;
}

function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('[REDACTED');
}

/** The parts of an entry that can hold ciphertexts. */
type SealedParts = Pick<StoredEntry<unknown>, 'actor' | 'changes' | 'metadata'>;

/** Every key id that an entry's ciphertexts name (empty for a clear-text entry). */
export function sealedKeyIds(entry: SealedParts): Set<string> {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (isCiphertext(value)) {
      try {
        ids.add(parseCiphertext(value).keyId);
      } catch {
        // A malformed ciphertext names no key; revealing shows it as undecryptable.
      }
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item);
    }
  };
  visit(entry.actor);
  visit(entry.changes);
  visit(entry.metadata);
  return ids;
}

/**
 * The entry as a reader with the right role sees it: every ciphertext replaced by its clear
 * value, by {@link ERASED} when its key is absent from `keys` or recorded as destroyed (`null`),
 * by {@link UNDECRYPTABLE} when the key does not open it. Other fields are shared, not copied.
 */
export function revealEntry<T extends SealedParts>(entry: T, keys: ReadonlyMap<string, DataKey | null>): T {
  const open = (text: string): unknown => {
    let keyId: string;
    try {
      keyId = parseCiphertext(text).keyId;
    } catch {
      return UNDECRYPTABLE;
    }
    const key = keys.get(keyId);
    if (!key) return ERASED;
    try {
      return decryptValue(text, key);
    } catch (err) {
      if (err instanceof CiphertextError) return UNDECRYPTABLE;
      throw err;
    }
  };
  return mapCiphertexts(entry, open);
}

/** The entry with every ciphertext replaced by `replace(ciphertext)`; itself when it has none. */
export function mapCiphertexts<T extends SealedParts>(entry: T, replace: (ciphertext: string) => unknown): T {
  const walk = (value: unknown): unknown => {
    if (isCiphertext(value)) return replace(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const items = value.map(walk);
      return items.some((item, i) => item !== value[i]) ? items : value;
    }
    let out: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const mapped = walk(item);
      if (mapped !== item) out ??= { ...(value as Record<string, unknown>) };
      if (out) out[key] = mapped;
    }
    return out ?? value;
  };
  const actor = walk(entry.actor) as EntryActor;
  const changes = walk(entry.changes) as SealedParts['changes'];
  const metadata = walk(entry.metadata) as SealedParts['metadata'];
  if (actor === entry.actor && changes === entry.changes && metadata === entry.metadata) return entry;
  const out: T = { ...entry, actor };
  if (changes !== undefined) out.changes = changes;
  if (metadata !== undefined) out.metadata = metadata;
  return out;
}
