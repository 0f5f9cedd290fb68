import type { EntryProof } from '@audit-log/model/callables';
import { canonicalJson } from '@audit-log/model/canonical';
import { hashedForm, type StoredEntry } from '@audit-log/model/entry';
import {
  bodyOf,
  checkpointBodyText,
  leafText,
  rootFromInclusionProof,
  signedMessage,
  toHex,
  type CheckpointKey,
  type SignedCheckpoint,
} from '@audit-log/model/integrity';

/**
 * The console's own check of an entry against its signed checkpoint. Nothing the server says is
 * believed: the entry's hash is recomputed from its fields, the leaf and the audit path are
 * hashed up to the root, the checkpoint's hash is recomputed from its body and its signature is
 * checked with the published key, all with Web Crypto. Pure apart from Web Crypto, so the unit
 * tests run the same code against proofs built by the functions' own code.
 */

/** One line of the result panel. */
export interface VerificationCheck {
  readonly id: 'content' | 'signed' | 'inclusion' | 'checkpoint' | 'signature';
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

export type VerificationVerdict = 'verified' | 'tampered' | 'pending';

export interface EntryVerification {
  readonly verdict: VerificationVerdict;
  /** The plain-words result. */
  readonly summary: string;
  readonly checks: readonly VerificationCheck[];
  readonly checkpoint: SignedCheckpoint | null;
}

const encoder = new TextEncoder();

/** SHA-256 with Web Crypto. */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
}

/** SHA-256 of UTF-8 text, hex. */
export async function sha256Text(text: string): Promise<string> {
  return toHex(await sha256(encoder.encode(text)));
}

/** What a Timestamp offers; keeps the SDK out of pure code. */
interface TimestampLike {
  toDate(): Date;
}

/**
 * The stored entry with `occurredAt` as the string the functions hashed (UTC, milliseconds).
 * Firestore Timestamps read by the SDK, Dates and ISO strings are all accepted.
 */
export function storedForm(data: Readonly<Record<string, unknown>>): StoredEntry<string> {
  const at = data['occurredAt'];
  let occurredAt: unknown = at;
  if (at instanceof Date) occurredAt = at.toISOString();
  else if (at && typeof (at as TimestampLike).toDate === 'function')
    occurredAt = (at as TimestampLike).toDate().toISOString();
  else if (typeof at === 'string') occurredAt = new Date(at).toISOString();
  return { ...data, occurredAt } as unknown as StoredEntry<string>;
}

