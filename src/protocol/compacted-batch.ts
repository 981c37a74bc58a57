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
  encodedRecordBytes,
  type RecordFormat,
  type StoredRecord,
} from "./record-codec.js";

const OFFSET_DELTA_BYTES = 4;

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
