// Reads Kafka's primitive types (clients/src/main/resources/common/message/README.md)
// from one request frame. A frame that ends early or carries an impossible length is
// malformed: the reader throws MalformedFrame, which the connection turns into a
// close with a log line (a byte stream cannot be resynchronised after a bad frame).

export class MalformedFrame extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedFrame";
  }
}

/** Bounds nested arrays so a small frame cannot announce billions of elements. */
const MAX_ARRAY_LENGTH = 100_000;
const MAX_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;

export class Reader {
  private position = 0;

  constructor(private readonly buffer: Buffer) {}

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  private take(byteCount: number): number {
    if (byteCount < 0 || this.position + byteCount > this.buffer.length) {
      throw new MalformedFrame(`needs ${byteCount} bytes at ${this.position}, frame has ${this.buffer.length}`);
    }
    const at = this.position;
    this.position += byteCount;
    return at;
  }

  int8(): number {
    return this.buffer.readInt8(this.take(1));
  }

  int16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buffer.readUInt32BE(this.take(4));
  }

  /** Little-endian, as LZ4 and zstd frames write their fields. */
  uint32LE(): number {
    return this.buffer.readUInt32LE(this.take(4));
  }

  int64(): bigint {
    return this.buffer.readBigInt64BE(this.take(8));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  uvarint(): number {
    let value = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.buffer.readUInt8(this.take(1));
      value |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new MalformedFrame("varint longer than 5 bytes");
  }

  /** Zig-zag signed varint (records' lengths and deltas). */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  varlong(): bigint {
    let value = 0n;
    for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
      const byte = this.buffer.readUInt8(this.take(1));
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return (value >> 1n) ^ -(value & 1n);
    }
    throw new MalformedFrame("varlong longer than 10 bytes");
  }

  raw(byteCount: number): Buffer {
    const at = this.take(byteCount);
    return this.buffer.subarray(at, at + byteCount);
  }

  string(flexible: boolean): string {
    const value = this.nullableString(flexible);
    if (value === null) throw new MalformedFrame("null where a string is required");
    return value;
  }

  nullableString(flexible: boolean): string | null {
    const length = flexible ? this.uvarint() - 1 : this.int16();
    if (length < 0) return null;
    return this.raw(length).toString("utf8");
  }

  bytes(flexible: boolean): Buffer {
    const value = this.nullableBytes(flexible);
    if (value === null) throw new MalformedFrame("null where bytes are required");
    return value;
  }

  nullableBytes(flexible: boolean): Buffer | null {
    const length = flexible ? this.uvarint() - 1 : this.int32();
    if (length < 0) return null;
    return this.raw(length);
  }

  array<T>(flexible: boolean, element: (reader: Reader) => T): T[] {
    const value = this.nullableArray(flexible, element);
    if (value === null) throw new MalformedFrame("null where an array is required");
    return value;
  }

  nullableArray<T>(flexible: boolean, element: (reader: Reader) => T): T[] | null {
    const length = flexible ? this.uvarint() - 1 : this.int32();
    if (length < 0) return null;
    if (length > MAX_ARRAY_LENGTH || length > this.remaining) {
      throw new MalformedFrame(`array of ${length} elements in ${this.remaining} bytes`);
    }
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(element(this));
    return items;
  }

  /** Flexible versions end every struct with tagged fields; none we read is tagged. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    if (count > this.remaining) throw new MalformedFrame(`${count} tagged fields in ${this.remaining} bytes`);
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.raw(this.uvarint());
    }
  }

  /** Tagged fields when flexible, nothing otherwise: one call per struct end. */
  endStruct(flexible: boolean): void {
    if (flexible) this.skipTaggedFields();
  }
}