/** The SHA-256 (hex) of an entry's canonical hashed form: what its `hash` must be. */
export async function recomputeEntryHash(data: Readonly<Record<string, unknown>>): Promise<string> {
  return sha256Text(canonicalJson(hashedForm(storedForm(data))));
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** `ed25519:` and the first 16 hex digits of SHA-256 of the base64 public key: how key ids are made. */
export async function keyIdOf(publicKeyBase64: string): Promise<string> {
  return `ed25519:${(await sha256Text(publicKeyBase64)).slice(0, 16)}`;
}

/** Whether `signature` (base64) is the key's Ed25519 signature of the checkpoint hash; malformed is false. */
export async function signatureValid(hash: string, signature: string, publicKeyBase64: string): Promise<boolean> {
  try {
    const raw = fromBase64(publicKeyBase64);
    if (raw.length !== 32) return false;
    const key = await crypto.subtle.importKey('raw', raw as BufferSource, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      fromBase64(signature) as BufferSource,
      encoder.encode(signedMessage(hash)),
    );
  } catch {
    return false;
  }
}

const short = (hex: unknown) => (typeof hex === 'string' ? hex.slice(0, 12) : String(hex));

/** The inputs of one verification: the entry as stored, the server's answer and the published key. */
export interface VerificationInput {
  readonly logId: string;
  readonly entry: Readonly<Record<string, unknown>>;
  /** `recordedAt` of the entry, epoch ms (null when it has none). */
  readonly recordedAtMs: number | null;
  readonly answer: EntryProof;
  /** The checkpoint's key from `audit_checkpoint_keys/{keyId}`, null when it is not published. */
  readonly key: CheckpointKey | null;
}

function contentCheck(entry: Readonly<Record<string, unknown>>, recomputed: string): VerificationCheck {
  const stored = entry['hash'];
  const ok = recomputed === stored;
  return {
    id: 'content',
    label: 'Content hash',
    ok,
    detail: ok
      ? `the entry's fields hash to its stored hash ${short(stored)}…`
      : `the entry's fields hash to ${short(recomputed)}…, not to its stored hash ${short(stored)}…: a field was changed and the hash left alone`,
  };
}

async function checkpointChecks(
  input: VerificationInput,
  checkpoint: SignedCheckpoint,
): Promise<[VerificationCheck, VerificationCheck]> {
  const recomputed = await sha256Text(checkpointBodyText(bodyOf(checkpoint)));
  const problems: string[] = [];
  if (recomputed !== checkpoint.hash)
    problems.push(`its contents hash to ${short(recomputed)}…, not ${short(checkpoint.hash)}…`);
  if (checkpoint.tenantId !== input.entry['tenantId']) problems.push(`it belongs to tenant ${checkpoint.tenantId}`);
  const start = Date.parse(checkpoint.windowStart);
  const end = Date.parse(checkpoint.windowEnd);
  if (input.recordedAtMs === null || !(start <= input.recordedAtMs && input.recordedAtMs < end))
    problems.push(
      `its window ${checkpoint.windowStart} to ${checkpoint.windowEnd} does not hold the entry's recording time`,
    );
  const hashCheck: VerificationCheck = {
    id: 'checkpoint',
    label: 'Checkpoint hash',
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `checkpoint #${checkpoint.seq} hashes to ${short(checkpoint.hash)}… and covers this entry`
        : `checkpoint #${checkpoint.seq}: ${problems.join('; ')}`,
  };
  const key = input.key;
  let signatureDetail: string;
  let signatureOk = false;
  if (key === null) signatureDetail = `key ${checkpoint.keyId} is not published`;
  else if ((await keyIdOf(key.publicKey)) !== checkpoint.keyId || key.keyId !== checkpoint.keyId)
    signatureDetail = `the published key does not have the id ${checkpoint.keyId}`;
  else if (!(await signatureValid(checkpoint.hash, checkpoint.signature, key.publicKey)))
    signatureDetail = `the signature of checkpoint #${checkpoint.seq} is not key ${checkpoint.keyId}'s signature of its hash`;
  else {
    signatureOk = true;
    signatureDetail = `Ed25519 signature of checkpoint #${checkpoint.seq} verified with key ${checkpoint.keyId}`;
  }
  return [
    hashCheck,
    { id: 'signature', label: `Signature by key ${checkpoint.keyId}`, ok: signatureOk, detail: signatureDetail },
  ];
}

async function inclusionCheck(
  logId: string,
  answer: Extract<EntryProof, { status: 'proved' }>,
): Promise<VerificationCheck> {
  const { checkpoint, proof, signedHash } = answer;
  const leaf = await sha256Text(leafText(logId, signedHash));
  const root = leaf === proof.leaf ? await rootFromInclusionProof(proof, sha256) : null;
  const ok = root !== null && root === checkpoint.merkleRoot;
  return {
    id: 'inclusion',
    label: `Inclusion in checkpoint #${checkpoint.seq}`,
    ok,
    detail: ok
      ? `the audit path of leaf ${proof.index + 1} of ${proof.size} leads to the signed root ${short(checkpoint.merkleRoot)}…`
      : leaf !== proof.leaf
        ? 'the proof is not for this entry'
        : `the audit path leads to ${root === null ? 'no root' : `${short(root)}…`}, not to the signed root ${short(checkpoint.merkleRoot)}…`,
  };
}

function tamperedSummary(checks: readonly VerificationCheck[], checkpoint: SignedCheckpoint): string {
  const failed = checks.filter((c) => !c.ok);
  // Details may end in an ellipsis (shortened hashes): no second full stop after one.
  const reasons = failed.map((c) => `${c.label}: ${c.detail.replace(/…$/, '')}`).join('. ');
  const entryChanged = failed.some((c) => c.id === 'content' || c.id === 'signed');
  return entryChanged
    ? `This entry was changed after it was signed in checkpoint ${checkpoint.seq}. ${reasons}.`
    : `This entry cannot be proved by checkpoint ${checkpoint.seq}: ${reasons}.`;
}

/** Checks an entry against the server's answer; every failing check says what it found. */
export async function verifyEntry(input: VerificationInput): Promise<EntryVerification> {
  const { answer } = input;
  const recomputed = await recomputeEntryHash(input.entry);
  const content = contentCheck(input.entry, recomputed);
  if (answer.status === 'pending') {
    return {
      verdict: 'pending',
      summary: `This entry is not in a signed checkpoint yet (${answer.reason}). Verify again after the next checkpoint.`,
      checks: [content],
      checkpoint: null,
    };
  }
  const { checkpoint } = answer;
  if (answer.status === 'absent') {
    const checks = [
      content,
      {
        id: 'inclusion',
        label: `Inclusion in checkpoint #${checkpoint.seq}`,
        ok: false,
        detail: answer.reason,
      } satisfies VerificationCheck,
      ...(await checkpointChecks({ ...input, recordedAtMs: null }, checkpoint)).filter((c) => c.id === 'signature'),
    ];
    return {
      verdict: 'tampered',
      summary: `This entry was never signed: ${answer.reason}. It was added after its time window was closed.`,
      checks,
      checkpoint,
    };
  }
  const signedOk = recomputed === answer.signedHash;
  const signed: VerificationCheck = {
    id: 'signed',
    label: 'Matches the signed hash',
    ok: signedOk,
    detail: signedOk
      ? `checkpoint #${checkpoint.seq} signed this entry's hash ${short(recomputed)}…`
      : `checkpoint #${checkpoint.seq} signed the hash ${short(answer.signedHash)}… for this entry; its fields now hash to ${short(recomputed)}…`,
  };
  const checks = [
    content,
    signed,
    await inclusionCheck(input.logId, answer),
    ...(await checkpointChecks(input, checkpoint)),
  ];
  const ok = checks.every((c) => c.ok);
  return {
    verdict: ok ? 'verified' : 'tampered',
    summary: ok
      ? `This entry is exactly as signed in checkpoint ${checkpoint.seq} at ${checkpoint.windowEnd} (key ${checkpoint.keyId}).`
      : tamperedSummary(checks, checkpoint),
    checks,
    checkpoint,
  };
}
