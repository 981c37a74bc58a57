// The stored form of a batch (one SQLite row); records-json.ts renders it as the HTTP
// API's JSON.
// Layout, little-endian: u8 version, u8 format, u32 recordCount, then per record:
// f64 timestamp, i32 keyLength (-1 = null), key, i32 valueLength (-1 = null), value,
// u16 headerCount, then per header i32 nameLength, name, i32 valueLength, value.
// Offsets are not stored per record: record i of a row has offset baseOffset + i.
// Compaction rewrites a row in version 2 (compacted-batch.ts), which also carries each
// record's offset; decodeBatch reads both.
// The router encodes a produce batch in this layout, so it crosses RPC as one buffer;
// a record without a timestamp carries LEADER_TIMESTAMP until the leader stamps it.
// The same layout in format 1 is the HTTP API's binary batch (batch-frame.ts).

import { invariant } from "../common/invariant.js";
import { recordSizeBytes } from "./record-size.js";

export { recordSizeBytes };

/** `json`: key is UTF-8 text and value is JSON text. `binary`: both are raw bytes
 * (produced with encoding=base64). */
export type RecordFormat = "json" | "binary";
export type Encoding = "json" | "base64";
/** How a replica answers a fetch: a JSON array text in an encoding, or (`batch`) the
 * stored records as they are, for a binary fetch frame (fetch-frame.ts). */
export type ReadForm = Encoding | "batch";

export interface StoredRecord {
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** UTF-8 name and value of each header. */
  headers: [Uint8Array, Uint8Array][];
}

/** A produced record on its way to the leader. */
export type ProduceRecord = Omit<StoredRecord, "timestamp"> & {
  /** Null: the leader's clock at append. */
  timestamp: number | null;
};

/** Where the leader's clock goes: timestamps are otherwise never negative. */
export const LEADER_TIMESTAMP = -1;

export const BATCH_VERSION = 1;
export const FORMAT_CODE: Record<RecordFormat, number> = { json: 0, binary: 1 };
const RECORD_FIXED_BYTES = 8 + 4 + 4 + 2;
const HEADER_FIXED_BYTES = 8;
export const BATCH_FIXED_BYTES = 6;

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();

export function encodedRecordBytes(record: ProduceRecord): number {
  return RECORD_FIXED_BYTES + recordSizeBytes(record) + record.headers.length * HEADER_FIXED_BYTES;
}

export function headerEntries(
  headers: Record<string, string> | undefined,
  encode: (text: string) => Uint8Array = (text) => utf8.encode(text),
): [Uint8Array, Uint8Array][] {
  if (!headers) return [];
  return Object.entries(headers).map(([name, value]) => [encode(name), encode(value)]);
}

/** A position in a batch's bytes. A class rather than closures: the bundle names every
 * closure it creates (esbuild keepNames), which costs ~1 µs per record on hot paths. */
export class BatchCursor {
  readonly view: DataView;
  at = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  writeField(field: Uint8Array | null): void {
    this.view.setInt32(this.at, field === null ? -1 : field.length, true);
    this.at += 4;
    if (field === null) return;
    this.bytes.set(field, this.at);
    this.at += field.length;
  }

  /** A record's key, value and headers, in the layout both batch versions share. */
  writeRecordFields(record: Pick<StoredRecord, "key" | "value" | "headers">): void {
    this.writeField(record.key);
    this.writeField(record.value);
    this.view.setUint16(this.at, record.headers.length, true);
    this.at += 2;
    for (const [name, value] of record.headers) {
      this.writeField(name);
      this.writeField(value);
    }
  }

  readField(): Uint8Array | null {
    const length = this.skipField();
    return length < 0 ? null : this.bytes.subarray(this.at - length, this.at);
  }

  /** Moves past a field; its length, -1 for null. */
  skipField(): number {
    const length = this.view.getInt32(this.at, true);
    invariant(length >= -1, `a field length of ${length}`);
    this.at += 4 + Math.max(length, 0);
    return length;
  }
}

export function encodeBatch(records: readonly ProduceRecord[], format: RecordFormat): Uint8Array {
  let size = BATCH_FIXED_BYTES;
  for (const r of records) size += encodedRecordBytes(r);
  const out = new BatchCursor(new Uint8Array(size));
  out.view.setUint8(0, BATCH_VERSION);
  out.view.setUint8(1, FORMAT_CODE[format]);
  out.view.setUint32(2, records.length, true);
  out.at = BATCH_FIXED_BYTES;
  for (const r of records) {
    out.view.setFloat64(out.at, r.timestamp ?? LEADER_TIMESTAMP, true);
    out.at += 8;
    out.writeRecordFields(r);
  }
  if (out.at !== size) throw new Error(`encodeBatch wrote ${out.at} bytes, expected ${size}`);
  return out.bytes;
}

