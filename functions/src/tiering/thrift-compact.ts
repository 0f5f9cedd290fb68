/**
 * A lossless reader and writer of Thrift's compact protocol, the encoding of a Parquet footer.
 * It keeps every field it meets (including ones this code does not know), with its wire type, so
 * a footer can be read, have a few offsets changed, and be written back otherwise byte-identical.
 * Only what Parquet footers use is supported; anything else is refused, never guessed.
 */

/** Compact protocol type ids. */
export enum TType {
  Stop = 0,
  True = 1,
  False = 2,
  I8 = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
}

export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftList | ThriftMap | ThriftStruct;
export interface ThriftField {
  id: number;
  type: TType;
  value: ThriftValue;
}
export interface ThriftStruct {
  fields: ThriftField[];
}
export interface ThriftList {
  elementType: TType;
  items: ThriftValue[];
}
export interface ThriftMap {
  keyType: TType;
  valueType: TType;
  entries: Array<[ThriftValue, ThriftValue]>;
}

class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('thrift: unexpected end of input');
    return this.bytes[this.pos++]!;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new RangeError('thrift: varint too long');
    }
  }

  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  value(type: TType): ThriftValue {
    switch (type) {
      case TType.True:
        return true;
      case TType.False:
        return false;
      case TType.I8: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case TType.I16:
      case TType.I32:
        return Number(this.zigzag());
      case TType.I64:
        return this.zigzag();
      case TType.Double: {
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
        this.pos += 8;
        return view.getFloat64(0, true);
      }
      case TType.Binary: {
        const length = Number(this.varint());
        if (this.pos + length > this.bytes.length) throw new RangeError('thrift: binary runs past the end');
        const out = this.bytes.slice(this.pos, this.pos + length);
        this.pos += length;
        return out;
      }
      case TType.List:
      case TType.Set: {
        const header = this.byte();
        let size = header >> 4;
        if (size === 15) size = Number(this.varint());
        const elementType = (header & 0x0f) as TType;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.element(elementType));
        return { elementType, items };
      }
      case TType.Map: {
        const size = Number(this.varint());
        if (size === 0) return { keyType: TType.Stop, valueType: TType.Stop, entries: [] };
        const types = this.byte();
        const keyType = (types >> 4) as TType;
        const valueType = (types & 0x0f) as TType;
        const entries: Array<[ThriftValue, ThriftValue]> = [];
        for (let i = 0; i < size; i++) entries.push([this.element(keyType), this.element(valueType)]);
        return { keyType, valueType, entries };
      }
      case TType.Struct:
        return this.struct();
      default:
        throw new RangeError(`thrift: unknown type ${String(type)}`);
    }
  }

  /** Booleans inside containers are a whole byte (1 true, 2 false) rather than a field type. */
  private element(type: TType): ThriftValue {
    if (type === TType.True || type === TType.False) return this.byte() === Number(TType.True);
    return this.value(type);
  }

  struct(): ThriftStruct {
    const fields: ThriftField[] = [];
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      const type = (header & 0x0f) as TType;
      if (type === TType.Stop) return { fields };
      const delta = header >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : lastId + delta;
      fields.push({ id, type, value: this.value(type) });
      lastId = id;
    }
  }
}

class Writer {
  private chunks: number[] = [];

  byte(b: number): void {
    this.chunks.push(b & 0xff);
  }

  varint(n: bigint): void {
    let v = BigInt.asUintN(64, n);
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  zigzag(n: bigint): void {
    this.varint((n << 1n) ^ (n >> 63n));
  }

  value(type: TType, value: ThriftValue): void {
    switch (type) {
      case TType.True:
      case TType.False:
        return; // carried by the field header
      case TType.I8:
        return this.byte(value as number);
      case TType.I16:
      case TType.I32:
        return this.zigzag(BigInt(value as number));
      case TType.I64:
        return this.zigzag(value as bigint);
      case TType.Double: {
        const buf = new Uint8Array(8);
        new DataView(buf.buffer).setFloat64(0, value as number, true);
        buf.forEach((b) => this.byte(b));
        return;
      }
      case TType.Binary: {
        const bytes = value as Uint8Array;
        this.varint(BigInt(bytes.length));
        bytes.forEach((b) => this.byte(b));
        return;
      }
      case TType.List:
      case TType.Set: {
        const list = value as ThriftList;
        const size = list.items.length;
        if (size < 15) this.byte((size << 4) | list.elementType);
        else {
          this.byte(0xf0 | list.elementType);
          this.varint(BigInt(size));
        }
        for (const item of list.items) this.element(list.elementType, item);
        return;
      }
      case TType.Map: {
        const map = value as ThriftMap;
        this.varint(BigInt(map.entries.length));
        if (map.entries.length === 0) return;
        this.byte((map.keyType << 4) | map.valueType);
        for (const [k, v] of map.entries) {
          this.element(map.keyType, k);
          this.element(map.valueType, v);
        }
        return;
      }
      case TType.Struct:
        return this.struct(value as ThriftStruct);
      default:
        throw new RangeError(`thrift: unknown type ${String(type)}`);
    }
  }

  private element(type: TType, value: ThriftValue): void {
    if (type === TType.True || type === TType.False) this.byte(value ? TType.True : TType.False);
    else this.value(type, value);
  }

  struct(struct: ThriftStruct): void {
    let lastId = 0;
    for (const field of struct.fields) {
      const type = field.type === TType.True || field.type === TType.False ? (field.value ? 1 : 2) : field.type;
      const delta = field.id - lastId;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.zigzag(BigInt(field.id));
      }
      this.value(type, field.value);
      lastId = field.id;
    }
    this.byte(TType.Stop);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** Decodes one compact-protocol struct that fills `bytes` exactly. */
export function decodeStruct(bytes: Uint8Array): ThriftStruct {
  const reader = new Reader(bytes);
  const struct = reader.struct();
  if (reader.pos !== bytes.length) throw new RangeError('thrift: trailing bytes after the struct');
  return struct;
}

/** Encodes a struct (as {@link decodeStruct} returns it) back to compact-protocol bytes. */
export function encodeStruct(struct: ThriftStruct): Uint8Array {
  const writer = new Writer();
  writer.struct(struct);
  return writer.bytes();
}

/** The field `id` of a struct, if present. */
export function field(struct: ThriftStruct, id: number): ThriftField | undefined {
  return struct.fields.find((f) => f.id === id);
}
