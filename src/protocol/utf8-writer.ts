// A growing UTF-8 buffer for answers rendered as bytes (fetched records, and every read
// path's answer around them), so that stored bytes are copied in, never decoded.

const MIN_CAPACITY_BYTES = 16 * 1024;
const FIRST_NON_ASCII = 0x80;
const ZERO = 0x30;
/** written() hands out its buffer when at most 1/8 of it is unused. */
const UNUSED_SHARE_SENT = 8;
/** Runs up to this long are copied byte by byte (range). */
const SHORT_RUN_BYTES = 32;

const utf8 = new TextEncoder();

export class Utf8Writer {
  protected out: Uint8Array<ArrayBuffer>;
  protected at = 0;

  /** `headroomBytes` are left unwritten before what is written (see written()). */
  constructor(
    capacityBytes = MIN_CAPACITY_BYTES,
    private readonly headroomBytes = 0,
  ) {
    this.out = new Uint8Array(Math.max(capacityBytes, headroomBytes));
    this.at = headroomBytes;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.at - this.headroomBytes;
  }

  /** Room for about `bytes` more, so that a large answer is not grown step by step. */
  expect(bytes: number): void {
    this.reserve(bytes);
  }

  byte(b: number): void {
    this.reserve(1);
    this.out[this.at++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.out.set(b, this.at);
    this.at += b.length;
  }

  /** Bytes [from, to) of `b`: a short run byte by byte (a view made to copy a key of a
   * few bytes costs more than the copy), a longer one in one copy. */
  range(b: Uint8Array, from: number, to: number): void {
    const length = to - from;
    this.reserve(length);
    if (length > SHORT_RUN_BYTES) {
      this.out.set(b.subarray(from, to), this.at);
      this.at += length;
      return;
    }
    for (let i = from; i < to; i++) this.out[this.at++] = b[i]!;
  }

  /** A number as JSON: a non-negative safe integer (offsets, timestamps) digit by
   * digit, without making a string; anything else through its text. */
  number(n: number): void {
    if (!(Number.isSafeInteger(n) && n >= 0)) {
      this.text(String(n));
      return;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.reserve(digits);
    let rest = n;
    for (let i = this.at + digits - 1; i >= this.at; i--) {
      this.out[i] = ZERO + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.at += digits;
  }

  /** ASCII byte by byte (most of what is written: numbers and field names, which
   * TextEncoder would cost a native call each for); the rest through TextEncoder. */
  text(s: string): void {
    this.reserve(s.length * 3);
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (code >= FIRST_NON_ASCII) {
        this.at += utf8.encodeInto(s.slice(i), this.out.subarray(this.at)).written;
        return;
      }
      this.out[this.at++] = code;
    }
  }

  /** What was written, as a view of a buffer with the headroom before it and at least
   * `tailroomBytes` after it, unwritten. RPC copies a view's whole buffer: this buffer
   * is given out only when little of it is unused, else a copy just large enough. */
  written(tailroomBytes = 0): Uint8Array<ArrayBuffer> {
    const size = this.at + tailroomBytes;
    const unused = this.out.length - size;
    if (unused >= 0 && unused <= this.out.length / UNUSED_SHARE_SENT)
      return this.out.subarray(this.headroomBytes, this.at);
    const copy = new Uint8Array(size);
    copy.set(this.out.subarray(this.headroomBytes, this.at), this.headroomBytes);
    return copy.subarray(this.headroomBytes, this.at);
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.at + bytes));
    grown.set(this.out.subarray(0, this.at));
    this.out = grown;
  }
}