/** Produce batches of one format as one batch of all their records, in order. */
export function concatBatches(batches: readonly Uint8Array[]): Uint8Array {
  const first = batches[0];
  invariant(first !== undefined, "at least one batch to concatenate");
  let size = BATCH_FIXED_BYTES;
  let count = 0;
  for (const batch of batches) {
    invariant(batch[0] === BATCH_VERSION && batch[1] === first[1], "batches of one version and format");
    size += batch.length - BATCH_FIXED_BYTES;
    count += new DataView(batch.buffer, batch.byteOffset, batch.length).getUint32(2, true);
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint8(0, BATCH_VERSION);
  view.setUint8(1, first[1]!);
  view.setUint32(2, count, true);
  let at = BATCH_FIXED_BYTES;
  for (const batch of batches) {
    out.set(batch.subarray(BATCH_FIXED_BYTES), at);
    at += batch.length - BATCH_FIXED_BYTES;
  }
  return out;
}

/** An encoded produce batch after the leader stamped it. */
export interface StampedBatch {
  payload: Uint8Array;
  format: RecordFormat;
  /** Where each record starts in the payload, then the payload's length. */
  recordStarts: number[];
  timestamps: number[];
  /** The records' sizes (recordSizeBytes), summed. */
  sizeBytes: number;
  /** How many records have no key (a compacted topic refuses them). */
  keylessCount: number;
}

/** Walks a batch the router encoded, checking its layout, and gives records without a
 * timestamp the leader's clock `nowMs` (in place). */
export function stampBatch(payload: Uint8Array, nowMs: number): StampedBatch {
  const batch = new BatchCursor(payload);
  const { view } = batch;
  invariant(payload.length >= BATCH_FIXED_BYTES && view.getUint8(0) === BATCH_VERSION, "a produce batch of version 1");
  const format = storedFormat(view);
  const count = view.getUint32(2, true);
  const recordStarts: number[] = [];
  const timestamps: number[] = [];
  let sizeBytes = 0;
  let keylessCount = 0;
  batch.at = BATCH_FIXED_BYTES;
  for (let i = 0; i < count; i++) {
    recordStarts.push(batch.at);
    let timestamp = view.getFloat64(batch.at, true);
    if (timestamp === LEADER_TIMESTAMP) {
      timestamp = nowMs;
      view.setFloat64(batch.at, timestamp, true);
    }
    invariant(timestamp >= 0, `a record timestamp of ${timestamp}`);
    timestamps.push(timestamp);
    batch.at += 8;
    const keyLength = batch.skipField();
    if (keyLength < 0) keylessCount++;
    sizeBytes += Math.max(keyLength, 0) + Math.max(batch.skipField(), 0);
    const headerCount = view.getUint16(batch.at, true);
    batch.at += 2;
    for (let j = 0; j < headerCount * 2; j++) {
      const length = batch.skipField();
      invariant(length >= 0, "header names and values are never null");
      sizeBytes += length;
    }
  }
  invariant(batch.at === payload.length, `a batch of ${count} records ends at ${batch.at}, not ${payload.length}`);
  recordStarts.push(batch.at);
  return { payload, format, recordStarts, timestamps, sizeBytes, keylessCount };
}

/** Records [from, to) of a stamped batch as a batch of their own. */
export function sliceBatch(batch: StampedBatch, from: number, to: number): Uint8Array {
  const { payload, recordStarts } = batch;
  if (from === 0 && to === recordStarts.length - 1) return payload;
  const start = recordStarts[from]!;
  const end = recordStarts[to]!;
  const out = new Uint8Array(BATCH_FIXED_BYTES + end - start);
  out.set(payload.subarray(0, BATCH_FIXED_BYTES));
  new DataView(out.buffer).setUint32(2, to - from, true);
  out.set(payload.subarray(start, end), BATCH_FIXED_BYTES);
  return out;
}

export interface DecodedBatch {
  format: RecordFormat;
  records: StoredRecord[];
  /** Version 2 (compacted): each record's offset minus the row's base offset. Null in
   * version 1, where record i is at baseOffset + i. */
  offsetDeltas: number[] | null;
  /** Version 2: when its tombstones may go (ms since the epoch); -1 while unset. */
  deleteHorizonMs: number;
}

/** Version 2: version, format, count, then the f64 deleteHorizonMs. */
export const COMPACTED_VERSION = 2;
export const COMPACTED_FIXED_BYTES = BATCH_FIXED_BYTES + 8;

export function batchFormat(format: RecordFormat): number {
  return FORMAT_CODE[format];
}

/** The format of the batch (of either version) `view` is over. */
export function storedFormat(view: DataView): RecordFormat {
  return view.getUint8(1) === FORMAT_CODE.binary ? "binary" : "json";
}

export function decodeBatch(payload: Uint8Array): DecodedBatch {
  const batch = new BatchCursor(payload);
  const { view } = batch;
  const version = view.getUint8(0);
  if (version !== BATCH_VERSION && version !== COMPACTED_VERSION) throw new Error(`unknown batch version ${version}`);
  const compacted = version === COMPACTED_VERSION;
  const format = storedFormat(view);
  const count = view.getUint32(2, true);
  const deleteHorizonMs = compacted ? view.getFloat64(BATCH_FIXED_BYTES, true) : -1;
  const offsetDeltas: number[] | null = compacted ? [] : null;
  batch.at = compacted ? COMPACTED_FIXED_BYTES : BATCH_FIXED_BYTES;
  const records: StoredRecord[] = [];
  for (let i = 0; i < count; i++) {
    if (offsetDeltas) {
      offsetDeltas.push(view.getUint32(batch.at, true));
      batch.at += 4;
    }
    const timestamp = view.getFloat64(batch.at, true);
    batch.at += 8;
    const key = batch.readField();
    const value = batch.readField();
    const headerCount = view.getUint16(batch.at, true);
    batch.at += 2;
    const headers: [Uint8Array, Uint8Array][] = [];
    for (let j = 0; j < headerCount; j++) headers.push([batch.readField() ?? EMPTY, batch.readField() ?? EMPTY]);
    records.push({ timestamp, key, value, headers });
  }
  invariant(batch.at === payload.length, `a batch of ${count} records ends at ${batch.at}, not ${payload.length}`);
  return { format, records, offsetDeltas, deleteHorizonMs };
}

/** The offset of record `index` of a decoded row at `baseOffset`. */
export function recordOffset(batch: DecodedBatch, baseOffset: number, index: number): number {
  return baseOffset + (batch.offsetDeltas ? batch.offsetDeltas[index]! : index);
}
