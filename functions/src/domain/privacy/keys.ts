import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { DataKey } from './ciphertext';

/**
 * The key-encryption key (KEK) of personal data and what is derived from it. Data keys are
 * random AES-256 keys, one per `(tenant, subject)` and generation; only their wrapped form (this
 * key's AES-256-GCM, bound to tenant and key id) is stored. In production the KEK is a secret
 * parameter and the wrap could equally be a Cloud KMS `encrypt` call (docs/privacy.md).
 *
 * Two keyed hashes come from it too, each with its own HKDF-derived key:
 * - the subject reference: the document id of a subject's key, so the id names nobody;
 * - the blind index: a tenant-scoped HMAC of a normalised e-mail, so search by a person matches a
 *   token instead of clear text, and the same person in two tenants gives unrelated tokens.
 */
export class KeyEncryptionKey {
  private readonly kek: Buffer;
  private readonly subjectKey: KeyObject;
  private readonly blindKeys = new Map<string, KeyObject>();
  /** Recent tokens by tenant and address: a person's events recur, an HMAC costs microseconds. */
  private readonly blindTokens = new Map<string, string>();

  /** @param secret 32 bytes, base64 or base64url (e.g. `openssl rand -base64 32`) */
  constructor(secret: string) {
    const bytes = Buffer.from(secret.trim(), 'base64');
    if (bytes.length !== 32) throw new Error('the key-encryption key must be 32 bytes, base64-encoded');
    this.kek = bytes;
    this.subjectKey = createSecretKey(derive(bytes, 'audit-log subject reference'));
  }

  /** A fresh random data key for a key id (see {@link dataKeyId}). */
  static newDataKey(keyId: string): DataKey {
    return { keyId, key: randomBytes(32) };
  }

  /** The stored form of a data key: `v1.<iv>.<ciphertext+tag>`, bound to tenant and key id. */
  wrap(tenantId: string, dataKey: DataKey): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(Buffer.from(`${tenantId}\n${dataKey.keyId}`, 'utf8'));
    const body = Buffer.concat([cipher.update(dataKey.key), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** The data key of a wrapped form; throws when it was wrapped by another KEK, tenant or key id. */
  unwrap(tenantId: string, keyId: string, wrapped: string): DataKey {
    const [version, iv, body] = wrapped.split('.');
    if (version !== 'v1' || !iv || !body) throw new Error(`data key ${keyId}: not a v1 wrapped key`);
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.kek, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${tenantId}\n${keyId}`, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    try {
      const key = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
      return { keyId, key };
    } catch {
      throw new Error(`data key ${keyId}: does not unwrap under this key-encryption key`);
    }
  }

  /** The document id of a subject's key: 22 base64url characters that name nobody. */
  subjectRef(tenantId: string, subject: string): string {
    return createHmac('sha256', this.subjectKey)
      .update(`${tenantId}\n${subject}`, 'utf8')
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }

  /**
   * The blind-index token of a person's e-mail in a tenant: `pii:` and 22 base64url characters.
   * The address is normalised (trimmed, lower-cased) so the same mailbox always matches.
   */
  blindIndex(tenantId: string, email: string): string {
    const normalised = normaliseEmail(email);
    const memo = `${tenantId}\n${normalised}`;
    const known = this.blindTokens.get(memo);
    if (known !== undefined) return known;
    let key = this.blindKeys.get(tenantId);
    if (!key) {
      if (this.blindKeys.size >= 1000) this.blindKeys.clear();
      key = createSecretKey(derive(this.kek, `audit-log blind index\n${tenantId}`));
      this.blindKeys.set(tenantId, key);
    }
    const mac = createHmac('sha256', key).update(normalised, 'utf8').digest();
    const token = `${BLIND_TOKEN_PREFIX}${mac.subarray(0, 16).toString('base64url')}`;
    if (this.blindTokens.size >= BLIND_TOKENS_KEPT) this.blindTokens.clear();
    this.blindTokens.set(memo, token);
    return token;
  }
}

/** Blind tokens kept in memory (~100 bytes each): the people of a busy instance's traffic. */
const BLIND_TOKENS_KEPT = 50_000;

/** The prefix of blind-index tokens among an entry's `searchTokens`. */
export const BLIND_TOKEN_PREFIX = 'pii:';

/** The id of a subject's data key of one generation: `<subjectRef>.<generation>`. */
export function dataKeyId(subjectRef: string, generation: number): string {
  return `${subjectRef}.${generation}`;
}

/** The subject reference and generation a key id names. */
export function parseDataKeyId(keyId: string): { subjectRef: string; generation: number } {
  const dot = keyId.lastIndexOf('.');
  return { subjectRef: keyId.slice(0, dot), generation: Number(keyId.slice(dot + 1)) };
}

/** The form of an address the blind index hashes. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function derive(ikm: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));
}

/**
 * Unwrapped data keys kept in memory, least recently used first out, each for at most `ttlMs`:
 * erasure drops a key from the instance that ran it at once, and from every other instance
 * within the time-to-live. `null` records a key known to be destroyed.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, { key: DataKey | null; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached key, `null` for a destroyed one, `undefined` when unknown or expired. */
  get(keyId: string): DataKey | null | undefined {
    const hit = this.entries.get(keyId);
    if (!hit) return undefined;
    this.entries.delete(keyId);
    if (this.now() - hit.at > this.ttlMs) return undefined;
    this.entries.set(keyId, hit);
    return hit.key;
  }

  set(keyId: string, key: DataKey | null): void {
    this.entries.delete(keyId);
    this.entries.set(keyId, { key, at: this.now() });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Forgets every key of a subject (erasure), whatever its generation. */
  forgetSubject(subjectRef: string): void {
    for (const keyId of [...this.entries.keys()]) {
      if (keyId.startsWith(`${subjectRef}.`)) this.entries.delete(keyId);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
