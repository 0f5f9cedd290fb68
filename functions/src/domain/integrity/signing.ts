import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { signedMessage } from '@audit-log/model/integrity';
import { sha256Hex } from '../canonical';

/**
 * Ed25519 keys of the checkpoint chain. The private key comes from a secret (PKCS#8, PEM or
 * base64 DER); the public key is published as base64 of its 32 raw bytes, the form Web Crypto
 * imports, and the key id is derived from it, so an id always names exactly one key.
 */
export interface CheckpointSigner {
  keyId: string;
  publicKey: string;
  sign(hash: string): string;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function signerFromSecret(secret: string): CheckpointSigner {
  const text = secret.trim();
  const key = text.startsWith('-----BEGIN')
    ? createPrivateKey(text)
    : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the checkpoint signing key must be an Ed25519 private key');
  const publicKey = rawPublicKey(createPublicKey(key));
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    sign: (hash) => sign(null, Buffer.from(signedMessage(hash)), key).toString('base64'),
  };
}

function rawPublicKey(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_ED25519_PREFIX.length).toString('base64');
}

/** `ed25519:` and the first 16 hex digits of the SHA-256 of the raw public key (base64 text). */
export function keyIdOf(publicKeyBase64: string): string {
  return `ed25519:${sha256Hex(publicKeyBase64).slice(0, 16)}`;
}

/** Whether `signature` is the key's signature of the checkpoint hash. Malformed input is false. */
export function signatureValid(hash: string, signature: string, publicKeyBase64: string): boolean {
  try {
    const raw = Buffer.from(publicKeyBase64, 'base64');
    if (raw.length !== 32) return false;
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(signedMessage(hash)), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
