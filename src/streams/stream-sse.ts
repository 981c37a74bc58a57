// GET ?live=sse: the stream as Server-Sent Events. Each poll of the partition that
// returns records is one `data` event (text as data: lines, so no payload can forge an
// event boundary; JSON as one array; other types in base64), and every data event is
// followed by a `control` event with the next offset and cursor. At the tail of a
// closed stream the last control event says streamClosed and the connection ends;
// otherwise it ends after SSE_CONNECTION_MS and the client reconnects from its offset.

import type { Clock } from "../common/clock.js";
import { encodeBase64 } from "../protocol/base64.js";
import { type ErrorData, errorBody } from "../protocol/errors.js";
import type { AppContext } from "../router/context.js";
import { charge } from "../router/quotas.js";
import { nextCursor } from "./cursor.js";
import { streamHead } from "./head-stub.js";
import { readBody } from "./stream-content.js";
import { callStreamLeader } from "./stream-leader.js";
import { formatOffset } from "./stream-offset.js";
import { fetchStream, LONG_POLL_WAIT_MS } from "./stream-read.js";
import { isTextStream, type StreamState } from "./stream-settings.js";

/** The protocol asks servers to end SSE connections about every minute (CDN collapsing). */
const SSE_CONNECTION_MS = 60_000;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export function sseStream(
  c: AppContext,
  initial: StreamState,
  from: number | "earliest" | "latest",
  cursor: string | undefined,
  clock: Clock,
): Response {
  const deadlineMs = clock.now() + Math.min(SSE_CONNECTION_MS, c.get("limits").maxStreamMs);
  const base64 = !isTextStream(initial.contentType);
  const waitKey = crypto.randomUUID();
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => controller.enqueue(utf8.encode(text));
      let state = initial;
      let offset: number | "earliest" = from === "latest" ? state.tailOffset : from;
      let first = true;
      while (!closed && clock.now() < deadlineMs) {
        const waitMs = first ? 0 : Math.max(0, Math.min(LONG_POLL_WAIT_MS, deadlineMs - clock.now()));
        first = false;
        const fetched = await fetchStream(c, state, offset, waitMs, waitKey);
        if (closed) break;
        if (!fetched.ok) {
          send(errorEvent(fetched.error));
          break;
        }
        charge(c, "fetchBytes", fetched.sizeBytes);
        offset = fetched.nextOffset;
        const caughtUp = fetched.nextOffset >= fetched.highWatermark;
        if (caughtUp) {
          const fresh = await streamHead(c.env, state.topic).describe(false);
          if (!fresh.ok) {
            send(errorEvent(fresh.error));
            break;
          }
          state = fresh.state;
        }
        let events = "";
        if (fetched.recordCount > 0) {
          const body = readBody(state.contentType, fetched.records);
          events += dataEvent(base64 ? encodeBase64(body) : utf8Decoder.decode(body));
        }
        const end = caughtUp && state.closed && fetched.nextOffset >= state.tailOffset;
        if (fetched.recordCount > 0 || end || caughtUp) {
          events += controlEvent(fetched.nextOffset, caughtUp, end ? null : nextCursor(clock, cursor));
        }
        // A data event and its control event leave in one chunk, as one unit.
        if (events) send(events);
        if (end) break;
      }
      if (!closed) controller.close();
    },
    cancel() {
      closed = true;
      // The parked poll need not run out its wait.
      void callStreamLeader(c.env, initial.topic, initial.topicId, async (replica) => ({
        ok: true as const,
        cancelled: await replica.cancelWait(waitKey),
      })).catch(() => undefined);
    },
  });
  const headers: Record<string, string> = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  };
  if (base64) headers["stream-sse-data-encoding"] = "base64";
  return new Response(stream, { headers });
}

/** Each line of the payload is a data: line; CR, LF and CRLF all end a line. A reader
 * drops one space after "data:", so a line that starts with one gets another. */
function dataEvent(payload: string): string {
  return `event: data\n${payload
    .split(/\r\n|\r|\n/)
    .map((line) => (line.startsWith(" ") ? `data: ${line}` : `data:${line}`))
    .join("\n")}\n\n`;
}

function controlEvent(nextOffset: number, upToDate: boolean, cursor: string | null): string {
  const control: Record<string, unknown> = { streamNextOffset: formatOffset(nextOffset) };
  if (cursor === null) control.streamClosed = true;
  else control.streamCursor = cursor;
  if (upToDate) control.upToDate = true;
  return `event: control\ndata:${JSON.stringify(control)}\n\n`;
}

function errorEvent(error: ErrorData): string {
  return `event: error\ndata:${JSON.stringify(errorBody(error))}\n\n`;
}
