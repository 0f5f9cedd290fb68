/**
 * The checkpoint chain's public formats, shared by the functions (which build and sign
 * checkpoints), the verifier CLI and the console (which checks an entry's inclusion proof with
 * Web Crypto). No Node or Firebase here: hashing is passed in, so one definition serves both.
 *
 * A checkpoint covers one tenant's entries whose `recordedAt` lies in `[windowStart, windowEnd)`
 * (never across UTC midnight). Its Merkle root is the RFC 6962 tree hash over one 32-byte leaf
 * per entry, `SHA-256("<logId>\n<hash>")`, the leaves sorted ascending bytewise (the order of
 * the archive's roots, `rfc6962-sha256-sorted-leaves`), so the root depends only on the set of
 * entries. Its `hash` is the SHA-256 of the canonical JSON of its body, the body names the
 * previous checkpoint's hash, and the signature (Ed25519) covers `audit-checkpoint:v1:<hash>`.
 */

export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_SIGNATURE_ALGORITHM = 'Ed25519';
export const CHECKPOINT_MERKLE_ORDER = 'rfc6962-sha256-sorted-leaves';
/** The CRITICAL entry the system records when it finds the log tampered with. */
export const INTEGRITY_VIOLATION_EVENT_TYPE = 'security.integrity_violation';
/** Reserved source of the integrity events (checkpoint job and verification). */
export const INTEGRITY_SOURCE = 'audit-integrity';

/** `prevHash` of a tenant's first checkpoint. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** What a checkpoint's hash and signature cover. Instants are ISO strings with milliseconds. */
export interface CheckpointBody {
  version: typeof CHECKPOINT_VERSION;
  tenantId: string;
  /** 1 for a tenant's first checkpoint, then +1 each. */
  seq: number;
  windowStart: string;
  windowEnd: string;
  count: number;
  merkleRoot: string;
  prevHash: string;
}

/** A checkpoint as stored in `audit_checkpoints/{id}` and anchored outside Firestore. */
export interface SignedCheckpoint extends CheckpointBody {
  id: string;
  /** UTC day of the window, `YYYY-MM-DD`: the archive day it belongs to. */
  date: string;
  merkleOrder: typeof CHECKPOINT_MERKLE_ORDER;
  hash: string;
  algorithm: typeof CHECKPOINT_SIGNATURE_ALGORITHM;
  keyId: string;
  /** Base64 Ed25519 signature of `signedMessage(hash)`. */
  signature: string;
}

/**
 * The signed fields of a stored checkpoint and nothing else, in one fixed order (an anchor's JSON
 * is compared as text; the document may carry bookkeeping that means nothing to a verifier).
 * Values are passed as stored, unchecked: every verifier checks them.
 */
export function signedCheckpointOf(data: Readonly<Record<string, unknown>>): SignedCheckpoint {
  const pick = (k: keyof SignedCheckpoint) => data[k];
  return {
    id: pick('id'),
    version: pick('version'),
    tenantId: pick('tenantId'),
    seq: pick('seq'),
    windowStart: pick('windowStart'),
    windowEnd: pick('windowEnd'),
    count: pick('count'),
    merkleRoot: pick('merkleRoot'),
    prevHash: pick('prevHash'),
    date: pick('date'),
    merkleOrder: pick('merkleOrder'),
    hash: pick('hash'),
    algorithm: pick('algorithm'),
    keyId: pick('keyId'),
    signature: pick('signature'),
  } as SignedCheckpoint;
}

/** The document id of a tenant's checkpoint: sorts by sequence within the tenant. */
export function checkpointId(tenantId: string, seq: number): string {
  return `${tenantId}~${String(seq).padStart(10, '0')}`;
}

/** Canonical JSON of a body (keys in sorted order, no white space), the text `hash` digests. */
export function checkpointBodyText(body: CheckpointBody): string {
  const ordered = {
    count: body.count,
    merkleRoot: body.merkleRoot,
    prevHash: body.prevHash,
    seq: body.seq,
    tenantId: body.tenantId,
    version: body.version,
    windowEnd: body.windowEnd,
    windowStart: body.windowStart,
  };
  return JSON.stringify(ordered);
}

/** The body part of a stored checkpoint (drops everything the hash does not cover). */
export function bodyOf(c: CheckpointBody): CheckpointBody {
  return {
    version: c.version,
    tenantId: c.tenantId,
    seq: c.seq,
    windowStart: c.windowStart,
    windowEnd: c.windowEnd,
    count: c.count,
    merkleRoot: c.merkleRoot,
    prevHash: c.prevHash,
  };
}

