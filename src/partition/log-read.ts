// Rendering a fetch answer from stored batches: committed records only, within the
// fetch's maxRecords and maxBytes.

import { decodeBatch, type Encoding, RecordsJson, recordSizeBytes } from "../protocol/record-codec.js";

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

/** Records of `batches` (the first holding `offset`) from `offset` up to `end`
 * (exclusive), at most maxRecords, and at most maxBytes unless the first record alone
 * is larger (Kafka KIP-74). */
export function renderRecords(
  batches: Iterable<{ baseOffset: number; payload: Uint8Array }>,
  offset: number,
  end: number,
  { maxRecords, maxBytes, encoding }: ReadLimits,
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
