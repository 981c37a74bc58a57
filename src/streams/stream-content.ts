// A stream's bytes as records: each append is one record. In JSON mode its value is
// the JSON array of the messages appended (a top-level array flattened one level), and
// a read joins those arrays into one; otherwise the value is the appended bytes as
// they are, and a read concatenates them.

import { decodeBase64 } from "../protocol/base64.js";
import { EdgelogError } from "../protocol/errors.js";
import {
  checkExactNesting,
  keepsNumbers,
  MAX_EXACT_NESTING,
  mayChangeNumbers,
  nestingDepth,
  parseKeepingNumbers,
} from "../protocol/json-numbers.js";
import type { Encoding } from "../protocol/record-codec.js";
import { encodeBatch } from "../protocol/record-codec.js";
import { isJsonStream } from "./stream-settings.js";

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The batch of one append's record; null for a PUT's empty JSON array, which creates
 * an empty stream (an append of one is refused). */
export function appendBatch(
  contentType: string,
  body: Uint8Array,
  maxRecordBytes: number,
  isCreate: boolean,
): Uint8Array | null {
  const value = isJsonStream(contentType) ? jsonMessages(body, isCreate) : body;
  if (value === null) return null;
  if (value.length > maxRecordBytes) {
    throw new EdgelogError("MESSAGE_TOO_LARGE", `an append of ${value.length} bytes is over ${maxRecordBytes}`);
  }
  const format = isJsonStream(contentType) ? "json" : "binary";
  return encodeBatch([{ timestamp: null, key: null, value, headers: [] }], format);
}

function jsonMessages(body: Uint8Array, isCreate: boolean): Uint8Array | null {
  let text: string;
  let parsed: unknown;
  try {
    text = strictUtf8.decode(body);
    parsed = JSON.parse(text);
  } catch {
    throw new EdgelogError("INVALID_REQUEST", "the body is not valid JSON");
  }
  if (mayChangeNumbers(text) && keepsNumbers()) {
    checkExactNesting(text, "INVALID_REQUEST");
    parsed = parseKeepingNumbers(text);
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  if (messages.length === 0) {
    if (isCreate) return null;
    throw new EdgelogError("INVALID_REQUEST", "an append of an empty JSON array appends nothing");
  }
  return utf8.encode(JSON.stringify(messages));
}

export function readEncoding(contentType: string): Encoding {
  return isJsonStream(contentType) ? "json" : "base64";
}

/** The body of a read: the records' values, joined as their stream's mode says. */
export function readBody(contentType: string, recordsJson: Uint8Array): Uint8Array {
  const records = parseRecords(utf8Decoder.decode(recordsJson));
  if (isJsonStream(contentType)) {
    return utf8.encode(JSON.stringify(records.flatMap((r) => r.value as unknown[])));
  }
  const parts = records.map((r) => decodeBase64(r.value as string) ?? new Uint8Array(0));
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  return body;
}

/** The fetched records, their values' numbers kept as written (they were stored so),
 * for a JSON stream's body to give them back unchanged. The records' array and objects
 * add two levels to the nesting each value was admitted with. */
function parseRecords(text: string): { value: unknown }[] {
  const exact = mayChangeNumbers(text) && keepsNumbers() && nestingDepth(text) <= MAX_EXACT_NESTING + 2;
  return (exact ? parseKeepingNumbers(text) : JSON.parse(text)) as { value: unknown }[];
}
