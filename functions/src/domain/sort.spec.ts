import { describe, expect, it } from 'vitest';
import { sortStrings } from './sort';

/** mulberry32: deterministic, so a failure can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Letters of both cases, digits, punctuation, accents, a character beyond the BMP (a surrogate
// pair) and a lone surrogate: the places where code-unit order differs from other orders.
const ALPHABET = ['a', 'B', 'b', 'Z', '_', '-', '.', '0', '9', 'é', 'É', 'ß', '漢', '😀', '\ud800', ' '];

describe('sortStrings', () => {
  it('orders exactly as the built-in sort does, for short and long lists', () => {
    const random = prng(7);
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 40);
      const list = Array.from({ length }, () =>
        Array.from({ length: Math.floor(random() * 4) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join(
          '',
        ),
      );
      const expected = [...list].sort();
      expect(sortStrings(list)).toEqual(expected);
    }
  });

  it('sorts in place and returns the same list', () => {
    const list = ['userAgent', 'type', 'id', 'email'];
    expect(sortStrings(list)).toBe(list);
    expect(list).toEqual(['email', 'id', 'type', 'userAgent']);
  });
});
