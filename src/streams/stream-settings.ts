// What a stream is configured with at creation, and what its head answers about it.

/** The creation config PUT compares: the same settings again is 200, others 409. */
export interface StreamSettings {
  /** The media type, lowercased, without parameters. */
  contentType: string;
  /** Stream-TTL: seconds of idleness (no read or write) after which the stream expires. */
  ttlSeconds: number | null;
  /** Stream-Expires-At: a fixed expiry. */
  expiresAtMs: number | null;
}

/** A live stream as its head knows it. */
export interface StreamState extends StreamSettings {
  topic: string;
  topicId: string;
  closed: boolean;
  /** The Kafka offset the next append gets (the log end once acknowledged). */
  tailOffset: number;
  /** When it expires, by TTL or Expires-At, whichever is first; null: never. */
  deadlineMs: number | null;
}

export function sameSettings(a: StreamSettings, b: StreamSettings): boolean {
  return a.contentType === b.contentType && a.ttlSeconds === b.ttlSeconds && a.expiresAtMs === b.expiresAtMs;
}

export function isJsonStream(contentType: string): boolean {
  return contentType === "application/json";
}

/** SSE carries text/* and JSON streams as they are and other streams in base64. */
export function isTextStream(contentType: string): boolean {
  return contentType.startsWith("text/") || isJsonStream(contentType);
}
