// The stored form of a batch (one SQLite row) and its rendering to the HTTP JSON form.
// Layout, little-endian: u8 version, u8 format, u32 recordCount, then per record:
// f64 timestamp, i32 keyLength (-1 = null), key, i32 valueLength (-1 = null), value,
// u16 headerCount, then per header i32 nameLength, name, i32 valueLength, value.
// Offsets are not stored per record: record i of a row has offset baseOffset + i.
// The router encodes a produce batch in this layout, so it crosses RPC as one buffer;
// a record without a timestamp carries LEADER_TIMESTAMP until the leader stamps it.

import { invariant } from "../common/invariant.js";
import { encodeBase64 } from "./base64.js";

/** `json`: key is UTF-8 text and value is JSON text. `binary`: both are raw bytes
 * (produced with encoding=base64). */
export type RecordFormat = "json" | "binary";
export type Encoding = "json" | "base64";

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
const LEADER_TIMESTAMP = -1;

const VERSION = 1;
const FORMAT_CODE: Record<RecordFormat, number> = { json: 0, binary: 1 };
const RECORD_FIXED_BYTES = 8 + 4 + 4 + 2;
const HEADER_FIXED_BYTES = 8;
export const BATCH_FIXED_BYTES = 6;

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A record's size as DESIGN.md counts it: key + value + header names and values. */
export function recordSizeBytes(record: Omit<StoredRecord, "timestamp">): number {
  let size = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, value] of record.headers) size += name.length + value.length;
  return size;
}

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

export function encodeBatch(records: readonly ProduceRecord[], format: RecordFormat): Uint8Array {
  let size = BATCH_FIXED_BYTES;
  for (const r of records) size += encodedRecordBytes(r);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const bytes = (b: Uint8Array | null) => {
    view.setInt32(at, b === null ? -1 : b.length, true);
    at += 4;
    if (b === null) return;
    out.set(b, at);
    at += b.length;
  };
  view.setUint8(at++, VERSION);
  view.setUint8(at++, FORMAT_CODE[format]);
  view.setUint32(at, records.length, true);
  at += 4;
  for (const r of records) {
    view.setFloat64(at, r.timestamp ?? LEADER_TIMESTAMP, true);
    at += 8;
    bytes(r.key);
    bytes(r.value);
    view.setUint16(at, r.headers.length, true);
    at += 2;
    for (const [name, value] of r.headers) {
      bytes(name);
      bytes(value);
    }
  }
  if (at !== size) throw new Error(`encodeBatch wrote ${at} bytes, expected ${size}`);
  return out;
}

/** An encoded produce batch after the leader stamped it. */
export interface StampedBatch {
  payload: Uint8Array;
  format: RecordFormat;
  /** Where each record starts in the payload, then the payload's length. */
  recordStarts: number[];
  timestamps: number[];
  /** The records' sizes as DESIGN.md counts them, summed. */
  sizeBytes: number;
}

/** Walks a batch the router encoded, checking its layout, and gives records without a
 * timestamp the leader's clock `nowMs` (in place). */
export function stampBatch(payload: Uint8Array, nowMs: number): StampedBatch {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  invariant(payload.length >= BATCH_FIXED_BYTES && view.getUint8(0) === VERSION, "a produce batch of version 1");
  const format: RecordFormat = view.getUint8(1) === FORMAT_CODE.binary ? "binary" : "json";
  const count = view.getUint32(2, true);
  const recordStarts: number[] = [];
  const timestamps: number[] = [];
  let sizeBytes = 0;
  let at = BATCH_FIXED_BYTES;
  const skip = (nullable: boolean) => {
    const length = view.getInt32(at, true);
    invariant(length >= (nullable ? -1 : 0), `a field length of ${length}`);
    at += 4 + Math.max(length, 0);
    sizeBytes += Math.max(length, 0);
  };
  for (let i = 0; i < count; i++) {
    recordStarts.push(at);
    let timestamp = view.getFloat64(at, true);
    if (timestamp === LEADER_TIMESTAMP) {
      timestamp = nowMs;
      view.setFloat64(at, timestamp, true);
    }
    invariant(timestamp >= 0, `a record timestamp of ${timestamp}`);
    timestamps.push(timestamp);
    at += 8;
    skip(true);
    skip(true);
    const headerCount = view.getUint16(at, true);
    at += 2;
    for (let j = 0; j < headerCount * 2; j++) skip(false);
  }
  invariant(at === payload.length, `a batch of ${count} records ends at ${at}, not ${payload.length}`);
  recordStarts.push(at);
  return { payload, format, recordStarts, timestamps, sizeBytes };
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
}

export function decodeBatch(payload: Uint8Array): DecodedBatch {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let at = 0;
  const version = view.getUint8(at++);
  if (version !== VERSION) throw new Error(`unknown batch version ${version}`);
  const format: RecordFormat = view.getUint8(at++) === FORMAT_CODE.binary ? "binary" : "json";
  const count = view.getUint32(at, true);
  at += 4;
  const bytes = (): Uint8Array | null => {
    const length = view.getInt32(at, true);
    at += 4;
    if (length < 0) return null;
    const b = payload.subarray(at, at + length);
    at += length;
    return b;
  };
  const records: StoredRecord[] = [];
  for (let i = 0; i < count; i++) {
    const timestamp = view.getFloat64(at, true);
    at += 8;
    const key = bytes();
    const value = bytes();
    const headerCount = view.getUint16(at, true);
    at += 2;
    const headers: [Uint8Array, Uint8Array][] = [];
    for (let j = 0; j < headerCount; j++) headers.push([bytes() ?? EMPTY, bytes() ?? EMPTY]);
    records.push({ timestamp, key, value, headers });
  }
  return { format, records };
}

/** One record as the JSON text of the HTTP API. JSON values are spliced in as stored
 * (they were produced by JSON.stringify), so a fetch never re-parses them. */
export function renderRecord(record: StoredRecord, offset: number, format: RecordFormat, encoding: Encoding): string {
  const asBase64 = encoding === "base64" || format === "binary";
  const text = (b: Uint8Array | null, raw: boolean): string => {
    if (b === null) return "null";
    if (asBase64) return JSON.stringify(encodeBase64(b));
    const decoded = utf8Decoder.decode(b);
    return raw ? decoded : JSON.stringify(decoded);
  };
  const headers = `{${record.headers.map(([n, v]) => `${JSON.stringify(utf8Decoder.decode(n))}:${JSON.stringify(utf8Decoder.decode(v))}`).join(",")}}`;
  const marker = asBase64 && encoding === "json" ? `,"encoding":"base64"` : "";
  return `{"offset":${offset},"timestamp":${record.timestamp},"key":${text(record.key, false)},"value":${text(record.value, true)},"headers":${headers}${marker}}`;
}
