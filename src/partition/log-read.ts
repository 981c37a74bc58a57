// Rendering a fetch answer from stored batches: committed records only, within the
// fetch's maxRecords and maxBytes.

import { decodeBatch, type Encoding, RecordsJson, recordOffset, recordSizeBytes } from "../protocol/record-codec.js";

export interface ReadResult {
  /** The records as a JSON array text in UTF-8. */
  records: Uint8Array;
  /** Where each record's object starts in `records`. */
  recordStarts: number[];
  recordCount: number;
  sizeBytes: number;
  nextOffset: number;
}

export interface ReadLimits {
  maxRecords: number;
  maxBytes: number;
  encoding: Encoding;
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
  const rendered = new RecordsJson();
  let sizeBytes = 0;
  let nextOffset = offset;
  for (const batch of batches) {
    const decoded = decodeBatch(batch.payload);
    const { format, records } = decoded;
    if (rendered.count === 0 && records.length > 0)
      rendered.expect(answerBytes(batch.payload.length / records.length, end - offset, maxRecords, maxBytes));
    // Version 1 rows are dense: skip straight to `offset`; version 2 rows are scanned.
    const first = decoded.offsetDeltas ? 0 : Math.max(0, offset - batch.baseOffset);
    for (let i = first; i < records.length; i++) {
      const at = recordOffset(decoded, batch.baseOffset, i);
      if (at < offset) continue;
      const size = recordSizeBytes(records[i]!);
      const full = rendered.count >= maxRecords || (rendered.count > 0 && sizeBytes + size > maxBytes);
      if (at >= end || full) return readResult(rendered, sizeBytes, nextOffset);
      rendered.add(records[i]!, at, format, encoding);
      sizeBytes += size;
      nextOffset = at + 1;
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
