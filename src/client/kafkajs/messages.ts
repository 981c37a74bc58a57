// kafkajs messages to Edgelog's and back. Values travel as bytes (base64), so what a
// kafkajs producer sends is byte for byte what a kafkajs consumer gets; keys hash the
// same either way (murmur2 of their UTF-8 bytes). Offsets and timestamps are strings,
// as kafkajs gives them.

import type { KafkaMessage as EdgelogMessage, Message as EdgelogProducerMessage } from "../messages.js";
import { asKafkaBytes, toBytes, utf8Bytes } from "./bytes.js";
import { KafkaJSNonRetriableError } from "./errors.js";

export type IHeaders = Record<string, Uint8Array | string | (Uint8Array | string)[] | undefined>;

export interface Message {
  key?: Uint8Array | string | null;
  value: Uint8Array | string | null;
  partition?: number;
  headers?: IHeaders;
  /** ms since the epoch, as a string. */
  timestamp?: string;
}

export interface KafkaMessage {
  key: Uint8Array | null;
  value: Uint8Array | null;
  /** ms since the epoch. */
  timestamp: string;
  attributes: number;
  offset: string;
  headers: Record<string, Uint8Array | undefined>;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function toEdgelogMessage(message: Message): EdgelogProducerMessage {
  const converted: EdgelogProducerMessage = {
    key: message.key === undefined || message.key === null ? null : message.key,
    value: message.value === undefined || message.value === null ? null : toBytes(message.value),
  };
  if (message.partition !== undefined) converted.partition = message.partition;
  if (message.headers) converted.headers = textHeaders(message.headers);
  if (message.timestamp !== undefined) converted.timestamp = timestampOf(message.timestamp);
  return converted;
}

/** Edgelog headers are text, one value per name. */
function textHeaders(headers: IHeaders): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      throw new KafkaJSNonRetriableError(`header ${name} has several values: Edgelog keeps one value per header`);
    }
    text[name] = typeof value === "string" ? value : headerText(name, value);
  }
  return text;
}

function headerText(name: string, value: Uint8Array): string {
  try {
    return strictUtf8.decode(value);
  } catch {
    throw new KafkaJSNonRetriableError(`header ${name} is not UTF-8 text: Edgelog headers are text`);
  }
}

function timestampOf(timestamp: string): number {
  const ms = Number(timestamp);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new KafkaJSNonRetriableError(`timestamp must be ms since the epoch as a string, not ${timestamp}`);
  }
  return ms;
}

/** A consumed record as kafkajs gives it. A record produced as JSON (by curl or the
 * Edgelog SDK) has its JSON text as its value bytes, as the server's base64 view does. */
export function toKafkaMessage(message: EdgelogMessage): KafkaMessage {
  const headers: Record<string, Uint8Array> = {};
  for (const [name, value] of Object.entries(message.headers)) headers[name] = asKafkaBytes(utf8Bytes(value));
  return {
    key: message.key === null ? null : asKafkaBytes(toBytes(message.key)),
    value: valueBytes(message.value),
    timestamp: String(message.timestamp),
    attributes: 0,
    offset: String(message.offset),
    headers,
  };
}

function valueBytes(value: unknown): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return asKafkaBytes(value);
  return asKafkaBytes(utf8Bytes(JSON.stringify(value)));
}
