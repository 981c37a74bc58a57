// RecordBatch v2 (magic 2), the only record format the gateway speaks: Produce v3+ and
// Fetch v4+ require it. Layout and CRC coverage as in Kafka's DefaultRecordBatch.

import { invariant } from "../../common/invariant.js";
import type { FrameRecords } from "../../protocol/fetch-frame.js";
import { crc32c } from "./crc32c.js";
import { MalformedFrame, Reader } from "./reader.js";

export interface KafkaHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  timestampMs: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeader[];
}

export interface ProducedBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  attributes: number;
  /** The records section, still compressed when attributes say so. */
  recordsBytes: Buffer;
  recordCount: number;
  baseTimestampMs: bigint;
}

/** batchLength counts the bytes after its own field, which ends at byte 12. */
const LENGTH_FIELD_END = 12;
/** The CRC covers the batch from its attributes (byte 21) to the end. */
const CRC_COVERS_FROM = 21;
const MAGIC = 2;
export const COMPRESSION_MASK = 0x07;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export type BatchProblem = "CORRUPT_MESSAGE" | "UNSUPPORTED_FOR_MESSAGE_FORMAT" | "INVALID_RECORD";
export type BatchesResult = { ok: true; batches: ProducedBatch[] } | { ok: false; code: BatchProblem; message: string };

/** Splits a Produce partition's records into batches, checking each CRC-32C. */
export function readBatches(bytes: Buffer, maxBatches: number): BatchesResult {
  const batches: ProducedBatch[] = [];
  const reader = new Reader(bytes);
  try {
    while (reader.remaining > 0) {
      if (batches.length >= maxBatches) {
        return { ok: false, code: "INVALID_RECORD", message: `more than ${maxBatches} batches` };
      }
      const start = reader.offset;
      reader.int64();
      const batchLength = reader.int32();
      const batch = reader.raw(batchLength);
      const parsed = readBatch(batch, start);
      if (!parsed.ok) return parsed;
      batches.push(parsed.batch);
    }
  } catch (error) {
    if (error instanceof MalformedFrame) return { ok: false, code: "CORRUPT_MESSAGE", message: error.message };
    throw error;
  }
  return { ok: true, batches };
}

type BatchResult = { ok: true; batch: ProducedBatch } | { ok: false; code: BatchProblem; message: string };

function readBatch(batch: Buffer, start: number): BatchResult {
  const reader = new Reader(batch);
  reader.int32(); // partitionLeaderEpoch: the producer's, not ours
  const magic = reader.int8();
  if (magic !== MAGIC) {
    return { ok: false, code: "UNSUPPORTED_FOR_MESSAGE_FORMAT", message: `magic ${magic} at ${start}` };
  }
  const crc = reader.uint32();
  const actual = crc32c(batch.subarray(CRC_COVERS_FROM - LENGTH_FIELD_END));
  if (crc !== actual) return { ok: false, code: "CORRUPT_MESSAGE", message: `batch at ${start}: CRC-32C mismatch` };
  const attributes = reader.int16();
  if (attributes & (TRANSACTIONAL_FLAG | CONTROL_FLAG)) {
    return { ok: false, code: "INVALID_RECORD", message: "transactional and control batches are not supported" };
  }
  reader.int32(); // lastOffsetDelta: offsets are the log's to assign
  const baseTimestampMs = reader.int64();
  reader.int64(); // maxTimestamp
  const producerId = reader.int64();
  const producerEpoch = reader.int16();
  const baseSequence = reader.int32();
  const recordCount = reader.int32();
  if (recordCount <= 0) return { ok: false, code: "INVALID_RECORD", message: `batch of ${recordCount} records` };
  const recordsBytes = reader.raw(reader.remaining);
  return {
    ok: true,
    batch: { producerId, producerEpoch, baseSequence, attributes, recordsBytes, recordCount, baseTimestampMs },
  };
}

/** Decodes a batch's (decompressed) records section; throws MalformedFrame on bad bytes. */
export function readRecords(bytes: Buffer, recordCount: number, baseTimestampMs: bigint): KafkaRecord[] {
  const reader = new Reader(bytes);
  const records: KafkaRecord[] = [];
  for (let i = 0; i < recordCount; i++) {
    const length = reader.varint();
    const record = new Reader(reader.raw(length));
    record.int8(); // attributes: unused in v2
    const timestampMs = Number(baseTimestampMs + record.varlong());
    record.varint(); // offsetDelta: the log assigns offsets densely anyway
    const key = varBytes(record);
    const value = varBytes(record);
    const headerCount = record.varint();
    if (headerCount < 0 || headerCount > record.remaining) throw new MalformedFrame(`${headerCount} headers`);
    const headers: KafkaHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const headerKey = varBytes(record);
      if (headerKey === null) throw new MalformedFrame("null header key");
      headers.push({ key: headerKey.toString("utf8"), value: varBytes(record) });
    }
    records.push({ timestampMs, key, value, headers });
  }
  if (reader.remaining !== 0) throw new MalformedFrame(`${reader.remaining} bytes after ${recordCount} records`);
  return records;
}

function varBytes(reader: Reader): Buffer | null {
  const length = reader.varint();
  return length < 0 ? null : reader.raw(length);
}

/** The fixed fields of a batch, from baseOffset to recordCount. */
const BATCH_HEAD_BYTES = 61;
const CRC_AT = 17;
/** A stored record's timestamp, then its key's length. */
const STORED_TIMESTAMP_BYTES = 8;

