// Kafka's lz4: the LZ4 frame format (magic v2 batches; no legacy header checksum bug).
// The frame is walked here, and each block, once its inflated size is read from its
// sequences and found within the frame's declared block size, is inflated by lz4js;
// the whole stops at maxBytes. Checksums are not verified: the batch's CRC-32C
// already covers these bytes.

import { decompressBlock } from "lz4js";
import { MalformedFrame, Reader } from "./reader.js";

const MAGIC = 0x184d2204;
const VERSION = 0x40;
const VERSION_MASK = 0xc0;
const BLOCK_CHECKSUM_FLAG = 0x10;
const CONTENT_SIZE_FLAG = 0x08;
const CONTENT_CHECKSUM_FLAG = 0x04;
const DICTIONARY_FLAG = 0x01;
const UNCOMPRESSED_BLOCK = 0x80000000;
const MIN_MATCH_BYTES = 4;
/** The BD byte's block maximum size codes 4 to 7: 64 KiB, 256 KiB, 1 MiB, 4 MiB. */
const BLOCK_BYTES: Readonly<Record<number, number>> = { 4: 1 << 16, 5: 1 << 18, 6: 1 << 20, 7: 1 << 22 };

/** Throws MalformedFrame on bad bytes or past maxBytes. */
export function unlz4(bytes: Buffer, maxBytes: number): Buffer {
  const reader = new Reader(bytes);
  if (reader.uint32LE() !== MAGIC) throw new MalformedFrame("lz4: not an LZ4 frame");
  const flags = reader.int8() & 0xff;
  const blockBytes = BLOCK_BYTES[(reader.int8() >> 4) & 0x07];
  if ((flags & VERSION_MASK) !== VERSION || flags & DICTIONARY_FLAG || blockBytes === undefined) {
    throw new MalformedFrame("lz4: unsupported frame descriptor");
  }
  if (flags & CONTENT_SIZE_FLAG) reader.raw(8); // content size: the bound is ours, not the producer's
  reader.int8(); // header checksum
  const blocks: Buffer[] = [];
  let inflatedBytes = 0;
  for (;;) {
    const size = reader.uint32LE();
    if (size === 0) break;
    const stored = (size & UNCOMPRESSED_BLOCK) !== 0;
    const length = size & ~UNCOMPRESSED_BLOCK;
    if (length > blockBytes) throw new MalformedFrame(`lz4: block of ${length} bytes over ${blockBytes}`);
    const block = reader.raw(length);
    const inflated = stored ? block : inflate(block, blockBytes);
    if (flags & BLOCK_CHECKSUM_FLAG) reader.raw(4);
    inflatedBytes += inflated.length;
    if (inflatedBytes > maxBytes) throw new MalformedFrame(`lz4: over ${maxBytes} bytes inflated`);
    blocks.push(inflated);
  }
  if (flags & CONTENT_CHECKSUM_FLAG) reader.raw(4);
  if (reader.remaining !== 0) throw new MalformedFrame(`lz4: ${reader.remaining} bytes after the frame`);
  return Buffer.concat(blocks, inflatedBytes);
}

/** The block's inflated size is read from its sequences first (work in proportion to
 * its compressed size), so a block over the bound is refused before lz4js copies a byte. */
function inflate(block: Buffer, blockBytes: number): Buffer {
  const length = inflatedBytesOf(block);
  if (length > blockBytes) throw new MalformedFrame(`lz4: block inflates past ${blockBytes} bytes`);
  const out = Buffer.alloc(length);
  if (decompressBlock(block, out, 0, block.length, 0) !== length) throw new MalformedFrame("lz4: inconsistent block");
  return out;
}

/** LZ4 block format: sequences of a token, literals, a 2-byte offset and a match of at
 * least 4 bytes, lengths of 15 extended by bytes while they are 255; the last sequence
 * has literals only. readUInt8 throws past the end: a truncated block is corrupt. */
function inflatedBytesOf(block: Buffer): number {
  let at = 0;
  let total = 0;
  while (at < block.length) {
    const token = block.readUInt8(at++);
    let literals = token >> 4;
    for (let more = literals === 15; more; ) {
      const extra = block.readUInt8(at++);
      literals += extra;
      more = extra === 255;
    }
    at += literals;
    total += literals;
    if (at >= block.length) break;
    at += 2;
    let match = (token & 0x0f) + MIN_MATCH_BYTES;
    for (let more = (token & 0x0f) === 15; more; ) {
      const extra = block.readUInt8(at++);
      match += extra;
      more = extra === 255;
    }
    total += match;
  }
  return total;
}
