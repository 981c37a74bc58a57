// A bounds-checked reader of untrusted binary frames (batch-frame.ts, fetch-frame.ts):
// every read past the end, and every length that does not fit what is left, throws
// MalformedFrame, which the frame's checker turns into its 4xx answer. Little-endian,
// as stored.

export class MalformedFrame extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedFrame";
  }
}

export class FrameCursor {
  readonly view: DataView;
  at = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.at, true);
    this.at += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.at, true);
    this.at += 4;
    return value;
  }

  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.at, true);
    this.at += 8;
    return value;
  }

  /** The next `length` bytes, as a view (no copy). */
  take(length: number): Uint8Array {
    if (length < 0) throw new MalformedFrame(`a length of ${length} at byte ${this.at - 4}`);
    this.need(length);
    this.at += length;
    return this.bytes.subarray(this.at - length, this.at);
  }

  private need(bytes: number): void {
    if (this.at + bytes > this.bytes.length) throw new MalformedFrame(`the frame ends early, at byte ${this.at}`);
  }
}
