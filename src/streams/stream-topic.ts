// A stream's path (what follows /v1/stream/) is the name of its topic, escaped into
// Kafka's topic alphabet: letters, digits and "-" stay, every other UTF-8 byte becomes
// "_" and two hex digits ("/" is "_2f", "_" itself "_5f"), after the prefix "ds.". The
// mapping is one-to-one, so no two paths share a topic and every stream topic is
// recognizable by its prefix.

import type { ErrorData } from "../protocol/errors.js";
import type { Limits } from "../protocol/limits.js";
import { checkTopicName } from "../protocol/topic.js";

export const STREAM_ROUTE_PREFIX = "/v1/stream/";
const TOPIC_PREFIX = "ds.";
const KEPT = /^[A-Za-z0-9-]$/;
const utf8 = new TextEncoder();

export function streamTopic(path: string): string {
  let topic = TOPIC_PREFIX;
  for (const char of path) {
    if (KEPT.test(char)) topic += char;
    else for (const byte of utf8.encode(char)) topic += `_${byte.toString(16).padStart(2, "0")}`;
  }
  return topic;
}

/** The stream path of a request path, or why it names no stream. */
export function streamPathOf(requestPath: string): string | null {
  if (!requestPath.startsWith(STREAM_ROUTE_PREFIX)) return null;
  let path: string;
  try {
    path = decodeURIComponent(requestPath.slice(STREAM_ROUTE_PREFIX.length));
  } catch {
    return null;
  }
  return path.length > 0 ? path : null;
}

/** The topic of a request path; "" (an invalid name, refused by checkStreamTopic) when
 * it names no stream. */
export function topicOfRequestPath(requestPath: string): string {
  const path = streamPathOf(requestPath);
  return path === null ? "" : streamTopic(path);
}

export function checkStreamTopic(topic: string, limits: Limits): ErrorData | null {
  if (topic === "") return { code: "INVALID_REQUEST", message: "a stream path follows /v1/stream/" };
  const invalid = checkTopicName(topic, limits);
  if (!invalid) return null;
  return {
    code: "INVALID_REQUEST",
    message: `the stream path maps to a topic name longer than ${limits.maxTopicNameLength} characters`,
  };
}
