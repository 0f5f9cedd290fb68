import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from './canonical';

// Golden vectors: the canonical text was written by hand from the rules documented in
// canonical.ts, and the hex digests were computed outside this code base
// (`printf '%s' '<canonical>' | sha256sum`). A change to either breaks every stored hash.
const VALUE_VECTOR = {
  z: false,
  b: { y: 'café', x: -0.5 },
  a: [1, 'two', null, true, undefined],
  '10': 'ten',
  '9': 'nine',
  A: 'upper',
  '\uFB00': 'ff',
  '\u{1F600}': 'smile',
  big: 1e21,
  tiny: 1.5e-7,
  negzero: -0,
  esc: 'line\nbreak "quoted" \\ tab\t',
  skip: undefined,
};
// Keys by UTF-16 code unit: "10" < "9" (strings, not numbers); "A" < "a"; the emoji's high
// surrogate U+D83D sorts before U+FB00 although its code point U+1F600 is larger.
const VALUE_CANONICAL = String.raw`{"10":"ten","9":"nine","A":"upper","a":[1,"two",null,true,null],"b":{"x":-0.5,"y":"café"},"big":1e+21,"esc":"line\nbreak \"quoted\" \\ tab\t","negzero":0,"tiny":1.5e-7,"z":false,"😀":"smile","ﬀ":"ff"}`;
const VALUE_SHA256 = '2b76ccc9f3f7af0ce567ab8f0bef3c622c316b96096bbb001c6d1aea83ba8e81';

describe('canonicalJson', () => {
  it('writes the golden value vector exactly', () => {
    expect(canonicalJson(VALUE_VECTOR)).toBe(VALUE_CANONICAL);
    expect(sha256Hex(canonicalJson(VALUE_VECTOR))).toBe(VALUE_SHA256);
  });

  it('writes scalars as JSON does', () => {
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(0)).toBe('0');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(123456789012)).toBe('123456789012');
    expect(canonicalJson(0.1)).toBe('0.1');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('escapes control characters and lone surrogates', () => {
    expect(canonicalJson('\u0001')).toBe('"\\u0001"');
    expect(canonicalJson('\uD800')).toBe('"\\ud800"');
  });

  it('does not depend on key order, at any depth', () => {
    const a = { outer: { b: 2, a: 1, list: [{ y: 1, x: 2 }] }, first: 'x' };
    const b = { first: 'x', outer: { list: [{ x: 2, y: 1 }], a: 1, b: 2 } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"first":"x","outer":{"a":1,"b":2,"list":[{"x":2,"y":1}]}}');
  });

  it('keeps array order significant', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('omits undefined members but keeps null ones', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('writes the same text for input already in canonical order (the native fast path)', () => {
    const sorted = JSON.parse(VALUE_CANONICAL) as unknown;
    expect(canonicalJson(sorted)).toBe(VALUE_CANONICAL);
    expect(canonicalJson({ a: [1, { b: null, c: 'x' }], d: undefined, e: [undefined] })).toBe(
      '{"a":[1,{"b":null,"c":"x"}],"e":[null]}',
    );
    // Integer-like keys enumerate in numeric order, which is not the canonical order.
    expect(canonicalJson({ '2': 'b', '10': 'a' })).toBe('{"10":"a","2":"b"}');
    // A toJSON member is a function: refused, not called.
    expect(() => canonicalJson({ a: 1, toJSON: () => 'x' })).toThrow(/type function/);
    // Objects of other classes are not serialized through their toJSON either.
    expect(canonicalJson({ a: new Date(0) })).toBe('{"a":{}}');
    expect(canonicalJson({ a: Object.assign(Object.create(null) as object, { y: 1, x: 2 }) })).toBe(
      '{"a":{"x":2,"y":1}}',
    );
  });

  it('refuses values JSON cannot represent', () => {
    // Each also inside input that is otherwise in canonical order.
    expect(() => canonicalJson({ a: 1, b: { c: Number.NaN } })).toThrow(/non-finite/);
    expect(() => canonicalJson({ a: [1, () => 1] })).toThrow(/type function/);
    expect(() => canonicalJson({ a: [1n] })).toThrow(/type bigint/);
    expect(() => canonicalJson({ a: { b: Symbol('s') } })).toThrow(/type symbol/);
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite number NaN/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/non-finite number Infinity/);
    expect(() => canonicalJson({ deep: { n: Number.NEGATIVE_INFINITY } })).toThrow(/non-finite number -Infinity/);
    expect(() => canonicalJson(10n)).toThrow(/type bigint/);
    expect(() => canonicalJson({ big: 10n })).toThrow(/type bigint/);
    expect(() => canonicalJson(() => 1)).toThrow(/type function/);
    expect(() => canonicalJson({ fn: () => 1 })).toThrow(/type function/);
    expect(() => canonicalJson(Symbol('s'))).toThrow(/type symbol/);
    expect(() => canonicalJson(undefined)).toThrow(/type undefined/);
  });
});

describe('sha256Hex', () => {
  it('matches known digests', () => {
    // FIPS 180-2 test vector and the empty string.
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the UTF-8 bytes of the text', () => {
    // "é" is two bytes in UTF-8: c3 a9 (checked with printf 'é' | sha256sum).
    expect(sha256Hex('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
    expect(sha256Hex('{}')).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
