// Live tail: GET .../partitions/{p}/records with `Accept: text/event-stream` streams
// committed records as Server-Sent Events, each event's id its offset, so that a
// browser's reconnect (Last-Event-ID) resumes with no gap and no duplicate. Long-polls
// the partition; a comment line every heartbeat keeps proxies from closing the stream;
// the connection lasts at most maxStreamMs (the client then reconnects).

import type { FetchRequest } from "../partition/replica-types.js";
import { type ErrorData, errorBody } from "../protocol/errors.js";
import { recordEvents } from "../protocol/fetched-records.js";
import type { Encoding } from "../protocol/record-codec.js";
import type { AppContext } from "./context.js";
import { chargeFetched } from "./fetch-answer.js";
import { cancelWait, fetchPartition } from "./long-poll.js";
import { callerRegion } from "./replica-choice.js";

const HEARTBEAT_MS = 15_000;
const MAX_RECORDS_PER_POLL = 500;
const MAX_BYTES_PER_POLL = 1024 * 1024;
const utf8 = new TextEncoder();
const HEARTBEAT = ": heartbeat\n\n";

export function wantsEventStream(c: AppContext): boolean {
  return (c.req.header("accept") ?? "").includes("text/event-stream");
}

export function liveTail(
  c: AppContext,
  topic: string,
  partition: number,
  from: number | "earliest" | "latest",
  encoding: Encoding,
): Response {
  const lastEventId = c.req.header("last-event-id");
  const resumeAt = lastEventId !== undefined && /^\d{1,16}$/.test(lastEventId) ? Number(lastEventId) + 1 : null;
  const deadline = Date.now() + c.get("limits").maxStreamMs;
  const region = callerRegion(c.req.raw);
  const waitKey = crypto.randomUUID();
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (bytes: Uint8Array) => {
        chargeFetched(c, bytes);
        controller.enqueue(bytes);
      };
      let offset: number | "earliest" | "latest" = resumeAt ?? from;
      send(utf8.encode(`retry: 1000\n: edgelog live tail of ${topic}/${partition}\n\n`));
      while (!closed && Date.now() < deadline) {
        const request: FetchRequest = {
          offset,
          maxRecords: MAX_RECORDS_PER_POLL,
          maxBytes: MAX_BYTES_PER_POLL,
          maxWaitMs: Math.max(0, Math.min(HEARTBEAT_MS, deadline - Date.now())),
          encoding,
          waitKey,
          allowFollower: true,
        };
        const answer = await fetchPartition(c.env, topic, partition, request, region);
        if (closed) break;
        if (!answer.ok) {
          send(utf8.encode(errorEvent(answer.error)));
          break;
        }
        send(answer.recordCount > 0 ? recordEvents(answer) : utf8.encode(HEARTBEAT));
        offset = answer.nextOffset;
      }
      if (!closed) controller.close();
    },
    cancel() {
      closed = true;
      void cancelWait(c.env, topic, partition, waitKey, region).catch(() => undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}

function errorEvent(error: ErrorData): string {
  return `event: error\ndata: ${JSON.stringify(errorBody(error))}\n\n`;
}
