// Writes Kafka's primitive types into a growing buffer; the counterpart of Reader.
// Large raw parts (a Fetch answer's record batches) are kept by reference, not copied:
// the answer goes out as its chunks (chunks()), so megabytes of records are never
// copied into the buffer, nor copied again as it grows.

const INITIAL_BYTES = 256;
/** A raw part at least this large is kept as a chunk of its own. */
const CHUNK_BYTES = 64 * 1024;

export class Writer {
  private buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  private length = 0;
  /** What was written before the buffer, in order: its earlier parts and large raw parts. */
  private readonly finished: Buffer[] = [];
  private finishedBytes = 0;

  private room(byteCount: number): number {
    if (this.length + byteCount > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + byteCount));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += byteCount;
    return at;
  }

  get size(): number {
    return this.finishedBytes + this.length;
  }

  /** The bytes written so far (a view: copy it before writing more if it must last). */
  bytesView(): Buffer {
    const current = this.buffer.subarray(0, this.length);
    return this.finished.length === 0 ? current : Buffer.concat([...this.finished, current]);
  }

  /** The bytes written so far as chunks to send in order, none copied. */
  chunks(): Buffer[] {
    return [...this.finished, this.buffer.subarray(0, this.length)];
  }

  int8(value: number): this {
    const at = this.room(1);
    this.buffer.writeInt8(value, at);
    return this;
  }

  int16(value: number): this {
    const at = this.room(2);
    this.buffer.writeInt16BE(value, at);
    return this;
  }

  int32(value: number): this {
    const at = this.room(4);
    this.buffer.writeInt32BE(value, at);
    return this;
  }

  uint32(value: number): this {
    const at = this.room(4);
    this.buffer.writeUInt32BE(value, at);
    return this;
  }

  int64(value: bigint | number): this {
    const at = this.room(8);
    this.buffer.writeBigInt64BE(BigInt(value), at);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  uvarint(value: number): this {
    let rest = value >>> 0;
    while (rest >= 0x80) {
      const at = this.room(1);
      this.buffer.writeUInt8((rest & 0x7f) | 0x80, at);
      rest >>>= 7;
    }
    const at = this.room(1);
    this.buffer.writeUInt8(rest, at);
    return this;
  }

  varint(value: number): this {
    return this.uvarint((value << 1) ^ (value >> 31));
  }

  varlong(value: bigint | number): this {
    const signed = BigInt.asIntN(64, BigInt(value));
    let rest = BigInt.asUintN(64, (signed << 1n) ^ (signed >> 63n));
    while (rest >= 0x80n) {
      const at = this.room(1);
      this.buffer.writeUInt8(Number(rest & 0x7fn) | 0x80, at);
      rest >>= 7n;
    }
    const at = this.room(1);
    this.buffer.writeUInt8(Number(rest), at);
    return this;
  }

  raw(bytes: Uint8Array): this {
    if (bytes.length >= CHUNK_BYTES) {
      this.finished.push(
        this.buffer.subarray(0, this.length),
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      );
      this.finishedBytes += this.length + bytes.length;
      this.buffer = Buffer.allocUnsafe(INITIAL_BYTES);
      this.length = 0;
      return this;
    }
    const at = this.room(bytes.length);
    this.buffer.set(bytes, at);
    return this;
  }

  string(value: string, flexible: boolean): this {
    return this.nullableString(value, flexible);
  }

  nullableString(value: string | null, flexible: boolean): this {
    if (value === null) return flexible ? this.uvarint(0) : this.int16(-1);
    const bytes = Buffer.from(value, "utf8");
    if (flexible) this.uvarint(bytes.length + 1);
    else this.int16(bytes.length);
    return this.raw(bytes);
  }

  nullableBytes(value: Uint8Array | null, flexible: boolean): this {
    if (value === null) return flexible ? this.uvarint(0) : this.int32(-1);
    if (flexible) this.uvarint(value.length + 1);
    else this.int32(value.length);
    return this.raw(value);
  }

  array<T>(items: readonly T[], flexible: boolean, element: (writer: Writer, item: T) => void): this {
    return this.nullableArray(items, flexible, element);
  }

  nullableArray<T>(items: readonly T[] | null, flexible: boolean, element: (writer: Writer, item: T) => void): this {
    if (items === null) return flexible ? this.uvarint(0) : this.int32(-1);
    if (flexible) this.uvarint(items.length + 1);
    else this.int32(items.length);
    for (const item of items) element(this, item);
    return this;
  }

  /** No tagged fields: a flexible struct ends with a zero count. */
  endStruct(flexible: boolean): this {
    return flexible ? this.uvarint(0) : this;
  }
}
