import type { Firestore } from 'firebase-admin/firestore';
import { integrityObjects } from '@audit-log/model/integrity';
import {
  ArchiveError,
  isoMicrosToIsoMillis,
  type ManifestCheckpoint,
  type VerificationProblem,
} from '../domain/archive';
import { CheckpointLeaves, CheckpointRowFold, leafOf, type CheckpointRef } from '../domain/integrity';
import { COLLECTIONS } from '../store/collections';
import type { Bucket } from './storage';

// Archived days and the checkpoint chain: a day is archived only when checkpoints sign all its
// entries; its manifest names them, and verification recomputes their roots from the rows.

/**
 * The checkpoints that sign a part's rows, found as the rows stream by (one query per checkpoint
 * touched, by `windowStart`). A row no checkpoint covers stops the part: the day waits.
 */
export class CoveringCheckpoints {
  private refs: CheckpointRef[] = [];
  private fold = new CheckpointRowFold([]);
  private readonly rows = new Map<string, number>();

  constructor(
    private readonly db: Firestore,
    private readonly tenantId: string,
    private readonly date: string,
  ) {}

  /** Counts a row against the checkpoint whose window holds its `recordedAt` (ISO micros). */
  async add(logId: string, recordedAt: string): Promise<void> {
    let ref = this.fold.checkpointOf(recordedAt);
    if (!ref) {
      ref = (await this.lookup(recordedAt)) ?? undefined;
      if (!ref) {
        throw new ArchiveError(
          'awaiting_checkpoint',
          `audit_logs/${logId} (recorded ${recordedAt}) is not yet signed by a checkpoint of ${this.tenantId}; ` +
            `${this.date} is archived once the checkpoint job has covered it`,
        );
      }
      this.refs.push(ref);
      this.fold = new CheckpointRowFold(this.refs);
    }
    this.rows.set(ref.id, (this.rows.get(ref.id) ?? 0) + 1);
  }

  private async lookup(recordedAt: string): Promise<CheckpointRef | null> {
    const at = isoMicrosToIsoMillis(recordedAt);
    const snap = await this.db
      .collection(COLLECTIONS.checkpoints)
      .where('tenantId', '==', this.tenantId)
      .where('windowStart', '<=', at)
      .orderBy('windowStart', 'desc')
      .limit(1)
      .get();
    const d = snap.docs[0]?.data();
    if (!d || !(at < (d.windowEnd as string))) return null;
    return {
      id: d.id as string,
      seq: d.seq as number,
      windowStart: d.windowStart as string,
      windowEnd: d.windowEnd as string,
      count: d.count as number,
      merkleRoot: d.merkleRoot as string,
    };
  }

  /** The manifest's list: every checkpoint touched, by sequence, with the part's rows in it. */
  manifestList(): ManifestCheckpoint[] {
    return this.refs
      .map((r) => ({ ...r, rows: this.rows.get(r.id) ?? 0 }))
      .filter((r) => r.rows > 0)
      .sort((a, b) => a.seq - b.seq);
  }
}

/**
 * Folds the rows read back from an archive into its manifest's checkpoints and says where they
 * disagree: a row outside every named window, a window with another number of rows, a complete
 * window whose root is not the signed root, or a row of a partly archived window that is not
 * among that checkpoint's signed leaves (its leaves file, whose root must be the signed root).
 */
export class CheckpointVerifier {
  private readonly fold: CheckpointRowFold;
  private readonly partial = new Map<string, string[]>();

  constructor(private readonly checkpoints: readonly ManifestCheckpoint[]) {
    this.fold = new CheckpointRowFold(checkpoints);
  }

  add(row: { logId: string; hash: string; recordedAt?: unknown }): void {
    const recordedAt = String(row.recordedAt);
    this.fold.add({ logId: row.logId, hash: row.hash, recordedAt });
    const ref = this.fold.checkpointOf(recordedAt);
    if (ref && ref.count !== this.checkpoints.find((c) => c.id === ref.id)?.rows) {
      const leaves = this.partial.get(ref.id) ?? [];
      leaves.push(leafOf(row.logId, row.hash));
      this.partial.set(ref.id, leaves);
    }
  }

  async problems(bucket: Bucket, tenantId: string): Promise<VerificationProblem[]> {
    const problems: VerificationProblem[] = [];
    const mismatch = (message: string) => problems.push({ code: 'checkpoint_mismatch', message });
    const roots = this.fold.finish();
    if (roots.outsideCount > 0) {
      mismatch(`${roots.outsideCount} rows lie in no named checkpoint's window (${roots.outside.join(', ')})`);
    }
    for (const c of this.checkpoints) {
      const got = roots.checkpoints.find((r) => r.id === c.id)!;
      if (got.rows !== c.rows) mismatch(`checkpoint ${c.id}: expected ${c.rows} rows, found ${got.rows}`);
      else if (got.complete && !got.rootMatches) mismatch(`checkpoint ${c.id}: the rows' root is not the signed root`);
      else if (!got.complete) {
        const missing = await this.notSigned(bucket, tenantId, c, this.partial.get(c.id) ?? []);
        if (missing) mismatch(`checkpoint ${c.id}: ${missing}`);
      }
    }
    return problems;
  }

  private async notSigned(bucket: Bucket, tenantId: string, c: ManifestCheckpoint, leaves: string[]) {
    let file: { leaves: Array<[string, string]> };
    try {
      const [buf] = await bucket.file(integrityObjects.leaves(tenantId, c.seq)).download();
      file = JSON.parse(buf.toString('utf8')) as typeof file;
    } catch {
      return 'its leaves file cannot be read';
    }
    const signed = new CheckpointLeaves();
    for (const [logId, hash] of file.leaves) signed.add(logId, hash);
    if (signed.root() !== c.merkleRoot || signed.count !== c.count) return 'its leaves file does not give its root';
    const set = new Set(file.leaves.map(([logId, hash]) => leafOf(logId, hash)));
    const unsigned = leaves.filter((l) => !set.has(l)).length;
    return unsigned > 0 ? `${unsigned} rows are not among its signed leaves` : null;
  }
}
