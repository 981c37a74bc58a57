// Kafka's zstd: one or more Zstandard frames, inflated by fzstd's streaming decoder.
// Every frame's header is read here first: a frame whose window (the history the
// decoder allocates) is over the bound is refused before anything is allocated, and
// inflating stops at the first block (at most 128 KiB) past maxBytes.

import { Decompress } from "fzstd";
import { MalformedFrame, Reader } from "./reader.js";

const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames carry 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MAGIC = 0x184d2a50;
const SKIPPABLE_MASK = 0xfffffff0;
const RESERVED_BLOCK_TYPE = 3;
const RLE_BLOCK_TYPE = 1;
const CHECKSUM_BYTES = 4;
/** Bounds the header walk; producers write one frame per batch. */
const MAX_FRAMES = 1_024;

/** Throws MalformedFrame (or fzstd's Error) on bad bytes or past maxBytes. */
export function unzstd(bytes: Buffer, maxBytes: number): Buffer {
  checkWindows(bytes, maxBytes);
  const chunks: Uint8Array[] = [];
  let inflatedBytes = 0;
  const decoder = new Decompress((chunk) => {
    inflatedBytes += chunk.length;
    if (inflatedBytes > maxBytes) throw new MalformedFrame(`zstd: over ${maxBytes} bytes inflated`);
    chunks.push(chunk);
  });
  decoder.push(bytes, true);
  return Buffer.concat(chunks, inflatedBytes);
}

function checkWindows(bytes: Buffer, maxBytes: number): void {
  const reader = new Reader(bytes);
  for (let frames = 0; reader.remaining > 0; frames++) {
    if (frames >= MAX_FRAMES) throw new MalformedFrame(`zstd: more than ${MAX_FRAMES} frames`);
    const magic = reader.uint32LE();
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) reader.raw(reader.uint32LE());
    else if (magic === FRAME_MAGIC) skipFrame(reader, maxBytes);
    else throw new MalformedFrame("zstd: not a Zstandard frame");
  }
}

/** Reads one frame's header, refusing a window over maxBytes, and skips its blocks. */
function skipFrame(reader: Reader, maxBytes: number): void {
  const descriptor = reader.int8() & 0xff;
  const singleSegment = (descriptor & 0x20) !== 0;
  const contentSizeCode = descriptor >> 6;
  let windowBytes = 0;
  if (!singleSegment) {
    const window = reader.int8() & 0xff;
    const base = 2 ** (10 + (window >> 3));
    windowBytes = base + (base / 8) * (window & 0x07);
  }
  reader.raw([0, 1, 2, 4][descriptor & 0x03] as number); // dictionary id
  const contentSizeBytes = contentSizeCode === 0 ? (singleSegment ? 1 : 0) : 2 ** contentSizeCode;
  const contentSize = readLE(reader.raw(contentSizeBytes)) + (contentSizeCode === 1 ? 256 : 0);
  if (singleSegment) windowBytes = contentSize;
  if (windowBytes > maxBytes) throw new MalformedFrame(`zstd: window of ${windowBytes} bytes over ${maxBytes}`);
  for (let last = false; !last; ) {
    const header = readLE(reader.raw(3));
    last = (header & 1) === 1;
    const type = (header >> 1) & 0x03;
    if (type === RESERVED_BLOCK_TYPE) throw new MalformedFrame("zstd: reserved block type");
    reader.raw(type === RLE_BLOCK_TYPE ? 1 : header >>> 3);
  }
  if (descriptor & 0x04) reader.raw(CHECKSUM_BYTES);
}

function readLE(bytes: Buffer): number {
  let value = 0;
  for (let i = bytes.length - 1; i >= 0; i--) value = value * 256 + (bytes[i] as number);
  return value;
}
