// Turns validated produce records into what replicas store, enforcing the record
// limits: MESSAGE_TOO_LARGE, INVALID_RECORD (bad base64, bad headers, text UTF-8
// cannot hold). Values are stored as their JSON text, numbers as written.

import { decodeBase64 } from "../protocol/base64.js";
import { EdgelogError } from "../protocol/errors.js";
import { checkExactNesting, mayChangeNumbers, parseKeepingNumbers } from "../protocol/json-numbers.js";
import type { Limits } from "../protocol/limits.js";
import { type Encoding, headerEntries, type ProduceRecord } from "../protocol/record-codec.js";
import { recordSizeBytes } from "../protocol/record-size.js";
import { illFormedText } from "../protocol/record-text.js";
import { Utf8Arena } from "../protocol/utf8-arena.js";

export interface IncomingRecord {
  key?: string | null | undefined;
  value?: unknown;
  headers?: unknown;
  partition?: number | undefined;
  timestamp?: number | undefined;
}

export interface PreparedRecord {
  record: ProduceRecord;
  partition: number | undefined;
}

/** Shared by all requests of this isolate (see Utf8Arena). */
const utf8 = new Utf8Arena();
const encode = (text: string) => utf8.encode(text);

export interface ParsedProduceBody {
  body: unknown;
  /** Whether the text has a backslash. Without one, no string in it needs JSON's
   * escaping: the text is well-formed UTF-8 (so no lone surrogate), and a quote or a
   * control character inside a JSON string is only written escaped. */
  escapes: boolean;
}

/** The produce body as JSON.parse reads it, but each record's value keeps its numbers
 * as written (json-numbers.ts); the other fields keep the doubles their schemas check.
 * The exact parse runs only for bodies where a number might change. */
export function parseProduceBody(text: string): ParsedProduceBody {
  const body: unknown = JSON.parse(text);
  const escapes = text.includes("\\");
  const records = (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(records) || !mayChangeNumbers(text)) return { body, escapes };
  checkExactNesting(text, "INVALID_RECORD");
  const exact = (parseKeepingNumbers(text) as { records: { value?: unknown }[] }).records;
  records.forEach((record: unknown, i) => {
    if (typeof record === "object" && record !== null && "value" in record) {
      (record as { value: unknown }).value = exact[i]!.value;
    }
  });
  return { body, escapes };
}

/** `escapes`: whether the body's text had a backslash (ParsedProduceBody). */
export function prepareRecords(
  records: readonly IncomingRecord[],
  encoding: Encoding,
  limits: Limits,
  escapes: boolean,
): PreparedRecord[] {
  const json = encoding === "json" ? jsonFields(records, escapes) : null;
  return records.map((incoming, index) => {
    const where = `records[${index}]`;
    if (!("value" in incoming))
      throw new EdgelogError("INVALID_REQUEST", `${where}: value is required (null for a tombstone)`);
    const headers = checkHeaders(incoming.headers, where, limits);
    const illFormed = illFormedText(json ? incoming.key : null, headers, where);
    if (illFormed) throw new EdgelogError("INVALID_RECORD", illFormed);
    const record: ProduceRecord = {
      key: json ? json[2 * index]! : base64Bytes(incoming.key ?? null, `${where}.key`),
      value: json ? json[2 * index + 1]! : base64Bytes(incoming.value, `${where}.value`),
      headers: headerEntries(headers, encode),
      timestamp: incoming.timestamp ?? null,
    };
    const size = recordSizeBytes(record);
    if (size > limits.maxRecordBytes) {
      throw new EdgelogError(
        "MESSAGE_TOO_LARGE",
        `${where} is ${size} bytes, over the ${limits.maxRecordBytes}-byte limit`,
      );
    }
    return { record, partition: incoming.partition };
  });
}

/** Every record's key and value (key 0, value 0, key 1, …) as UTF-8; null for a null
 * key or value (a missing value is refused later, in order). */
function jsonFields(records: readonly IncomingRecord[], escapes: boolean): (Uint8Array | null)[] {
  // The texts as pieces of one string, so that a quoted value is not a string of its
  // own to flatten, and so that ASCII text is encoded in one call.
  const pieces: string[] = [];
  const lengths: number[] = [];
  for (const { key, value } of records) {
    lengths.push(key === null || key === undefined ? -1 : addPiece(pieces, key));
    lengths.push(value === null || value === undefined ? -1 : addJsonText(pieces, value, escapes));
  }
  const all = utf8.encodeAscii(pieces.join(""));
  if (!all) return fieldsOneByOne(records);
  let at = 0;
  return lengths.map((length) => {
    if (length < 0) return null;
    at += length;
    return all.subarray(at - length, at);
  });
}

/** Pushes jsonText(value) as pieces; its length. */
function addJsonText(pieces: string[], value: unknown, escapes: boolean): number {
  const plain = typeof value === "string" && (!escapes || PLAIN_STRING.test(value));
  if (!plain) return addPiece(pieces, JSON.stringify(value));
  pieces.push('"', value, '"');
  return value.length + 2;
}

function addPiece(pieces: string[], text: string): number {
  pieces.push(text);
  return text.length;
}

function fieldsOneByOne(records: readonly IncomingRecord[]): (Uint8Array | null)[] {
  return records.flatMap(({ key, value }) => [
    key === null || key === undefined ? null : utf8.encode(key),
    value === null || value === undefined ? null : utf8.encode(jsonText(value)),
  ]);
}

function base64Bytes(value: unknown, where: string): Uint8Array | null {
  if (value === null) return null;
  if (typeof value !== "string") throw new EdgelogError("INVALID_RECORD", `${where} must be a base64 string or null`);
  const bytes = decodeBase64(value);
  if (!bytes) throw new EdgelogError("INVALID_RECORD", `${where} is not valid padded base64 (RFC 4648)`);
  return bytes;
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters and
 * (to be safe, paired or not) surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes.
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** JSON.stringify(value), without its per-character escaping pass over a string that
 * needs none (the common case of text values; 1.6 µs per 1 KB string otherwise). */
export function jsonText(value: unknown): string {
  return isPlainString(value) ? `"${value}"` : JSON.stringify(value);
}

function isPlainString(value: unknown): value is string {
  return typeof value === "string" && PLAIN_STRING.test(value);
}

function checkHeaders(headers: unknown, where: string, limits: Limits): Record<string, string> | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof headers !== "object" || Array.isArray(headers)) {
    throw new EdgelogError("INVALID_RECORD", `${where}.headers must be an object of string values`);
  }
  const entries = Object.entries(headers);
  if (entries.length > limits.maxHeadersPerRecord) {
    throw new EdgelogError(
      "INVALID_RECORD",
      `${where} has ${entries.length} headers, over the limit of ${limits.maxHeadersPerRecord}`,
    );
  }
  for (const [name, value] of entries) {
    if (typeof value !== "string" || name.length === 0) {
      throw new EdgelogError(
        "INVALID_RECORD",
        `${where}.headers: each header needs a non-empty name and a string value`,
      );
    }
  }
  return headers as Record<string, string>;
}
