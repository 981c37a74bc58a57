// Stored records as the JSON array text of the HTTP API, in UTF-8, rendered from the
// stored bytes (stored-row.ts) without decoding them. JSON values are copied in as stored
// (they are JSON text already), so a fetch neither parses nor decodes them, and the
// router splices the bytes into its answers as they are (fetched-records.ts), from where
// each record starts.

import { encodeBase64 } from "./base64.js";
import type { Encoding } from "./record-codec.js";
import type { StoredRowRecords } from "./stored-row.js";
import { Utf8Writer } from "./utf8-writer.js";

const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FIRST_PRINTABLE = 0x20;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const OFFSET_FIELD = utf8.encode(`{"offset":`);
const TIMESTAMP_FIELD = utf8.encode(`,"timestamp":`);
const KEY_FIELD = utf8.encode(`,"key":`);
const VALUE_FIELD = utf8.encode(`,"value":`);
const NO_HEADERS_END = utf8.encode(`,"headers":{}}`);
const NULL = utf8.encode("null");

/** Room left free before and after the records, for the partition fetch's answer
 * around them (fetched-records.ts): `{"records":` before, its offsets after. */
export const ENVELOPE_HEADROOM_BYTES = 16;
export const ENVELOPE_TAILROOM_BYTES = 128;

export class RecordsJson extends Utf8Writer {
  count = 0;
  /** Where each record's object starts in the text. */
  readonly recordStarts: number[] = [];

  constructor() {
    super(undefined, ENVELOPE_HEADROOM_BYTES);
    this.byte(OPEN_BRACKET);
  }

  /** The record `row` is at. Field names as prepared bytes, numbers digit by digit and
   * fields copied from the row: a catch-up read renders thousands of records per answer,
   * and a string or a view made per field was much of its cost. */
  add(row: StoredRowRecords, encoding: Encoding): void {
    const { payload, view } = row;
    const asBase64 = encoding === "base64" || row.format === "binary";
    if (this.count++ > 0) this.byte(COMMA);
    this.recordStarts.push(this.length);
    this.bytes(OFFSET_FIELD);
    this.number(row.offset);
    this.bytes(TIMESTAMP_FIELD);
    this.number(view.getFloat64(row.start, true));
    let at = row.start + 8;
    const keyLength = view.getInt32(at, true);
    at += 4;
    this.bytes(KEY_FIELD);
    if (keyLength < 0) this.bytes(NULL);
    else if (!asBase64 && isPlainUtf8(payload, at, at + keyLength)) this.quoted(payload, at, at + keyLength);
    else this.text(fieldText(payload.subarray(at, at + keyLength), asBase64));
    at += Math.max(keyLength, 0);
    const valueLength = view.getInt32(at, true);
    at += 4;
    this.bytes(VALUE_FIELD);
    if (valueLength < 0) this.bytes(NULL);
    else if (asBase64) this.text(fieldText(payload.subarray(at, at + valueLength), true));
    else this.range(payload, at, at + valueLength);
    at += Math.max(valueLength, 0);
    const headerCount = view.getUint16(at, true);
    const marker = asBase64 && encoding === "json";
    if (headerCount === 0 && !marker) this.bytes(NO_HEADERS_END);
    else {
      const headers = headersText(row, at + 2, headerCount);
      this.text(`,"headers":${headers}${marker ? `,"encoding":"base64"` : ""}}`);
    }
  }

  /** The finished array: a view of a buffer of its own, with the envelope's room free
   * before and after it. */
  finish(): Uint8Array {
    this.byte(CLOSE_BRACKET);
    return this.written(ENVELOPE_TAILROOM_BYTES);
  }

  private quoted(b: Uint8Array, from: number, to: number): void {
    this.byte(QUOTE);
    this.range(b, from, to);
    this.byte(QUOTE);
  }
}

/** Whether bytes [from, to) of UTF-8 text (valid, as TextEncoder makes it) become a JSON
 * string by just quoting them: no quote, backslash or control character to escape. */
function isPlainUtf8(text: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = text[i]!;
    if (b < FIRST_PRINTABLE || b === QUOTE || b === BACKSLASH) return false;
  }
  return true;
}

/** A key (or, asBase64, a value) as JSON: base64 text, or the UTF-8 text as a string. */
function fieldText(field: Uint8Array, asBase64: boolean): string {
  return JSON.stringify(asBase64 ? encodeBase64(field) : utf8Decoder.decode(field));
}

/** The headers object of the `count` headers stored from `at` (names and values are
 * never null). Few records have headers: this path makes strings. */
function headersText(row: StoredRowRecords, at: number, count: number): string {
  const { payload, view } = row;
  const fields: string[] = [];
  for (let f = 0; f < count * 2; f++) {
    const length = view.getInt32(at, true);
    fields.push(JSON.stringify(utf8Decoder.decode(payload.subarray(at + 4, at + 4 + length))));
    at += 4 + length;
  }
  const entries: string[] = [];
  for (let h = 0; h < count; h++) entries.push(`${fields[2 * h]}:${fields[2 * h + 1]}`);
  return `{${entries.join(",")}}`;
}
