// Messages as the SDK shows them, and their wire form: JSON
// values travel as JSON, bytes as base64 (encoding "base64"), decoded again on fetch.

import { decodeBase64, encodeBase64 } from "../protocol/base64.js";
import type { Encoding } from "../protocol/record-codec.js";

export type Headers = Record<string, string>;

/** A message to produce. `value` is any JSON value, a Uint8Array for binary data, or
 * null (a tombstone); a key is a string, bytes or null. */
export interface Message {
  key?: string | Uint8Array | null | undefined;
  value: unknown;
  headers?: Headers | undefined;
  /** Explicit partition; otherwise Kafka's default partitioner picks one from the key. */
  partition?: number | undefined;
  /** ms since the epoch; default the leader's clock at append (Kafka's CreateTime). */
  timestamp?: number | undefined;
}

/** Where a produced message landed. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
}

/** A consumed message. Records produced as bytes come back as Uint8Array. */
export interface KafkaMessage {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | Uint8Array | null;
  value: unknown;
  headers: Headers;
}

export interface WireRecord {
  key?: string | null;
  value: unknown;
  headers?: Headers;
  timestamp?: number;
}

/** A fetched record as the server sends it. */
export interface FetchedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: unknown;
  headers: Headers;
  encoding?: Encoding;
}

const utf8 = new TextEncoder();

/** base64 when the message carries bytes: the whole batch then travels as base64. */
export function encodingOf(message: Message): Encoding {
  return message.key instanceof Uint8Array || message.value instanceof Uint8Array ? "base64" : "json";
}

/** The wire form of a message for a batch of the given encoding. In a base64 batch a
 * string key is its UTF-8 bytes and a JSON value its JSON text. */
export function toWire(message: Message, encoding: Encoding): WireRecord {
  const record: WireRecord = { key: wireKey(message.key, encoding), value: wireValue(message.value, encoding) };
  if (message.headers && Object.keys(message.headers).length > 0) record.headers = message.headers;
  if (message.timestamp !== undefined) record.timestamp = message.timestamp;
  return record;
}

function wireKey(key: Message["key"], encoding: Encoding): string | null {
  if (key === undefined || key === null) return null;
  if (encoding === "json") return key as string;
  return encodeBase64(typeof key === "string" ? utf8.encode(key) : key);
}

function wireValue(value: unknown, encoding: Encoding): unknown {
  if (value === null || value === undefined) return null;
  if (encoding === "json") return value;
  return encodeBase64(value instanceof Uint8Array ? value : utf8.encode(JSON.stringify(value)));
}

/** The size the server counts against its limits (key + value + headers, the record
 * size rule), close enough to fill batches without crossing maxBatchBytes. */
export function messageSizeBytes(message: Message): number {
  let size = sizeOf(message.key) + sizeOf(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += utf8.encode(name + value).length;
  return size;
}

function sizeOf(part: unknown): number {
  if (part === null || part === undefined) return 0;
  if (part instanceof Uint8Array) return part.length;
  if (typeof part === "string") return utf8.encode(part).length + 2;
  return utf8.encode(JSON.stringify(part)).length;
}

export function fromWire(topic: string, partition: number, record: FetchedRecord): KafkaMessage {
  const binary = record.encoding === "base64";
  return {
    topic,
    partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: binary && record.key !== null ? bytes(record.key) : record.key,
    value: binary && typeof record.value === "string" ? bytes(record.value) : record.value,
    headers: record.headers ?? {},
  };
}

function bytes(text: string): Uint8Array {
  return decodeBase64(text) ?? utf8.encode(text);
}
