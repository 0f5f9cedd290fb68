import { FieldPath, Timestamp, type Firestore, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { integrityObjects, type SignedCheckpoint } from '@audit-log/model/integrity';
import type { StoredEntryInput } from '../domain/integrity';
import { signedOf } from '../integrity/store';
import { fromStored } from '../store/converters';
import { COLLECTIONS } from '../store/collections';
import type { Bucket } from '../tiering/storage';

// What verification reads from Firestore and Storage, read-only. Each read is what an admin
// with the Admin SDK could see, nothing the functions keep elsewhere.

export interface VerifySources {
  db: Firestore;
  bucket: Bucket;
}

/**
 * The tenant's checkpoints whose windows start in `[fromMs, toMs)`, plus the one before the first
 * (its hash is the first one's link), by sequence.
 */
export async function periodCheckpoints(
  src: VerifySources,
  tenantId: string,
  fromMs: number,
  toMs: number,
): Promise<SignedCheckpoint[]> {
  const col = src.db.collection(COLLECTIONS.checkpoints);
  const snap = await col
    .where('tenantId', '==', tenantId)
    .where('windowStart', '>=', new Date(fromMs).toISOString())
    .where('windowStart', '<', new Date(toMs).toISOString())
    .orderBy('windowStart', 'asc')
    .get();
  const inPeriod = snap.docs.map((d) => signedOf(d.data()));
  const before = await col
    .where('tenantId', '==', tenantId)
    .where('windowStart', '<', new Date(fromMs).toISOString())
    .orderBy('windowStart', 'desc')
    .limit(1)
    .get();
  const prev = before.docs.map((d) => signedOf(d.data()));
  return [...prev, ...inPeriod].sort((a, b) => a.seq - b.seq);
}

/** Sequence of the tenant's newest checkpoint in Firestore, null when it has none. */
export async function newestSeq(src: VerifySources, tenantId: string): Promise<number | null> {
  const snap = await src.db
    .collection(COLLECTIONS.checkpoints)
    .where('tenantId', '==', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .get();
  const seq = snap.docs[0]?.get('seq') as unknown;
  return typeof seq === 'number' ? seq : null;
}

/** The public keys published in Firestore (what a verifier without a pinned key trusts). */
export async function publishedKeys(src: VerifySources): Promise<Map<string, string>> {
  const snap = await src.db.collection(COLLECTIONS.checkpointKeys).get();
  const keys = new Map<string, string>();
  for (const d of snap.docs) {
    const { keyId, publicKey } = d.data() as { keyId?: unknown; publicKey?: unknown };
    if (typeof keyId === 'string' && typeof publicKey === 'string') keys.set(keyId, publicKey);
  }
  return keys;
}

function notFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 404;
}

/** A JSON object of the bucket, null when it does not exist or is not JSON. */
export async function readJsonObject(src: VerifySources, path: string): Promise<unknown> {
  try {
    const [buf] = await src.bucket.file(path).download();
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (err) {
    if (notFound(err) || err instanceof SyntaxError) return null;
    throw err;
  }
}

const ANCHOR_NAME = /\/(\d{10})\.json$/;

/**
 * Anchored copies: those of the given sequence numbers and every one above `aboveSeq` (a head
 * dropped from Firestore leaves only its anchor). Listing the prefix reads names, not objects.
 */
export async function anchors(
  src: VerifySources,
  tenantId: string,
  seqs: readonly number[],
  aboveSeq: number,
): Promise<Map<number, unknown>> {
  const [files] = await src.bucket.getFiles({ prefix: integrityObjects.anchorPrefix(tenantId) });
  const wanted = new Set(seqs);
  const out = new Map<number, unknown>();
  for (const f of files) {
    const m = ANCHOR_NAME.exec(f.name);
    if (!m) continue;
    const seq = Number(m[1]);
    if (!wanted.has(seq) && !(seq > aboveSeq)) continue;
    out.set(seq, await readJsonObject(src, f.name));
  }
  return out;
}

export function leavesLoader(src: VerifySources): (c: SignedCheckpoint) => Promise<unknown> {
  return (c) => readJsonObject(src, integrityObjects.leaves(c.tenantId, c.seq));
}

/** The tenant's entries recorded in `[fromMs, toMs)` from Firestore, in pages, by recordedAt. */
export async function* firestoreEntries(
  src: VerifySources,
  tenantId: string,
  fromMs: number,
  toMs: number,
  pageSize = 1000,
): AsyncGenerator<StoredEntryInput[]> {
  let after: QueryDocumentSnapshot | undefined;
  for (;;) {
    let q = src.db
      .collection(COLLECTIONS.logs)
      .where('tenantId', '==', tenantId)
      .where('recordedAt', '>=', Timestamp.fromMillis(fromMs))
      .where('recordedAt', '<', Timestamp.fromMillis(toMs))
      .orderBy('recordedAt', 'asc')
      .orderBy(FieldPath.documentId(), 'asc')
      .limit(pageSize);
    if (after) q = q.startAfter(after);
    const snap = await q.get();
    if (snap.size > 0) yield snap.docs.map(entryOf);
    if (snap.size < pageSize) return;
    after = snap.docs[snap.docs.length - 1];
  }
}

function entryOf(d: QueryDocumentSnapshot): StoredEntryInput {
  const data = d.data();
  const recordedAtMs = (data.recordedAt as Timestamp).toMillis();
  let entry: StoredEntryInput['entry'];
  try {
    const { recordedAt: _r, ...rest } = fromStored(data);
    entry = rest;
  } catch {
    // Not even an entry's shape: the hash check reports it.
    entry = data as StoredEntryInput['entry'];
  }
  return { logId: d.id, entry, recordedAtMs };
}
