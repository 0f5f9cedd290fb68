import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { CIPHERTEXT_PREFIX } from '@audit-log/model/sealed';

/**
 * A personal value encrypted with its data subject's key is stored as one self-describing string,
 * `enc:v1:<keyId>:<iv>:<ciphertext+tag>` (iv and body base64url), so a reader tells it apart from
 * clear text by its prefix and knows which key opens it without any other field. The plaintext is
 * the value's JSON, so a string, a number or a whole object round-trips with its type. The prefix
 * and the markers readers show are the model's (the console shows them too).
 */
export { CIPHERTEXT_PREFIX, ERASED, isCiphertext, UNDECRYPTABLE } from '@audit-log/model/sealed';

/** A subject's unwrapped data key (AES-256) and the id written into its ciphertexts. */
export interface DataKey {
  keyId: string;
  key: Buffer;
}

/** Why a ciphertext could not be opened. */
export type CiphertextProblem = 'malformed' | 'wrong_key_or_tampered';

/** A ciphertext that is not one, or that its key does not open. */
export class CiphertextError extends Error {
  constructor(
    readonly problem: CiphertextProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CiphertextError';
  }
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Key ids name a document: base64url characters and the dot before the key's generation. */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}(?:\.\d{1,9})?$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What is kept per data key object: its key schedule, its IV key and its recent ciphertexts. */
interface KeyState {
  keyId: string;
  cipherKey: KeyObject;
  ivKey: KeyObject;
  /** By the value's JSON. */
  ciphertexts: Map<string, string>;
  /** By the string itself, for string values (nearly all): a hit needs no `JSON.stringify`. */
  ofStrings: Map<string, string>;
}

// Per key object, dropped with it (the key cache decides how long a key lives). The ciphertexts
// are a cache, not a secret store: encryption is deterministic, so a value seen before (a
// subject's e-mail, name and agent recur in every event of theirs) costs a map lookup.
const keyStates = new WeakMap<Buffer, KeyState>();
const CIPHERTEXTS_PER_KEY = 64;

function stateOf(dataKey: DataKey): KeyState {
  let state = keyStates.get(dataKey.key);
  if (!state || state.keyId !== dataKey.keyId) {
    // One HMAC block is HKDF-Expand of a uniformly random key, for a fraction of hkdfSync's cost.
    const ivKey = createHmac('sha256', dataKey.key).update('audit-log synthetic iv\x01').digest();
    state = {
      keyId: dataKey.keyId,
      cipherKey: createSecretKey(dataKey.key),
      ivKey: createSecretKey(ivKey),
      ciphertexts: new Map(),
      ofStrings: new Map(),
    };
    keyStates.set(dataKey.key, state);
  }
  return state;
}

/**
 * Encrypts a JSON value with a subject's data key (AES-256-GCM, the key id as additional data, so
 * a ciphertext moved under another key id fails to open). The IV is synthetic, an HMAC of the
 * plaintext under a key derived from the data key: the same value under the same key always gives
 * the same ciphertext, so a redelivered event builds the same entry and hash (ingest stays
 * idempotent), and two different values never share an IV. What that reveals, equal values of
 * one subject, the blind index reveals for e-mails anyway.
 */
export function encryptValue(value: unknown, dataKey: DataKey): string {
  const state = stateOf(dataKey);
  if (typeof value === 'string') {
    const seen = state.ofStrings.get(value);
    if (seen !== undefined) return seen;
    const text = encryptJson(JSON.stringify(value), dataKey, state);
    remember(state.ofStrings, value, text);
    return text;
  }
  return encryptJson(JSON.stringify(value), dataKey, state);
}

/** Keeps a ciphertext of a recent value, the map bounded per key. */
function remember(cache: Map<string, string>, plain: string, text: string): void {
  if (cache.size >= CIPHERTEXTS_PER_KEY) cache.clear();
  cache.set(plain, text);
}

function encryptJson(plain: string, dataKey: DataKey, state: KeyState): string {
  const known = state.ciphertexts.get(plain);
  if (known !== undefined) return known;
  if (!KEY_ID.test(dataKey.keyId)) throw new Error(`invalid data key id "${dataKey.keyId}"`);
  const iv = createHmac('sha256', state.ivKey).update(plain, 'utf8').digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, state.cipherKey, iv);
  cipher.setAAD(Buffer.from(dataKey.keyId, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const text = `${CIPHERTEXT_PREFIX}${dataKey.keyId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
  remember(state.ciphertexts, plain, text);
  return text;
}

/** The parts of a ciphertext string, or a `malformed` error. */
export function parseCiphertext(text: string): { keyId: string; iv: Buffer; body: Buffer } {
  if (!text.startsWith(CIPHERTEXT_PREFIX)) throw new CiphertextError('malformed', 'not an enc:v1 ciphertext');
  const parts = text.slice(CIPHERTEXT_PREFIX.length).split(':');
  const [keyId, iv, body] = parts;
  if (parts.length !== 3 || !keyId || !KEY_ID.test(keyId) || !iv || !body) {
    throw new CiphertextError('malformed', 'a ciphertext is enc:v1:<keyId>:<iv>:<ciphertext+tag>');
  }
  if (!BASE64URL.test(iv) || !BASE64URL.test(body)) {
    throw new CiphertextError('malformed', 'the IV and body of a ciphertext are base64url');
  }
  const ivBytes = Buffer.from(iv, 'base64url');
  const bodyBytes = Buffer.from(body, 'base64url');
  if (ivBytes.length !== IV_BYTES || bodyBytes.length < TAG_BYTES) {
    throw new CiphertextError('malformed', `a ciphertext has a ${IV_BYTES}-byte IV and a ${TAG_BYTES}-byte tag`);
  }
  return { keyId, iv: ivBytes, body: bodyBytes };
}

/** The key id a ciphertext names (the subject's key to look up), or a `malformed` error. */
export function ciphertextKeyId(text: string): string {
  return parseCiphertext(text).keyId;
}

/**
 * Decrypts a ciphertext with its data key. Throws `CiphertextError`: `malformed` for a string that
 * is not a ciphertext, `wrong_key_or_tampered` when the tag does not verify (another key, another
 * key id, or any changed byte).
 */
export function decryptValue(text: string, dataKey: DataKey): unknown {
  const { keyId, iv, body } = parseCiphertext(text);
  if (keyId !== dataKey.keyId) {
    throw new CiphertextError('wrong_key_or_tampered', `the ciphertext names key "${keyId}", not "${dataKey.keyId}"`);
  }
  const decipher = createDecipheriv(ALGORITHM, dataKey.key, iv);
  decipher.setAAD(Buffer.from(keyId, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  let plain: string;
  try {
    plain = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new CiphertextError('wrong_key_or_tampered', 'the ciphertext does not verify under its key');
  }
  return JSON.parse(plain) as unknown;
}
