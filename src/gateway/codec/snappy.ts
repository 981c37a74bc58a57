// Kafka's snappy: the xerial framing Java, librdkafka and kafkajs producers write (a
// magic header, then length-prefixed raw snappy blocks), or one raw snappy block, as
// brokers also accept. Each block announces its inflated length before it is inflated,
// so a block over what is left of the bound is refused before any allocation.

import { uncompress } from "snappyjs";
import { MalformedFrame, Reader } from "./reader.js";

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, then the framing's version and compatible version (int32 each). */
const XERIAL_HEADER_BYTES = XERIAL_MAGIC.length + 8;

/** Throws (MalformedFrame or snappyjs' Error) on bad bytes or past maxBytes. */
export function unsnappy(bytes: Buffer, maxBytes: number): Buffer {
  const framed = bytes.length >= XERIAL_HEADER_BYTES && bytes.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
  if (!framed) return Buffer.from(uncompress(bytes, maxBytes));
  const reader = new Reader(bytes);
  reader.raw(XERIAL_HEADER_BYTES);
  const blocks: Uint8Array[] = [];
  let inflatedBytes = 0;
  while (reader.remaining > 0) {
    const block = uncompress(reader.raw(reader.int32()), maxBytes - inflatedBytes);
    inflatedBytes += block.length;
    blocks.push(block);
  }
  if (inflatedBytes > maxBytes) throw new MalformedFrame(`snappy: over ${maxBytes} bytes inflated`);
  return Buffer.concat(blocks, inflatedBytes);
}
