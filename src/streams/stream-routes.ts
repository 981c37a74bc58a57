// The Durable Streams protocol under /v1/stream/{path}: PUT creates, POST appends (or
// closes), GET reads (catch-up, long-poll, SSE), HEAD describes, DELETE deletes. A
// stream is a topic of one partition (stream-topic.ts); its head (stream-head.ts)
// holds the protocol's state and orders its writes.

import { Hono } from "hono";
import { type Clock, systemClock } from "../common/clock.js";
import { EdgelogError, refuse } from "../protocol/errors.js";
import type { AppContext, AppEnv } from "../router/context.js";
import { boundedBody, queryOf } from "../router/parse-input.js";
import { charge } from "../router/quotas.js";
import { streamHead } from "./head-stub.js";
import { closeOf, contentTypeOf, producerOf, settingsOf, streamSeqOf } from "./request-headers.js";
import { appendBatch } from "./stream-content.js";
import { parseOffset } from "./stream-offset.js";
import { readStream } from "./stream-read.js";
import { metadataHeaders, SECURITY_HEADERS, stateHeaders, streamFailure } from "./stream-response.js";
import { sseStream } from "./stream-sse.js";
import { checkStreamTopic, topicOfRequestPath } from "./stream-topic.js";
import { streamTopicConfig } from "./stream-topic-config.js";

export const STREAM_ROUTE = "/v1/stream/*";
const clock: Clock = systemClock;

export const streamRoutes = new Hono<AppEnv>()
  .use(STREAM_ROUTE, async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  })
  .put(STREAM_ROUTE, create)
  .post(STREAM_ROUTE, append)
  .get(STREAM_ROUTE, read)
  .delete(STREAM_ROUTE, remove);

function topicOf(c: AppContext): string {
  const topic = topicOfRequestPath(c.req.path);
  refuse(checkStreamTopic(topic, c.get("limits")));
  return topic;
}

/** The body, or null when it is empty; its bytes count against the produce quota. */
async function bodyOf(c: AppContext): Promise<Uint8Array | null> {
  let body: Uint8Array | null;
  try {
    body = await boundedBody(c, c.get("limits").maxRequestBytes);
  } catch (e) {
    await drain(c.req.raw.body);
    throw e;
  }
  charge(c, "produceBytes", body?.length ?? 0);
  return body && body.length > 0 ? body : null;
}

/** Bytes of a refused body read and dropped, so that the client, still sending, reads
 * the 413 rather than a reset connection. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body || body.locked) return;
  const reader = body.getReader();
  let drained = 0;
  while (drained < MAX_DRAIN_BYTES) {
    const { done, value } = await reader.read();
    if (done) return;
    drained += value.byteLength;
  }
  await reader.cancel();
}

async function create(c: AppContext): Promise<Response> {
  const topic = topicOf(c);
  const settings = settingsOf(c, clock.now());
  const topicConfig = streamTopicConfig(c);
  const closed = closeOf(c);
  const body = await bodyOf(c);
  const batch = body ? appendBatch(settings.contentType, body, c.get("limits").maxRecordBytes, true) : null;
  const result = await streamHead(c.env, topic).create(topic, settings, topicConfig, batch, closed);
  if (!result.ok) return streamFailure(c, result.error);
  const headers = stateHeaders(result.state);
  if (!result.created) return c.body(null, 200, headers);
  return c.body(null, 201, { ...headers, location: new URL(c.req.path, c.req.url).toString() });
}

async function append(c: AppContext): Promise<Response> {
  const topic = topicOf(c);
  const close = closeOf(c);
  const producer = producerOf(c);
  const streamSeq = streamSeqOf(c);
  const body = await bodyOf(c);
  if (!body && !close) throw new EdgelogError("INVALID_REQUEST", "an append needs a body (or Stream-Closed: true)");
  const contentType = body ? contentTypeOf(c) : null;
  if (body && contentType === null) throw new EdgelogError("INVALID_REQUEST", "an append needs a Content-Type");
  const batch = body && contentType ? appendBatch(contentType, body, c.get("limits").maxRecordBytes, false) : null;
  const result = await streamHead(c.env, topic).append({ batch, contentType, streamSeq, producer, close });
  if (!result.ok) return streamFailure(c, result.error);
  const headers = stateHeaders(result.state);
  if (producer) {
    headers["producer-epoch"] = String(producer.epoch);
    headers["producer-seq"] = String(result.producerSeq);
  }
  // 200 says a producer's data was appended; a duplicate, a close or a plain append is 204.
  return c.body(null, producer && batch && !result.duplicate ? 200 : 204, headers);
}

async function read(c: AppContext): Promise<Response> {
  const topic = topicOf(c);
  // The protocol has clients send query parameters of extensions a server may not
  // know (and CDN cache busters): only offset, live and cursor are read, strictly.
  const query = queryOf(c);
  const position = parseOffset(query.offset);
  const live = query.live;
  if (live !== undefined && live !== "long-poll" && live !== "sse") {
    throw new EdgelogError("INVALID_REQUEST", "live must be long-poll or sse");
  }
  if (live !== undefined && query.offset === undefined) {
    throw new EdgelogError("INVALID_REQUEST", `live=${live} needs an offset`);
  }
  const isHead = c.req.method === "HEAD";
  const described = await streamHead(c.env, topic).describe(!isHead);
  if (!described.ok) return streamFailure(c, described.error);
  const state = described.state;
  if (isHead) return c.body(null, 200, metadataHeaders(state));
  if (live === "sse") return sseStream(c, state, position, query.cursor, clock);
  return await readStream(c, state, { position: position, live: live ?? null, cursor: query.cursor }, clock);
}

async function remove(c: AppContext): Promise<Response> {
  const result = await streamHead(c.env, topicOf(c)).remove();
  if (!result.ok) return streamFailure(c, result.error);
  return c.body(null, 204);
}
