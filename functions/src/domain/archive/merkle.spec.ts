import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleAccumulator, merkleRoot } from './merkle';

const sha = (data: Buffer) => createHash('sha256').update(data).digest();

/** RFC 6962 section 2.1, written as the RFC states it (recursive split at the largest power of two < n). */
function referenceRoot(leaves: Buffer[]): string {
  const mth = (d: Buffer[]): Buffer => {
    if (d.length === 0) return sha(Buffer.alloc(0));
    if (d.length === 1) return sha(Buffer.concat([Buffer.from([0]), d[0]!]));
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return sha(Buffer.concat([Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k))]));
  };
  return mth(leaves).toString('hex');
}

const leaf = (i: number) => createHash('sha256').update(`entry-${i}`).digest('hex');

describe('merkleRoot', () => {
  it('is SHA-256 of the empty string for no entries (RFC 6962 vector)', () => {
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches the RFC 6962 definition over sorted leaves for every size up to 70', () => {
    for (let n = 1; n <= 70; n++) {
      const hashes = Array.from({ length: n }, (_, i) => leaf(i));
      const sorted = [...hashes].sort().map((h) => Buffer.from(h, 'hex'));
      expect(merkleRoot(hashes)).toBe(referenceRoot(sorted));
    }
  });

  it('does not depend on the order rows arrive in', () => {
    const hashes = Array.from({ length: 1000 }, (_, i) => leaf(i));
    expect(merkleRoot([...hashes].reverse())).toBe(merkleRoot(hashes));
  });

  it('changes when a row is missing, duplicated or altered', () => {
    const hashes = Array.from({ length: 9 }, (_, i) => leaf(i));
    const root = merkleRoot(hashes);
    expect(merkleRoot(hashes.slice(1))).not.toBe(root);
    expect(merkleRoot([...hashes, hashes[3]!])).not.toBe(root);
    expect(merkleRoot([...hashes.slice(1), leaf(99)])).not.toBe(root);
  });

  it('counts duplicate leaves and sorts large inputs correctly', () => {
    const acc = new MerkleAccumulator();
    const hashes = Array.from({ length: 5000 }, (_, i) => leaf(i % 4990));
    for (const h of hashes) acc.add(h);
    const { root, count, duplicates } = acc.finish();
    expect(count).toBe(5000);
    expect(duplicates).toBe(10);
    expect(root).toBe(referenceRoot([...hashes].sort().map((h) => Buffer.from(h, 'hex'))));
  });

  it('refuses anything but a lower-case SHA-256 hex value', () => {
    const acc = new MerkleAccumulator();
    expect(() => acc.add('ABC')).toThrow(TypeError);
    expect(() => acc.add(leaf(1).toUpperCase())).toThrow(TypeError);
  });
});
