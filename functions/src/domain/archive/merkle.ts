import { hash } from 'node:crypto';

/**
 * The Merkle root of an archive: the RFC 6962 (Certificate Transparency) Merkle Tree Hash over
 * the entries' `hash` values taken as 32-byte leaves and **sorted ascending bytewise** (duplicates
 * kept). Sorting makes the root a function of the set of entries, not of row order, so the writer
 * (which streams in query order) and the verifier (which reads in file order) agree, and a
 * duplicated or missing row always changes it.
 *
 *   leaf node  = SHA-256(0x00 || leaf)
 *   inner node = SHA-256(0x01 || left || right)
 *   MTH(n=0)   = SHA-256("")
 *   MTH(n>1)   = node(MTH(first k), MTH(rest)), k = largest power of two < n
 *
 * Computed bottom-up, promoting a lone last node to the next level unchanged, which is the same
 * tree as RFC 6962's recursive split.
 */
export const MERKLE_ORDER = 'rfc6962-sha256-sorted-leaves' as const;

const LEAF = 32;
const HEX_HASH = /^[0-9a-f]{64}$/;

function sha256(data: Buffer): Buffer {
  return hash('sha256', data, 'buffer');
}

/**
 * Collects leaves in one growing buffer (32 bytes per entry, so a million entries cost 32 MB, not
 * a million strings) and computes the root, the count and whether any leaf repeats.
 */
export class MerkleAccumulator {
  private buf = Buffer.alloc(LEAF * 1024);
  private n = 0;

  /** Adds one entry hash (64 lower-case hex characters). */
  add(hexHash: string): void {
    if (!HEX_HASH.test(hexHash)) throw new TypeError(`not a SHA-256 hex hash: ${hexHash.slice(0, 80)}`);
    if ((this.n + 1) * LEAF > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.n * LEAF);
      this.buf = bigger;
    }
    this.buf.write(hexHash, this.n * LEAF, LEAF, 'hex');
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** The leaves so far, sorted (32 bytes each): what inclusion proofs index into. */
  sorted(): Buffer {
    return sortLeaves(this.buf.subarray(0, this.n * LEAF), this.n);
  }

  /** The root and the number of leaves that repeat an earlier one (0 for a valid archive). */
  finish(): { root: string; count: number; duplicates: number } {
    const sorted = sortLeaves(this.buf.subarray(0, this.n * LEAF), this.n);
    let duplicates = 0;
    for (let i = 1; i < this.n; i++) {
      if (sorted.compare(sorted, i * LEAF, (i + 1) * LEAF, (i - 1) * LEAF, i * LEAF) === 0) duplicates++;
    }
    return { root: rootOfSorted(sorted, this.n).toString('hex'), count: this.n, duplicates };
  }
}

/**
 * Sorts n 32-byte leaves. SHA-256 values are uniform, so a counting pass on the first two bytes
 * leaves buckets of a handful of leaves each, finished by insertion sort: linear time, one copy.
 */
export function sortLeaves(leaves: Buffer, n: number): Buffer {
  const counts = new Uint32Array(65537);
  for (let i = 0; i < n; i++) counts[leaves.readUInt16BE(i * LEAF) + 1]!++;
  for (let b = 1; b <= 65536; b++) counts[b]! += counts[b - 1]!;
  const starts = counts.slice(0, 65536);
  const out = Buffer.alloc(n * LEAF);
  for (let i = 0; i < n; i++) {
    const bucket = leaves.readUInt16BE(i * LEAF);
    leaves.copy(out, starts[bucket]! * LEAF, i * LEAF, (i + 1) * LEAF);
    starts[bucket]!++;
  }
  const tmp = Buffer.alloc(LEAF);
  for (let b = 0; b < 65536; b++) {
    const lo = counts[b]!;
    const hi = counts[b + 1]!;
    for (let i = lo + 1; i < hi; i++) {
      out.copy(tmp, 0, i * LEAF, (i + 1) * LEAF);
      let j = i - 1;
      // out[j] > tmp: shift out[j] up one slot.
      while (j >= lo && out.compare(tmp, 0, LEAF, j * LEAF, (j + 1) * LEAF) > 0) {
        out.copy(out, (j + 1) * LEAF, j * LEAF, (j + 1) * LEAF);
        j--;
      }
      tmp.copy(out, (j + 1) * LEAF);
    }
  }
  return out;
}

/** The leaf nodes of n sorted leaves: SHA-256(0x00 || leaf) each. */
function leafLevel(sorted: Buffer, n: number): Buffer {
  const prefixed = Buffer.alloc(1 + LEAF);
  const level = Buffer.alloc(n * LEAF);
  for (let i = 0; i < n; i++) {
    sorted.copy(prefixed, 1, i * LEAF, (i + 1) * LEAF);
    sha256(prefixed).copy(level, i * LEAF);
  }
  return level;
}

/** The level above: pairs hashed as SHA-256(0x01 || left || right), a lone last node promoted. */
function levelAbove(level: Buffer, width: number): Buffer {
  const next = Math.ceil(width / 2);
  const out = Buffer.alloc(next * LEAF);
  const pair = Buffer.alloc(1 + 2 * LEAF);
  pair[0] = 0x01;
  for (let i = 0; i + 1 < width; i += 2) {
    level.copy(pair, 1, i * LEAF, (i + 2) * LEAF);
    sha256(pair).copy(out, (i / 2) * LEAF);
  }
  if (width % 2 === 1) level.copy(out, (next - 1) * LEAF, (width - 1) * LEAF, width * LEAF);
  return out;
}

/** RFC 6962 root of n leaves already in order, bottom-up. */
export function rootOfSorted(leaves: Buffer, n: number): Buffer {
  if (n === 0) return sha256(Buffer.alloc(0));
  let level = leafLevel(leaves, n);
  for (let width = n; width > 1; width = Math.ceil(width / 2)) level = levelAbove(level, width);
  return level.subarray(0, LEAF);
}

/**
 * The RFC 6962 audit path of leaf `index` among n sorted leaves: the sibling of each level from
 * the leaves up, skipping levels where the node is a lone last one (promoted unchanged).
 */
export function auditPath(sorted: Buffer, n: number, index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`leaf ${index} is not among ${n}`);
  const path: Buffer[] = [];
  let level = leafLevel(sorted, n);
  let at = index;
  for (let width = n; width > 1; width = Math.ceil(width / 2)) {
    const sibling = at ^ 1;
    if (sibling < width) path.push(Buffer.from(level.subarray(sibling * LEAF, (sibling + 1) * LEAF)));
    level = levelAbove(level, width);
    at = Math.floor(at / 2);
  }
  return path;
}

/** Convenience for small sets: the root of a list of hex hashes. */
export function merkleRoot(hexHashes: Iterable<string>): string {
  const acc = new MerkleAccumulator();
  for (const h of hexHashes) acc.add(h);
  return acc.finish().root;
}
