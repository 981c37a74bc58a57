// The stored form of a batch (one SQLite row) and its rendering to the HTTP JSON form.
// Layout, little-endian: u8 version, u8 format, u32 recordCount, then per record:
// f64 timestamp, i32 keyLength (-1 = null), key, i32 valueLength (-1 = null), value,
// u16 headerCount, then per header i32 nameLength, name, i32 valueLength, value.
// Offsets are not stored per record: record i of a row has offset baseOffset + i.

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

export function encodedRecordBytes(record: StoredRecord): number {
  return RECORD_FIXED_BYTES + recordSizeBytes(record) + record.headers.length * HEADER_FIXED_BYTES;
}

export function headerEntries(headers: Record<string, string> | undefined): [Uint8Array, Uint8Array][] {
  if (!headers) return [];
  return Object.entries(headers).map(([name, value]) => [utf8.encode(name), utf8.encode(value)]);
}

export function encodeBatch(records: readonly StoredRecord[], format: RecordFormat): Uint8Array {
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
    view.setFloat64(at, r.timestamp, true);
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
