// Messages as the SDK shows them, and their wire form: JSON values travel as JSON,
// bytes as base64 (encoding "base64") or, with the producer's binaryBatches, as a binary
// batch (encoding "batch", docs/PROTOCOL.md), decoded again on fetch.

import type { FetchedRecord, WireHeaders } from "../protocol/answers.js";
import { decodeBase64, encodeBase64 } from "../protocol/base64.js";
import type { Encoding, ProduceRecord } from "../protocol/record-codec.js";
import { recordSizeBytes } from "../protocol/record-size.js";

export type Headers = WireHeaders;

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

export type { FetchedRecord } from "../protocol/answers.js";

/** How a producer batch travels: a JSON body in an encoding, or a binary batch. */
export type ProduceEncoding = Encoding | "batch";
/** A record of a batch: its wire form in a JSON body, its bytes in a binary batch. */
export type BatchRecord = WireRecord | ProduceRecord;

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

/** A message's bytes for a binary batch: what a base64 batch carries, undecoded (a
 * string key as its UTF-8, a JSON value as the UTF-8 of its JSON text). */
export function toStored(message: Message): ProduceRecord {
  return {
    key: bytesOf(message.key, false),
    value: bytesOf(message.value, true),
    headers: Object.entries(message.headers ?? {}).map(([name, value]) => [utf8.encode(name), utf8.encode(value)]),
    timestamp: message.timestamp ?? null,
  };
}

/** The size the server counts against its limits (the one record size rule). */
export function messageSizeBytes(message: Message): number {
  return recordSizeBytes(toStored(message));
}

/** A key's bytes are its UTF-8; a value's, the UTF-8 of its JSON text (quotes included). */
function bytesOf(part: unknown, asJson: boolean): Uint8Array | null {
  if (part === null || part === undefined) return null;
  if (part instanceof Uint8Array) return part;
  return utf8.encode(typeof part === "string" && !asJson ? part : JSON.stringify(part));
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
