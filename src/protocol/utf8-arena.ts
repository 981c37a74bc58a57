// UTF-8 encoding into shared chunks. TextEncoder.encode gives every string its own
// ArrayBuffer, and on the produce path (a key and a value per record) allocating those
// cost about as much as encoding: the CPU profile showed ~1 µs per 3-byte key.

/** Below the allocator's threshold for fresh zeroed pages (glibc's mmap threshold is
 * 128 KiB): 256 KiB chunks cost ~50 µs each to allocate in the produce profile. */
const CHUNK_BYTES = 64 * 1024;
/** A UTF-16 code unit never takes more than 3 UTF-8 bytes. */
const MAX_BYTES_PER_CODE_UNIT = 3;

const utf8 = new TextEncoder();

/** Encodes strings into views of a few large buffers. Bytes are handed out once and
 * never written again, so views from any number of requests may share a chunk. The
 * views share their buffer: they are for reading and copying, never for sending over
 * RPC as they are. */
export class Utf8Arena {
  private chunk = new Uint8Array(0);
  private used = 0;

  encode(text: string): Uint8Array {
    const start = this.used;
    const { read, written } = utf8.encodeInto(text, this.chunk.subarray(start));
    if (read === text.length) {
      this.used = start + written;
      return this.chunk.subarray(start, this.used);
    }
    // Did not fit: what it wrote is abandoned, and the string goes to a new chunk, sized
    // for ASCII first (most text), then for the worst case.
    for (const bytes of [text.length, text.length * MAX_BYTES_PER_CODE_UNIT]) {
      this.chunk = new Uint8Array(Math.max(CHUNK_BYTES, bytes));
      const fresh = utf8.encodeInto(text, this.chunk);
      if (fresh.read === text.length) {
        this.used = fresh.written;
        return this.chunk.subarray(0, this.used);
      }
    }
    throw new Error(`${text.length} UTF-16 code units did not fit ${text.length * MAX_BYTES_PER_CODE_UNIT} bytes`);
  }

  /** encode(text) when the text is all ASCII (one byte per UTF-16 code unit, so the
   * caller may cut it up by string lengths), else null. */
  encodeAscii(text: string): Uint8Array | null {
    const bytes = this.encode(text);
    return bytes.length === text.length ? bytes : null;
  }
}
