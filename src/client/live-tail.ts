// The live tail of one partition as an async iterable (consumer.stream()): records as
// Server-Sent Events from GET .../records with Accept: text/event-stream, reconnecting
// with Last-Event-ID when the server ends the stream (its maxStreamMs) or the network
// drops it, so the caller sees every record once, in offset order. No group, no
// commits: a browser's window on a partition.

import { clientError, type EdgelogClientError, isRetriableError, protocolError } from "./errors.js";
import { type FetchedRecord, fromWire, type KafkaMessage } from "./messages.js";
import { backoffMs, type RetryOptions, sleep } from "./retry.js";
import { type ServerSentEvent, SseParser } from "./sse-parser.js";
import { segment, type Transport } from "./transport.js";

export interface StreamOptions {
  topic: string;
  partition: number;
  /** Where to start: an offset, "earliest" or "latest" (the default: only new records). */
  fromOffset?: number | "earliest" | "latest";
  /** Stops the stream; the iterator then ends without an error. */
  signal?: AbortSignal;
  /** A silent connection is given up and reopened after this long. The server sends a
   * heartbeat every 15 s. Default 45,000. */
  idleTimeoutMs?: number;
}

/** A stream that ends sooner than this after opening is reopened only after a backoff,
 * so a server that keeps closing at once is not hammered. */
const MIN_STREAM_MS = 1_000;

export async function* liveTail(
  transport: Transport,
  retry: RetryOptions,
  options: StreamOptions,
): AsyncGenerator<KafkaMessage, void, undefined> {
  const { topic, partition, signal } = options;
  const idleTimeoutMs = options.idleTimeoutMs ?? 45_000;
  const path = `/v1/topics/${segment(topic)}/partitions/${partition}/records?offset=${options.fromOffset ?? "latest"}`;
  let resumeAfter: number | null = null;
  let failures = 0;
  let quickEnds = 0;
  while (!signal?.aborted) {
    const stop = new AbortController();
    const abort = () => stop.abort();
    signal?.addEventListener("abort", abort, { once: true });
    const openedAtMs = Date.now();
    try {
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (resumeAfter !== null) headers["last-event-id"] = String(resumeAfter);
      const body = await transport.openStream(path, headers, stop.signal);
      for await (const events of chunks(body, idleTimeoutMs, stop.signal)) {
        failures = 0;
        for (const event of events) {
          if (stop.signal.aborted) return;
          if (event.event === "error") throw streamError(event.data);
          if (event.event !== "record") continue;
          const record = JSON.parse(event.data) as FetchedRecord;
          // A duplicate can only come from a server that ignored Last-Event-ID: skip it.
          if (resumeAfter !== null && record.offset <= resumeAfter) continue;
          resumeAfter = record.offset;
          yield fromWire(topic, partition, record);
        }
      }
      quickEnds = Date.now() - openedAtMs < MIN_STREAM_MS ? quickEnds + 1 : 0;
      if (quickEnds > 0) await sleep(backoffMs(retry, Math.min(quickEnds - 1, 10)), signal);
    } catch (error) {
      if (signal?.aborted) return;
      if (!isRetriableError(error) || failures >= retry.retries) throw error;
      await sleep(backoffMs(retry, failures++), signal);
    } finally {
      signal?.removeEventListener("abort", abort);
      stop.abort();
    }
  }
}

/** The events of each chunk as it arrives (a heartbeat is a chunk with none). Ends
 * when the server closes the stream, nothing comes for idleTimeoutMs, or `signal`
 * aborts (not every runtime settles a pending read when its fetch is aborted). */
async function* chunks(
  body: ReadableStream<Uint8Array>,
  idleTimeoutMs: number,
  signal: AbortSignal,
): AsyncGenerator<ServerSentEvent[], void, undefined> {
  const reader = body.getReader();
  const parser = new SseParser();
  try {
    while (!signal.aborted) {
      const chunk = await readWithin(reader, idleTimeoutMs, signal);
      if (chunk === "stop" || chunk.done) return;
      yield parser.push(chunk.value);
    }
  } finally {
    // Not awaited: a cancel may never settle once the fetch is aborted.
    reader.cancel().catch(() => undefined);
  }
}

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ReadableStreamReadResult<Uint8Array> | "stop"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<"stop">((resolve) => {
    timer = setTimeout(() => resolve("stop"), timeoutMs);
    onAbort = () => resolve("stop");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([reader.read(), stop]);
  } catch (error) {
    throw clientError("NETWORK_EXCEPTION", `live tail: ${error instanceof Error ? error.message : error}`, error);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/** An `event: error` carries the body of an HTTP error; its code says whether the
 * stream is worth reopening. */
function streamError(data: string): EdgelogClientError {
  let body: unknown = null;
  try {
    body = JSON.parse(data);
  } catch {
    // judged by status below
  }
  return protocolError(503, body);
}
