// The protocol's response headers: a stream's state as headers, and refusals with the
// headers that explain them (the tail, closure, the producer's expected sequence).

import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ERROR_TABLE, type ErrorData, errorBody } from "../protocol/errors.js";
import type { AppContext } from "../router/context.js";
import { formatOffset } from "./stream-offset.js";
import type { StreamState } from "./stream-settings.js";

/** On every answer under /v1/stream/: the protocol's browser security headers. */
export const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "cross-origin-resource-policy": "cross-origin",
} as const;

/** What browsers may send and read across origins (CORS). */
export const STREAM_REQUEST_HEADERS = [
  "if-none-match",
  "stream-ttl",
  "stream-expires-at",
  "stream-seq",
  "stream-closed",
  "producer-id",
  "producer-epoch",
  "producer-seq",
  "edgelog-topic-config",
];
export const STREAM_RESPONSE_HEADERS = [
  "etag",
  "location",
  "stream-next-offset",
  "stream-cursor",
  "stream-up-to-date",
  "stream-closed",
  "stream-ttl",
  "stream-expires-at",
  "stream-sse-data-encoding",
  "producer-epoch",
  "producer-seq",
  "producer-expected-seq",
  "producer-received-seq",
];

export function stateHeaders(state: StreamState, tailOffset = state.tailOffset): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": state.contentType,
    "stream-next-offset": formatOffset(tailOffset),
  };
  if (state.closed && tailOffset >= state.tailOffset) headers["stream-closed"] = "true";
  return headers;
}

/** HEAD's: also the TTL (the configured window) and the expiry, never cached. */
export function metadataHeaders(state: StreamState): Record<string, string> {
  const headers: Record<string, string> = { ...stateHeaders(state), "cache-control": "no-store" };
  if (state.ttlSeconds !== null) headers["stream-ttl"] = String(state.ttlSeconds);
  if (state.expiresAtMs !== null) headers["stream-expires-at"] = new Date(state.expiresAtMs).toISOString();
  return headers;
}

const DETAIL_HEADERS: Readonly<Record<string, (value: string | number | boolean | null) => [string, string] | null>> = {
  tailOffset: (v) => (typeof v === "number" ? ["stream-next-offset", formatOffset(v)] : null),
  closed: (v) => (v === true ? ["stream-closed", "true"] : null),
  producerEpoch: (v) => ["producer-epoch", String(v)],
  expectedSequence: (v) => ["producer-expected-seq", String(v)],
  receivedSequence: (v) => ["producer-received-seq", String(v)],
};

export function streamFailure(c: AppContext, error: ErrorData): Response {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(error.details ?? {})) {
    const header = DETAIL_HEADERS[name]?.(value);
    if (header) headers[header[0]] = header[1];
  }
  return c.json(errorBody(error), ERROR_TABLE[error.code].status as ContentfulStatusCode, headers);
}
