// Rendering a fetch answer from stored batches: committed records only, within the
// fetch's maxRecords and maxBytes.

import { StoredRecordWalker } from "../protocol/fetch-frame.js";
import {
  BATCH_FIXED_BYTES,
  decodeBatch,
  type Encoding,
  type ReadForm,
  RecordsJson,
  recordSizeBytes,
} from "../protocol/record-codec.js";
import { Utf8Writer } from "../protocol/utf8-writer.js";

export interface ReadResult {
  /** The records as a JSON array text in UTF-8, or (form `batch`) as stored. */
  records: Uint8Array;
  /** Where each record (its object, or its stored bytes) starts in `records`. */
  recordStarts: number[];
  recordCount: number;
  sizeBytes: number;
  nextOffset: number;
}

export interface ReadLimits {
  maxRecords: number;
  maxBytes: number;
  encoding: ReadForm;
}

/** Records of `batches` (the first holding `offset`) from `offset` up to `end`
 * (exclusive), at most maxRecords, and at most maxBytes unless the first record alone
 * is larger (Kafka KIP-74). */
export function renderRecords(
  batches: Iterable<{ baseOffset: number; payload: Uint8Array }>,
  offset: number,
  end: number,
  { maxRecords, maxBytes, encoding }: ReadLimits,
): ReadResult {
  if (encoding === "batch") return copyRecords(batches, offset, end, maxRecords, maxBytes);
  return renderJson(batches, offset, end, maxRecords, maxBytes, encoding);
}

function renderJson(
  batches: Iterable<{ baseOffset: number; payload: Uint8Array }>,
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
    const { format, records } = decodeBatch(batch.payload);
    if (rendered.count === 0)
      rendered.expect(answerBytes(batch.payload.length / records.length, end - offset, maxRecords, maxBytes));
    const first = Math.max(0, offset - batch.baseOffset);
    for (let i = first; i < records.length; i++) {
      const at = batch.baseOffset + i;
      const size = recordSizeBytes(records[i]!);
      const full = rendered.count >= maxRecords || (rendered.count > 0 && sizeBytes + size > maxBytes);
      if (at >= end || full) return readResult(rendered, sizeBytes, nextOffset);
      rendered.add(records[i]!, at, format, encoding);
      sizeBytes += size;
      nextOffset = at + 1;
    }
  }
  return readResult(rendered, sizeBytes, nextOffset);
}

function readResult(rendered: RecordsJson, sizeBytes: number, nextOffset: number): ReadResult {
  const { count: recordCount, recordStarts } = rendered;
  return { records: rendered.finish(), recordStarts, recordCount, sizeBytes, nextOffset };
}

/** The same records as renderJson would choose, their stored bytes copied as they are:
 * each batch's run of records in one copy. */
function copyRecords(
  batches: Iterable<{ baseOffset: number; payload: Uint8Array }>,
  offset: number,
  end: number,
  maxRecords: number,
  maxBytes: number,
): ReadResult {
  const out = new Utf8Writer();
  const recordStarts: number[] = [];
  let sizeBytes = 0;
  let nextOffset = offset;
  for (const { baseOffset, payload } of batches) {
    if (recordStarts.length === 0) out.expect(copiedBytes(payload, end - offset, maxRecords, maxBytes));
    const walker = new StoredRecordWalker(payload);
    let at = BATCH_FIXED_BYTES;
    let runStart = -1;
    let full = false;
    for (let i = 0; at < payload.length; i++) {
      walker.walk(at);
      const recordOffset = baseOffset + i;
      if (recordOffset >= offset) {
        full =
          recordOffset >= end ||
          recordStarts.length >= maxRecords ||
          (recordStarts.length > 0 && sizeBytes + walker.sizeBytes > maxBytes);
        if (full) break;
        if (runStart < 0) runStart = at;
        recordStarts.push(out.length + at - runStart);
        sizeBytes += walker.sizeBytes;
        nextOffset = recordOffset + 1;
      }
      at = walker.end;
    }
    if (runStart >= 0) out.bytes(payload.subarray(runStart, at));
    if (full) break;
  }
  return { records: out.written(), recordStarts, recordCount: recordStarts.length, sizeBytes, nextOffset };
}

/** About how large a copy of stored records gets, from the first batch's bytes per
 * record (maxBytes counts keys, values and headers, not their framing). */
function copiedBytes(payload: Uint8Array, available: number, maxRecords: number, maxBytes: number): number {
  const stored = new DataView(payload.buffer, payload.byteOffset).getUint32(2, true);
  const records = Math.min(available, maxRecords);
  return Math.min(records * Math.ceil(payload.length / stored), maxBytes + records * STORED_RECORD_FRAMING_BYTES);
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