/** The message a checkpoint signature signs: a fixed prefix keeps it from meaning anything else. */
export function signedMessage(hash: string): string {
  return `audit-checkpoint:v1:${hash}`;
}

/** The text whose SHA-256 is an entry's leaf value. */
export function leafText(logId: string, hash: string): string {
  return `${logId}\n${hash}`;
}

/** SHA-256, synchronous (Node) or not (Web Crypto). */
export type Digest = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** An entry's inclusion proof: where its leaf sits among the sorted leaves, and the audit path. */
export interface InclusionProof {
  /** Leaf value, hex: SHA-256 of `leafText(logId, hash)`. */
  leaf: string;
  index: number;
  size: number;
  /** Sibling hashes from the leaf level up, hex. */
  path: string[];
}

/**
 * The root an RFC 6962 audit path leads to (RFC 9162, 2.1.3.2), or null when the path cannot be
 * one for that index and size. The caller compares it with the signed root.
 */
export async function rootFromInclusionProof(proof: InclusionProof, digest: Digest): Promise<string | null> {
  const { index, size } = proof;
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = await digest(concat([0x00], fromHex(proof.leaf)));
  for (const hex of proof.path) {
    if (sn === 0) return null;
    const p = fromHex(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = await digest(concat([0x01], p, r));
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await digest(concat([0x01], r, p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? toHex(r) : null;
}

function concat(prefix: number[], ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(prefix.length + parts.reduce((n, p) => n + p.length, 0));
  out.set(prefix, 0);
  let at = prefix.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new TypeError('not lower-case hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Where a checkpoint's leaves and its anchor copy live in Cloud Storage. */
export const integrityObjects = {
  /** JSON `{ checkpointId, leaves: [[logId, hash], ...] }`, sorted by logId; its root is signed. */
  leaves: (tenantId: string, seq: number) =>
    `integrity/tenant=${tenantId}/checkpoints/${String(seq).padStart(10, '0')}.leaves.json`,
  /** The signed checkpoint as JSON, written once (create-only) where Firestore admins cannot rewrite it. */
  anchor: (tenantId: string, seq: number) =>
    `integrity/tenant=${tenantId}/anchors/${String(seq).padStart(10, '0')}.json`,
  anchorPrefix: (tenantId: string) => `integrity/tenant=${tenantId}/anchors/`,
} as const;

/** A public key of the chain, `audit_checkpoint_keys/{keyId}`. */
export interface CheckpointKey {
  keyId: string;
  algorithm: typeof CHECKPOINT_SIGNATURE_ALGORITHM;
  /** Base64 of the 32 raw Ed25519 public key bytes (Web Crypto's "raw" format). */
  publicKey: string;
}

/** Every way verification can find the log tampered with. */
export const INTEGRITY_FINDING_KINDS = [
  /** An entry's stored hash is not the hash of its contents (a field changed, hash left alone). */
  'entry_hash_mismatch',
  /** An entry differs from the one its checkpoint signed (changed and its hash recomputed). */
  'entry_modified',
  /** A signed entry is gone from Firestore and from the archive. */
  'entry_deleted',
  /** An entry no checkpoint signed, in a window that a checkpoint closed. */
  'entry_inserted',
  /** An entry older than the grace period that no checkpoint covers yet (chain stalled or cut). */
  'entry_uncovered',
  /** A checkpoint whose hash, signature, key or window is wrong. */
  'checkpoint_invalid',
  /** A checkpoint that is not linked to its predecessor. */
  'checkpoint_chain_broken',
  /** A checkpoint missing from Firestore: a gap in the chain, or the newest one dropped. */
  'checkpoint_missing',
  /** A checkpoint that differs from its anchored copy. */
  'checkpoint_anchor_mismatch',
  /** An archived day whose Parquet rows do not give its manifest's or its checkpoints' roots. */
  'archive_modified',
] as const;
export type IntegrityFindingKind = (typeof INTEGRITY_FINDING_KINDS)[number];

export interface IntegrityFinding {
  kind: IntegrityFindingKind;
  message: string;
  logId?: string;
  checkpointId?: string;
  /** Archive day, `YYYY-MM-DD`. */
  date?: string;
}

/** A verification run, `audit_integrity_runs/{id}` (the scheduled check and manual runs). */
export interface IntegrityRunRecord<Instant = string> {
  tenantId: string;
  trigger: 'scheduled' | 'manual';
  startedAt: Instant;
  finishedAt: Instant;
  /** The `recordedAt` period checked, `[from, to)`. */
  from: Instant;
  to: Instant;
  ok: boolean;
  entriesChecked: number;
  checkpointsChecked: number;
  archivedDaysChecked: number;
  findingCount: number;
  /** The first findings (at most 100). */
  findings: IntegrityFinding[];
}
