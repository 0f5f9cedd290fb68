/**
 * The length of `text` in UTF-8 bytes, counted the way Node's `Buffer.byteLength` counts it (a lone
 * surrogate becomes U+FFFD, 3 bytes), without `Buffer`, so the model also runs in a browser, and
 * without `TextEncoder`, which would copy the whole text only to measure it.
 */
export function utf8ByteLength(text: string): number {
  // Every UTF-16 unit is at least one byte; add what the wider characters take beyond that.
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair: two units, four bytes.
      bytes += 2;
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;
