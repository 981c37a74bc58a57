// Version 2 of the stored batch layout, which compaction writes: a row keeps the base
// and last offset of the range it was appended with, but holds only the records that
// survived, each with its offset. Layout, little-endian: u8 version (2), u8 format,
// u32 recordCount, f64 deleteHorizonMs (-1: unset), then per record: u32 offsetDelta
// (offset - baseOffset, strictly increasing), then the record as in version 1
// (record-codec.ts).

import { invariant } from "../common/invariant.js";
import {
  BatchCursor,
  batchFormat,
  COMPACTED_FIXED_BYTES,
  COMPACTED_VERSION,
  decodeBatch,
  encodedRecordBytes,
  type RecordFormat,
  recordOffset,
  type StoredRecord,
} from "./record-codec.js";
import { OFFSET_DELTA_BYTES } from "./stored-row.js";

export interface OffsetRecord {
  offsetDelta: number;
  record: StoredRecord;
}

export function encodeCompactedBatch(
  format: RecordFormat,
  records: readonly OffsetRecord[],
  deleteHorizonMs: number,
): Uint8Array {
  let size = COMPACTED_FIXED_BYTES;
  for (const { record } of records) size += OFFSET_DELTA_BYTES + encodedRecordBytes(record);
  const out = new BatchCursor(new Uint8Array(size));
  out.view.setUint8(0, COMPACTED_VERSION);
  out.view.setUint8(1, batchFormat(format));
  out.view.setUint32(2, records.length, true);
  out.view.setFloat64(6, deleteHorizonMs, true);
  out.at = COMPACTED_FIXED_BYTES;
  let previous = -1;
  for (const { offsetDelta, record } of records) {
    invariant(offsetDelta > previous, `offset deltas increase: ${offsetDelta} after ${previous}`);
    previous = offsetDelta;
    out.view.setUint32(out.at, offsetDelta, true);
    out.view.setFloat64(out.at + OFFSET_DELTA_BYTES, record.timestamp, true);
    out.at += OFFSET_DELTA_BYTES + 8;
    out.writeRecordFields(record);
  }
  invariant(out.at === size, `encodeCompactedBatch wrote ${out.at} bytes, expected ${size}`);
  return out.bytes;
}

/** A stored row as the row rewrites below take it. */
export interface OffsetRow {
  baseOffset: number;
  payload: Uint8Array;
}

/** The records of `rows` (adjacent, in offset order, all of one format and holding no
 * tombstone horizon) as one version 2 row at the first's base offset: what compaction
 * writes when it merges rows that cleaning left small. */
export function mergeCompactedRows(rows: readonly OffsetRow[]): Uint8Array {
  const first = rows[0];
  invariant(first !== undefined, "a merge of no rows");
  const merged: OffsetRecord[] = [];
  let format: RecordFormat | null = null;
  for (const row of rows) {
    const decoded = decodeBatch(row.payload);
    invariant(format === null || decoded.format === format, "merged rows share a format");
    invariant(decoded.deleteHorizonMs < 0, "a merged row holds no tombstone horizon");
    format = decoded.format;
    decoded.records.forEach((record, i) => {
      merged.push({ offsetDelta: recordOffset(decoded, row.baseOffset, i) - first.baseOffset, record });
    });
  }
  return encodeCompactedBatch(format!, merged, -1);
}

/** The part of a stored row from `offset` on, as a version 2 row based at `offset`
 * (its tombstone horizon kept): what a leader sends a follower whose log ends inside
 * one of its merged rows. */
export function sliceCompactedRow(row: OffsetRow, offset: number): Uint8Array {
  const decoded = decodeBatch(row.payload);
  const kept: OffsetRecord[] = [];
  decoded.records.forEach((record, i) => {
    const at = recordOffset(decoded, row.baseOffset, i);
    if (at >= offset) kept.push({ offsetDelta: at - offset, record });
  });
  return encodeCompactedBatch(decoded.format, kept, decoded.deleteHorizonMs);
}
