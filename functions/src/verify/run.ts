import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyTenant, type VerifyTenantResult } from '../domain/integrity';
import { openDuckDb } from '../tiering/duckdb';
import { archivedEntries, checkArchivedParts, mergeByRecordedAt } from './archives';
import {
  anchors,
  firestoreEntries,
  leavesLoader,
  newestSeq,
  periodCheckpoints,
  publishedKeys,
  type VerifySources,
} from './stores';

export interface VerifyOptions {
  tenantId: string;
  /** `[fromMs, toMs)` of `recordedAt`; whole UTC days, so checkpoint windows fall inside. */
  fromMs: number;
  toMs: number;
  nowMs: number;
  /** Entries recorded before this must be covered by a checkpoint by now. */
  coverDeadlineMs: number;
  /** Pinned public keys (keyId -> base64); without them the keys published in Firestore are trusted. */
  pinnedKeys?: ReadonlyMap<string, string>;
  /** Also check archived days of the period (default true). */
  archives?: boolean;
  onProgress?: (entriesChecked: number) => void;
}

export interface VerifyOutcome extends VerifyTenantResult {
  keySource: 'pinned' | 'firestore';
  trustedKeyIds: string[];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Reads one tenant's period from Firestore and Storage and verifies it. */
export async function verifyFromStores(src: VerifySources, opts: VerifyOptions): Promise<VerifyOutcome> {
  const { tenantId, fromMs, toMs } = opts;
  const checkpoints = await periodCheckpoints(src, tenantId, fromMs, toMs);
  const newest = await newestSeq(src, tenantId);
  const seqs = checkpoints.map((c) => c.seq);
  const anchored = await anchors(src, tenantId, seqs, Math.max(newest ?? 0, seqs.at(-1) ?? 0));
  const keys = opts.pinnedKeys ?? (await publishedKeys(src));
  const dir = await mkdtemp(join(tmpdir(), 'audit-verify-'));
  const duck = opts.archives === false ? null : await openDuckDb();
  try {
    const parts = duck
      ? await checkArchivedParts(src, duck.conn, tenantId, day(fromMs), day(toMs - 1), dir)
      : { checks: [], local: [] };
    const entries = mergeByRecordedAt(
      firestoreEntries(src, tenantId, fromMs, toMs),
      duck ? archivedEntries(duck.conn, parts.local, fromMs, toMs) : (async function* () {})(),
    );
    const result = await verifyTenant({
      tenantId,
      checkpoints,
      newestSeq: newest,
      anchors: anchored,
      trustedKeys: keys,
      fromMs,
      toMs,
      coverDeadlineMs: opts.coverDeadlineMs,
      loadLeaves: leavesLoader(src),
      entries,
      archivedParts: parts.checks,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { ...result, keySource: opts.pinnedKeys ? 'pinned' : 'firestore', trustedKeyIds: [...keys.keys()] };
  } finally {
    duck?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
