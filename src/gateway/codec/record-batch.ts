// RecordBatch v2 (magic 2), the only record format the gateway speaks: Produce v3+ and
// Fetch v4+ require it. Layout and CRC coverage as in Kafka's DefaultRecordBatch.

import { crc32c } from "./crc32c.js";
import { MalformedFrame, Reader } from "./reader.js";
import { Writer } from "./writer.js";

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

export interface FetchedRecord extends KafkaRecord {
  offset: number;
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

/** One uncompressed batch holding fetched records, whose offsets must be increasing.
 * `span` (a compacted log's gaps): the offsets the batch covers, so a client moves past
 * records compaction removed, as Kafka's cleaned batches keep their lastOffsetDelta; a
 * span without records is an empty batch. */
export function writeBatch(
  records: readonly FetchedRecord[],
  span?: { baseOffset: number; nextOffset: number },
): Buffer {
  const first = records[0];
  if (!first && !(span && span.nextOffset > span.baseOffset)) return Buffer.alloc(0);
  const baseOffset = first?.offset ?? span!.baseOffset;
  const lastOffset = Math.max(records.at(-1)?.offset ?? baseOffset, (span?.nextOffset ?? 0) - 1);
  const firstTimestampMs = first?.timestampMs ?? -1;
  let maxTimestampMs = firstTimestampMs;
  for (const record of records) maxTimestampMs = Math.max(maxTimestampMs, record.timestampMs);
  const body = new Writer()
    .int16(0)
    .int32(lastOffset - baseOffset)
    .int64(firstTimestampMs)
    .int64(maxTimestampMs)
    .int64(-1n)
    .int16(-1)
    .int32(-1)
    .int32(records.length);
  for (const record of records) writeRecord(body, record, baseOffset, firstTimestampMs);
  const bodyBytes = body.bytesView();
  return new Writer()
    .int64(baseOffset)
    .int32(CRC_COVERS_FROM - LENGTH_FIELD_END + bodyBytes.length)
    .int32(-1)
    .int8(MAGIC)
    .uint32(crc32c(bodyBytes))
    .raw(bodyBytes)
    .bytesView();
}

function writeRecord(batch: Writer, record: FetchedRecord, baseOffset: number, baseTimestampMs: number): void {
  const inner = new Writer()
    .int8(0)
    .varlong(record.timestampMs - baseTimestampMs)
    .varint(record.offset - baseOffset);
  writeVarBytes(inner, record.key);
  writeVarBytes(inner, record.value);
  inner.varint(record.headers.length);
  for (const header of record.headers) {
    writeVarBytes(inner, Buffer.from(header.key, "utf8"));
    writeVarBytes(inner, header.value);
  }
  const bytes = inner.bytesView();
  batch.varint(bytes.length).raw(bytes);
}

function writeVarBytes(writer: Writer, bytes: Buffer | null): void {
  if (bytes === null) writer.varint(-1);
  else writer.varint(bytes.length).raw(bytes);
}
