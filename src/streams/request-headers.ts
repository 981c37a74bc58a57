// The protocol's request headers, validated at the edge: a malformed one is 400
// INVALID_REQUEST and nothing changes.

import { EdgelogError } from "../protocol/errors.js";
import type { AppContext } from "../router/context.js";
import type { StreamProducer } from "./producer-check.js";
import type { StreamSettings } from "./stream-settings.js";

const DEFAULT_CONTENT_TYPE = "application/octet-stream";
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;
/** The protocol's TTL: decimal, no sign, no leading zeros. */
const TTL = /^(0|[1-9]\d{0,9})$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const SAFE_INTEGER = /^(0|[1-9]\d{0,15})$/;
const MAX_STREAM_SEQ_LENGTH = 256;
const MAX_PRODUCER_ID_LENGTH = 256;

function invalid(message: string): EdgelogError {
  return new EdgelogError("INVALID_REQUEST", message);
}

/** The media type of a Content-Type, lowercased, parameters dropped; null when absent. */
export function contentTypeOf(c: AppContext): string | null {
  const raw = c.req.header("content-type");
  if (raw === undefined) return null;
  const essence = raw.split(";")[0]!.trim().toLowerCase();
  if (!MEDIA_TYPE.test(essence)) throw invalid(`Content-Type ${JSON.stringify(raw)} is not a media type`);
  return essence;
}

export function settingsOf(c: AppContext, nowMs: number): StreamSettings {
  if (c.req.header("stream-forked-from") !== undefined || c.req.header("stream-fork-offset") !== undefined) {
    // A fork shares its source's history: a topic cannot, and a silent copy would not.
    throw invalid("forks (Stream-Forked-From) are not supported: a stream here is a Kafka topic");
  }
  const ttl = c.req.header("stream-ttl");
  const expiresAt = c.req.header("stream-expires-at");
  if (ttl !== undefined && expiresAt !== undefined) throw invalid("give Stream-TTL or Stream-Expires-At, not both");
  if (ttl !== undefined && !TTL.test(ttl)) throw invalid("Stream-TTL must be a whole number of seconds");
  let expiresAtMs: number | null = null;
  if (expiresAt !== undefined) {
    expiresAtMs = RFC3339.test(expiresAt) ? Date.parse(expiresAt) : Number.NaN;
    if (!Number.isFinite(expiresAtMs)) throw invalid("Stream-Expires-At must be an RFC 3339 timestamp");
    if (expiresAtMs <= nowMs) throw invalid("Stream-Expires-At is in the past");
  }
  return {
    contentType: contentTypeOf(c) ?? DEFAULT_CONTENT_TYPE,
    ttlSeconds: ttl === undefined ? null : Number(ttl),
    expiresAtMs,
  };
}

/** Stream-Closed: true; any other value is refused rather than read as false. */
export function closeOf(c: AppContext): boolean {
  const raw = c.req.header("stream-closed");
  if (raw === undefined) return false;
  if (raw.toLowerCase() === "true") return true;
  throw invalid("Stream-Closed must be true when present");
}

export function streamSeqOf(c: AppContext): string | null {
  const raw = c.req.header("stream-seq");
  if (raw === undefined) return null;
  if (raw.length === 0 || raw.length > MAX_STREAM_SEQ_LENGTH) {
    throw invalid(`Stream-Seq must be 1..${MAX_STREAM_SEQ_LENGTH} characters`);
  }
  return raw;
}

/** Producer-Id, -Epoch and -Seq: all three or none. */
export function producerOf(c: AppContext): StreamProducer | null {
  const id = c.req.header("producer-id");
  const epoch = c.req.header("producer-epoch");
  const seq = c.req.header("producer-seq");
  if (id === undefined && epoch === undefined && seq === undefined) return null;
  if (id === undefined || epoch === undefined || seq === undefined) {
    throw invalid("Producer-Id, Producer-Epoch and Producer-Seq come together or not at all");
  }
  if (id.length === 0 || id.length > MAX_PRODUCER_ID_LENGTH) {
    throw invalid(`Producer-Id must be 1..${MAX_PRODUCER_ID_LENGTH} characters`);
  }
  return { id, epoch: safeInteger(epoch, "Producer-Epoch"), seq: safeInteger(seq, "Producer-Seq") };
}

function safeInteger(raw: string, name: string): number {
  const value = Number(raw);
  if (!SAFE_INTEGER.test(raw) || !Number.isSafeInteger(value)) {
    throw invalid(`${name} must be a whole number from 0 to 2^53-1`);
  }
  return value;
}
