// The binary answer of a fetch (Accept: application/vnd.edgelog.batch), for the partition
// fetch and POST /v1/fetch alike: per partition its offsets and its records in the stored
// record layout of record-codec.ts, copied from the stored batches byte for byte, never
// decoded or rendered. Record i of a kind 0 partition has offset fetchOffset + i; kind 2
// (a compacted log's gaps) lists each record's offset.
// docs/PROTOCOL.md, "Binary batches". Little-endian:
//   u8 version (1), u32 partitionCount, then per partition:
//   u16 topicLength, topic (UTF-8), u32 partition, u8 kind, then
//   kind 0 (records): f64 fetchOffset, f64 nextOffset, f64 highWatermark,
//     f64 logStartOffset, u32 recordCount, u32 recordsLength, the records;
//   kind 1 (error): u32 length, the error as the JSON of an error answer;
//   kind 2 (records with gaps): as kind 0, but recordCount is followed by
//     f64 offset × recordCount, increasing, each at least fetchOffset.

import { invariant } from "../common/invariant.js";
import { type ErrorData, errorBody } from "./errors.js";
import type { FetchedAnswer } from "./fetched-records.js";
import { FrameCursor, MalformedFrame } from "./frame-cursor.js";
import type { StoredRecord } from "./record-codec.js";

