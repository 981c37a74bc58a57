// Rendering a fetch answer from stored batches: committed records only, within the
// fetch's maxRecords and maxBytes.

import type { Encoding, ReadForm } from "../protocol/record-codec.js";
import { RecordsJson } from "../protocol/records-json.js";
import { StoredRowRecords } from "../protocol/stored-row.js";
import { Utf8Writer } from "../protocol/utf8-writer.js";

export interface ReadResult {
  /** The records as a JSON array text in UTF-8, or (form `batch`) as stored. */
  records: Uint8Array;
  /** Where each record (its object, or its stored bytes) starts in `records`. */
  recordStarts: number[];
  recordCount: number;
  sizeBytes: number;
  nextOffset: number;
  /** Form `batch` only, when a compacted row left gaps: each record's offset. Absent
   * when record i is at the fetch offset + i. */
  recordOffsets?: number[];
}

export interface ReadLimits {
  maxRecords: number;
  maxBytes: number;
  encoding: ReadForm;
}

/** A stored row as reads see it: the offsets it spans and its payload. */
export interface StoredRow {
  baseOffset: number;
  lastOffset: number;
  payload: Uint8Array;
}

/** Records of `batches` (the first holding `offset`) from `offset` up to `end`
 * (exclusive), at most maxRecords, and at most maxBytes unless the first record alone
 * is larger (Kafka KIP-74). A compacted row may hold fewer records than offsets: the
 * nextOffset passes the gaps of every row read whole, so a reader never asks again. */
export function renderRecords(
  batches: Iterable<StoredRow>,
  offset: number,
  end: number,
  { maxRecords, maxBytes, encoding }: ReadLimits,
): ReadResult {
  if (encoding === "batch") return copyRecords(batches, offset, end, maxRecords, maxBytes);
  return renderJson(batches, offset, end, maxRecords, maxBytes, encoding);
}

function renderJson(
  batches: Iterable<StoredRow>,
  offset: number,
  end: number,
  maxRecords: number,
  maxBytes: number,
  encoding: Encoding,
): ReadResult {
  const rendered = new RecordsJson();
  let sizeBytes = 0;
  let nextOffset = offset;
  for (const batch of batches) {
    const row = new StoredRowRecords(batch.payload, batch.baseOffset);
    if (rendered.count === 0) rendered.expect(answerBytes(row.bytesPerRecord, end - offset, maxRecords, maxBytes));
    while (row.next()) {
      if (row.offset < offset) continue;
      const full = rendered.count >= maxRecords || (rendered.count > 0 && sizeBytes + row.sizeBytes > maxBytes);
      if (row.offset >= end || full) return readResult(rendered, sizeBytes, nextOffset);
      rendered.add(row, encoding);
      sizeBytes += row.sizeBytes;
      nextOffset = row.offset + 1;
    }
    if (batch.lastOffset >= end) break;
    nextOffset = Math.max(nextOffset, batch.lastOffset + 1);
  }
  return readResult(rendered, sizeBytes, nextOffset);
}

function readResult(rendered: RecordsJson, sizeBytes: number, nextOffset: number): ReadResult {
  const { count: recordCount, recordStarts } = rendered;
  return { records: rendered.finish(), recordStarts, recordCount, sizeBytes, nextOffset };
}

/** The same records as renderJson would choose, their stored bytes copied as they are:
 * each version 1 row's run of records in one copy; a version 2 row's records one by one,
 * without the offset each is stored with (recordOffsets carries it). */
function copyRecords(
  batches: Iterable<StoredRow>,
  offset: number,
  end: number,
  maxRecords: number,
  maxBytes: number,
): ReadResult {
  const out = new Utf8Writer();
  const recordStarts: number[] = [];
  const offsets: number[] = [];
  let sizeBytes = 0;
  let nextOffset = offset;
  let full = false;
  for (const batch of batches) {
    const row = new StoredRowRecords(batch.payload, batch.baseOffset);
    if (recordStarts.length === 0) out.expect(copiedBytes(row, end - offset, maxRecords, maxBytes));
    let runStart = -1;
    let runEnd = -1;
    while (row.next()) {
      if (row.offset < offset) continue;
      full =
        row.offset >= end ||
        recordStarts.length >= maxRecords ||
        (recordStarts.length > 0 && sizeBytes + row.sizeBytes > maxBytes);
      if (full) break;
      if (row.compacted) {
        recordStarts.push(out.length);
        out.range(batch.payload, row.start, row.end);
      } else {
        if (runStart < 0) runStart = row.start;
        recordStarts.push(out.length + row.start - runStart);
        runEnd = row.end;
      }
      offsets.push(row.offset);
      sizeBytes += row.sizeBytes;
      nextOffset = row.offset + 1;
    }
    if (runStart >= 0) out.range(batch.payload, runStart, runEnd);
    if (full || batch.lastOffset >= end) break;
    // A compacted row read whole: its gaps are passed too.
    nextOffset = Math.max(nextOffset, batch.lastOffset + 1);
  }
  const read: ReadResult = {
    records: out.written(),
    recordStarts,
    recordCount: recordStarts.length,
    sizeBytes,
    nextOffset,
  };
  if (offsets.some((at, i) => at !== offset + i)) read.recordOffsets = offsets;
  return read;
}

/** About how large a copy of stored records gets, from the first row's bytes per
 * record (maxBytes counts keys, values and headers, not their framing). */
function copiedBytes(row: StoredRowRecords, available: number, maxRecords: number, maxBytes: number): number {
  const records = Math.min(available, maxRecords);
  return Math.min(records * Math.ceil(row.bytesPerRecord), maxBytes + records * STORED_RECORD_FRAMING_BYTES);
}

/** A stored record's timestamp, key and value lengths and header count. */
const STORED_RECORD_FRAMING_BYTES = 18;

/** Rendering adds this much JSON around each record's key and value, or less. */
const RENDERED_RECORD_OVERHEAD_BYTES = 96;

/** About how large a fetch answer gets, from the first batch's bytes per record. */
function answerBytes(storedBytesPerRecord: number, available: number, maxRecords: number, maxBytes: number): number {
  const records = Math.min(available, maxRecords);
  return Math.min(records * storedBytesPerRecord, maxBytes) + records * RENDERED_RECORD_OVERHEAD_BYTES;
}

/** `items`, each mapped by `f`, lazily. */
export function* mapIterable<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}
