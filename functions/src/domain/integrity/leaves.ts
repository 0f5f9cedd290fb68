import { leafText, type InclusionProof } from '@audit-log/model/integrity';
import { auditPath, MerkleAccumulator } from '../archive/merkle';
import { sha256Hex } from '../canonical';

/** An entry's leaf value (hex): SHA-256 of `"<logId>\n<hash>"`. */
export function leafOf(logId: string, hash: string): string {
  return sha256Hex(leafText(logId, hash));
}

/**
 * The leaves of one checkpoint window, in the order they were read. Gives the root (the order of
 * adding does not matter: leaves are sorted) and inclusion proofs.
 */
export class CheckpointLeaves {
  private readonly acc = new MerkleAccumulator();

  add(logId: string, hash: string): void {
    this.acc.add(leafOf(logId, hash));
  }

  get count(): number {
    return this.acc.count;
  }

  root(): string {
    return this.acc.finish().root;
  }

  /** The proof for one entry, or null when it is not among the leaves. */
  proof(logId: string, hash: string): InclusionProof | null {
    const leaf = leafOf(logId, hash);
    const sorted = this.acc.sorted();
    const index = indexOf(sorted, Buffer.from(leaf, 'hex'));
    if (index < 0) return null;
    const path = auditPath(sorted, this.count, index).map((b) => b.toString('hex'));
    return { leaf, index, size: this.count, path };
  }
}

/** Binary search of a 32-byte value among sorted 32-byte leaves. */
function indexOf(sorted: Buffer, leaf: Buffer): number {
  let lo = 0;
  let hi = sorted.length / 32 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = sorted.compare(leaf, 0, 32, mid * 32, (mid + 1) * 32);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
