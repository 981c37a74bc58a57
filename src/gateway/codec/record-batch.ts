// RecordBatch v2 (magic 2), the only record format the gateway speaks: Produce v3+ and
// Fetch v4+ require it. Layout and CRC coverage as in Kafka's DefaultRecordBatch.

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

/** A record of a fetch answer: its fields are views into the fetch frame, header names
 * and values as bytes. */
export interface FetchedRecord {
  offset: number;
  timestampMs: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: readonly (readonly [Uint8Array, Uint8Array])[];
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

/** One uncompressed batch holding fetched records, whose offsets must be increasing,
 * written into one buffer of its exact size (sizes first, then the bytes). */
export function writeBatch(records: readonly FetchedRecord[]): Buffer {
  const first = records[0];
  if (!first) return Buffer.alloc(0);
  const last = records[records.length - 1] as FetchedRecord;
  let maxTimestampMs = first.timestampMs;
  const bodies: number[] = [];
  let size = BATCH_HEAD_BYTES;
  for (const record of records) {
    maxTimestampMs = Math.max(maxTimestampMs, record.timestampMs);
    const body = recordBodyBytes(record, first);
    bodies.push(body);
    size += varintBytes(body) + body;
  }
  const out = new BatchOut(Buffer.allocUnsafe(size));
  const { buffer } = out;
  buffer.writeBigInt64BE(BigInt(first.offset), 0);
  buffer.writeInt32BE(size - LENGTH_FIELD_END, 8);
  buffer.writeInt32BE(-1, 12);
  buffer.writeInt8(MAGIC, 16);
  buffer.writeInt16BE(0, 21);
  buffer.writeInt32BE(last.offset - first.offset, 23);
  buffer.writeBigInt64BE(BigInt(first.timestampMs), 27);
  buffer.writeBigInt64BE(BigInt(maxTimestampMs), 35);
  buffer.writeBigInt64BE(-1n, 43);
  buffer.writeInt16BE(-1, 51);
  buffer.writeInt32BE(-1, 53);
  buffer.writeInt32BE(records.length, 57);
  out.at = BATCH_HEAD_BYTES;
  records.forEach((record, i) => {
    out.varint(bodies[i]!);
    out.buffer[out.at++] = 0;
    out.varint(record.timestampMs - first.timestampMs);
    out.varint(record.offset - first.offset);
    out.field(record.key);
    out.field(record.value);
    out.varint(record.headers.length);
    for (const [name, value] of record.headers) {
      out.field(name);
      out.field(value);
    }
  });
  if (out.at !== size) throw new Error(`writeBatch wrote ${out.at} bytes, expected ${size}`);
  buffer.writeUInt32BE(crc32c(buffer.subarray(CRC_COVERS_FROM)), CRC_AT);
  return buffer;
}

/** A record's bytes after its length: attributes, deltas, key, value, headers. */
function recordBodyBytes(record: FetchedRecord, first: FetchedRecord): number {
  let size = 1 + varintBytes(record.timestampMs - first.timestampMs) + varintBytes(record.offset - first.offset);
  size += fieldBytes(record.key) + fieldBytes(record.value) + varintBytes(record.headers.length);
  for (const [name, value] of record.headers) size += fieldBytes(name) + fieldBytes(value);
  return size;
}

function fieldBytes(bytes: Uint8Array | null): number {
  return bytes === null ? 1 : varintBytes(bytes.length) + bytes.length;
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

  field(bytes: Uint8Array | null): void {
    if (bytes === null) {
      this.varint(-1);
      return;
    }
    this.varint(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }
}