export const FETCH_FRAME_VERSION = 1;
const KIND_RECORDS = 0;
const KIND_ERROR = 1;
const KIND_SPARSE_RECORDS = 2;
const HEAD_BYTES = 1 + 4;
const PARTITION_HEAD_BYTES = 2 + 4 + 1;
const OFFSETS_BYTES = 4 * 8 + 4 + 4;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The router's answer frame of one or more partitions, in the order asked. */
export function fetchFrame(answers: readonly FetchedAnswer[]): Uint8Array<ArrayBuffer> {
  const topics = answers.map((a) => utf8.encode(a.topic));
  const errors = answers.map((a) => (a.ok ? null : errorJson(a.error)));
  let size = HEAD_BYTES;
  answers.forEach((a, i) => {
    size += PARTITION_HEAD_BYTES + topics[i]!.length;
    size += a.ok
      ? OFFSETS_BYTES + a.response.records.length + 8 * (a.response.recordOffsets?.length ?? 0)
      : 4 + errors[i]!.length;
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint8(0, FETCH_FRAME_VERSION);
  view.setUint32(1, answers.length, true);
  let at = HEAD_BYTES;
  answers.forEach((a, i) => {
    const topic = topics[i]!;
    view.setUint16(at, topic.length, true);
    out.set(topic, at + 2);
    at += 2 + topic.length;
    view.setUint32(at, a.partition, true);
    view.setUint8(at + 4, a.ok ? (a.response.recordOffsets ? KIND_SPARSE_RECORDS : KIND_RECORDS) : KIND_ERROR);
    at += 5;
    const body = a.ok ? a.response.records : errors[i]!;
    if (a.ok) {
      const r = a.response;
      view.setFloat64(at, r.fetchOffset, true);
      view.setFloat64(at + 8, r.nextOffset, true);
      view.setFloat64(at + 16, r.highWatermark, true);
      view.setFloat64(at + 24, r.logStartOffset, true);
      view.setUint32(at + 32, r.recordCount, true);
      at += 36;
      for (const offset of r.recordOffsets ?? []) {
        view.setFloat64(at, offset, true);
        at += 8;
      }
    }
    view.setUint32(at, body.length, true);
    out.set(body, at + 4);
    at += 4 + body.length;
  });
  invariant(at === size, `a fetch frame of ${size} bytes ends at ${at}`);
  return out;
}

function errorJson(error: ErrorData): Uint8Array {
  return utf8.encode(JSON.stringify(errorBody(error)));
}

/** A record of a fetch frame; its fields are views into the frame. */
export interface FrameRecord extends StoredRecord {
  offset: number;
}

/** A partition's records in a fetch frame, still in the stored layout. */
export interface FrameRecords {
  fetchOffset: number;
  recordCount: number;
  /** Each record's offset, when a compacted log left gaps; null when record i is at
   * fetchOffset + i. */
  offsets: readonly number[] | null;
  /** The records, back to back (record-codec.ts's per-record layout). */
  bytes: Uint8Array;
}

export type FramePartition = { topic: string; partition: number } & (
  | ({ ok: true; nextOffset: number; highWatermark: number; logStartOffset: number } & FrameRecords)
  | { ok: false; error: { code: string; message: string } }
);

/** A fetch frame as a client reads it, each partition's records left as they came
 * (frameRecords decodes them); throws MalformedFrame when it is not a fetch frame. */
export function readFetchFrame(frame: Uint8Array): FramePartition[] {
  const cursor = new FrameCursor(frame);
  const version = cursor.u8();
  if (version !== FETCH_FRAME_VERSION) throw new MalformedFrame(`a fetch frame of version ${version}`);
  const count = cursor.u32();
  if (count * PARTITION_HEAD_BYTES > cursor.remaining) throw new MalformedFrame(`${count} partitions do not fit`);
  const partitions: FramePartition[] = [];
  for (let i = 0; i < count; i++) partitions.push(readPartition(cursor));
  if (cursor.remaining > 0) throw new MalformedFrame(`${cursor.remaining} bytes after the partitions`);
  return partitions;
}

function readPartition(cursor: FrameCursor): FramePartition {
  const topic = utf8Decoder.decode(cursor.take(cursor.u16()));
  const partition = cursor.u32();
  const kind = cursor.u8();
  if (kind === KIND_ERROR) {
    const { error } = JSON.parse(utf8Decoder.decode(cursor.take(cursor.u32()))) as {
      error: { code: string; message: string };
    };
    return { topic, partition, ok: false, error };
  }
  if (kind !== KIND_RECORDS && kind !== KIND_SPARSE_RECORDS) throw new MalformedFrame(`a partition of kind ${kind}`);
  const fetchOffset = cursor.f64();
  const nextOffset = cursor.f64();
  const highWatermark = cursor.f64();
  const logStartOffset = cursor.f64();
  const recordCount = cursor.u32();
  const offsets = kind === KIND_SPARSE_RECORDS ? readOffsets(cursor, recordCount, fetchOffset, nextOffset) : null;
  const bytes = cursor.take(cursor.u32());
  return {
    topic,
    partition,
    ok: true,
    fetchOffset,
    recordCount,
    offsets,
    bytes,
    nextOffset,
    highWatermark,
    logStartOffset,
  };
}

/** Offsets strictly increasing in [fetchOffset, nextOffset). */
function readOffsets(cursor: FrameCursor, count: number, fetchOffset: number, nextOffset: number): number[] {
  if (count * 8 > cursor.remaining) throw new MalformedFrame(`${count} record offsets do not fit`);
  const offsets: number[] = [];
  let previous = fetchOffset - 1;
  for (let i = 0; i < count; i++) {
    const offset = cursor.f64();
    if (!Number.isSafeInteger(offset) || offset <= previous || offset >= nextOffset) {
      throw new MalformedFrame(`record offset ${offset} after ${previous}, below nextOffset ${nextOffset}`);
    }
    offsets.push(offset);
    previous = offset;
  }
  return offsets;
}

/** A partition's records as objects whose fields are views into the frame; throws
 * MalformedFrame when they do not add up. */
export function frameRecords({ fetchOffset, recordCount, offsets, bytes }: FrameRecords): FrameRecord[] {
  const cursor = new FrameCursor(bytes);
  const records: FrameRecord[] = [];
  for (let i = 0; i < recordCount; i++) records.push(readRecord(cursor, offsets ? offsets[i]! : fetchOffset + i));
  if (cursor.remaining > 0) throw new MalformedFrame(`${cursor.remaining} bytes after ${recordCount} records`);
  return records;
}

function readRecord(cursor: FrameCursor, offset: number): FrameRecord {
  const timestamp = cursor.f64();
  const key = nullableField(cursor);
  const value = nullableField(cursor);
  const headerCount = cursor.u16();
  const headers: [Uint8Array, Uint8Array][] = [];
  for (let h = 0; h < headerCount; h++) headers.push([cursor.take(cursor.i32()), cursor.take(cursor.i32())]);
  return { offset, timestamp, key, value, headers };
}

function nullableField(cursor: FrameCursor): Uint8Array | null {
  const length = cursor.i32();
  return length === -1 ? null : cursor.take(length);
}