/** One uncompressed batch of a fetch frame's records (stored layout), written straight
 * from their bytes into one buffer of its exact size: a pass for the sizes, a pass for
 * the bytes, no object per record. The batch spans up to `nextOffset`, so a client moves
 * past the records compaction removed, as Kafka's cleaned batches keep their
 * lastOffsetDelta; a span without records is an empty batch. Throws MalformedFrame when
 * the records do not add up. */
export function writeBatch(records: FrameRecords, nextOffset: number): Buffer {
  const { fetchOffset, recordCount, offsets, bytes } = records;
  if (recordCount === 0 && nextOffset <= fetchOffset) return Buffer.alloc(0);
  const offsetOf = (i: number) => (offsets ? offsets[i]! : fetchOffset + i);
  const baseOffset = recordCount > 0 ? offsetOf(0) : fetchOffset;
  const lastOffset = Math.max(recordCount > 0 ? offsetOf(recordCount - 1) : baseOffset, nextOffset - 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const firstTimestampMs = recordCount > 0 ? view.getFloat64(0, true) : -1;
  const layout = measure(view, recordCount, firstTimestampMs, (i) => offsetOf(i) - baseOffset);
  const out = new BatchOut(Buffer.allocUnsafe(layout.size));
  const { buffer } = out;
  buffer.writeBigInt64BE(BigInt(baseOffset), 0);
  buffer.writeInt32BE(layout.size - LENGTH_FIELD_END, 8);
  buffer.writeInt32BE(-1, 12);
  buffer.writeInt8(MAGIC, 16);
  buffer.writeInt16BE(0, 21);
  buffer.writeInt32BE(lastOffset - baseOffset, 23);
  buffer.writeBigInt64BE(BigInt(firstTimestampMs), 27);
  buffer.writeBigInt64BE(BigInt(layout.maxTimestampMs), 35);
  buffer.writeBigInt64BE(-1n, 43);
  buffer.writeInt16BE(-1, 51);
  buffer.writeInt32BE(-1, 53);
  buffer.writeInt32BE(recordCount, 57);
  out.at = BATCH_HEAD_BYTES;
  let at = 0;
  for (let i = 0; i < recordCount; i++) {
    out.varint(layout.bodies[i]!);
    buffer[out.at++] = 0;
    out.varint(view.getFloat64(at, true) - firstTimestampMs);
    out.varint(offsetOf(i) - baseOffset);
    at = out.field(bytes, view, at + STORED_TIMESTAMP_BYTES);
    at = out.field(bytes, view, at);
    const headerCount = view.getUint16(at, true);
    at += 2;
    out.varint(headerCount);
    for (let h = 0; h < headerCount * 2; h++) at = out.field(bytes, view, at);
  }
  invariant(out.at === layout.size, `writeBatch wrote ${out.at} bytes, expected ${layout.size}`);
  buffer.writeUInt32BE(crc32c(buffer.subarray(CRC_COVERS_FROM)), CRC_AT);
  return buffer;
}

interface Layout {
  /** Each record's bytes after its length: attributes, deltas, key, value, headers. */
  bodies: number[];
  size: number;
  maxTimestampMs: number;
}

function measure(
  view: DataView,
  recordCount: number,
  firstTimestampMs: number,
  offsetDelta: (i: number) => number,
): Layout {
  const bodies: number[] = [];
  let size = BATCH_HEAD_BYTES;
  let maxTimestampMs = firstTimestampMs;
  let at = 0;
  for (let i = 0; i < recordCount; i++) {
    const timestampMs = view.getFloat64(at, true);
    maxTimestampMs = Math.max(maxTimestampMs, timestampMs);
    at += STORED_TIMESTAMP_BYTES;
    let body = 1 + varintBytes(timestampMs - firstTimestampMs) + varintBytes(offsetDelta(i));
    for (let f = 0; f < 2; f++) {
      const length = view.getInt32(at, true);
      at += 4 + Math.max(length, 0);
      body += fieldBytes(length);
    }
    const headerCount = view.getUint16(at, true);
    at += 2;
    body += varintBytes(headerCount);
    for (let h = 0; h < headerCount * 2; h++) {
      const length = view.getInt32(at, true);
      at += 4 + Math.max(length, 0);
      body += fieldBytes(length);
    }
    bodies.push(body);
    size += varintBytes(body) + body;
  }
  if (at !== view.byteLength) throw new MalformedFrame(`${recordCount} records end at ${at}, not ${view.byteLength}`);
  return { bodies, size, maxTimestampMs };
}

/** A field's varint length (-1 for null) and bytes. */
function fieldBytes(length: number): number {
  return length < 0 ? 1 : varintBytes(length) + length;
}

/** Zigzag, as Kafka's varint and varlong: in doubles, exact for any timestamp delta. */
function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varintBytes(value: number): number {
  let rest = zigzag(value);
  let bytes = 1;
  while (rest >= 0x80) {
    rest = Math.floor(rest / 0x80);
    bytes++;
  }
  return bytes;
}

/** A position in a batch being written. */
class BatchOut {
  at = 0;
  constructor(readonly buffer: Buffer) {}

  varint(value: number): void {
    let rest = zigzag(value);
    while (rest >= 0x80) {
      this.buffer[this.at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.at++] = rest;
  }

  /** Copies the stored field at `at` (i32 length, -1 for null, then its bytes); where
   * the next field starts. */
  field(bytes: Uint8Array, view: DataView, at: number): number {
    const length = view.getInt32(at, true);
    this.varint(length);
    if (length <= 0) return at + 4;
    this.buffer.set(bytes.subarray(at + 4, at + 4 + length), this.at);
    this.at += length;
    return at + 4 + length;
  }
}
