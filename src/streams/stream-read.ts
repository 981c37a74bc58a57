// GET of a stream: a catch-up read, or with live=long-poll one that waits for data at
// the tail. Both read the stream's partition through its leader (or an in-sync
// follower) as any fetch does; the head has told the caller the stream's state.

import type { Clock } from "../common/clock.js";
import type { FetchResponse } from "../partition/replica-types.js";
import { EdgelogError, type Result } from "../protocol/errors.js";
import type { AppContext } from "../router/context.js";
import { charge } from "../router/quotas.js";
import { callerRegion } from "../router/replica-choice.js";
import { nextCursor } from "./cursor.js";
import { readBody, readEncoding } from "./stream-content.js";
import { callStreamLeader } from "./stream-leader.js";
import { formatOffset, type StreamPosition } from "./stream-offset.js";
import { stateHeaders, streamFailure } from "./stream-response.js";
import { isJsonStream, type StreamState } from "./stream-settings.js";

/** One read answers at most this much (the protocol's chunk size); the client reads on. */
export const MAX_READ_BYTES = 1024 * 1024;
export const MAX_READ_RECORDS = 1_000;
/** How long a long-poll waits at the tail before 204 (under the limit maxWaitMs). */
export const LONG_POLL_WAIT_MS = 5_000;
/** Historical data never changes, so a read that is not at the tail may be cached. */
const CACHEABLE = "private, max-age=60, stale-while-revalidate=300";

export interface ReadQuery {
  position: StreamPosition;
  live: "long-poll" | null;
  cursor: string | undefined;
}

/** Reads from the partition: `waitMs` at the tail before answering empty. */
export async function fetchStream(
  c: AppContext,
  state: StreamState,
  offset: number | "earliest",
  waitMs: number,
  waitKey: string | null,
): Promise<Result<FetchResponse>> {
  return await callStreamLeader(
    c.env,
    state.topic,
    state.topicId,
    async (replica) =>
      await replica.fetchRecords({
        offset,
        maxRecords: MAX_READ_RECORDS,
        maxBytes: MAX_READ_BYTES,
        maxWaitMs: waitMs,
        encoding: readEncoding(state.contentType),
        waitKey,
        allowFollower: true,
      }),
    callerRegion(c.req.raw),
  );
}

export async function readStream(c: AppContext, state: StreamState, query: ReadQuery, clock: Clock): Promise<Response> {
  const live = query.live === "long-poll";
  const liveHeaders = (): Record<string, string> => (live ? { "stream-cursor": nextCursor(clock, query.cursor) } : {});
  if (query.position === "latest" && !live) return nowAnswer(c, state);
  const from = query.position === "latest" ? state.tailOffset : query.position;
  // A stream's log starts at 0 (its topic keeps everything), so "earliest" is offset 0.
  if (live && state.closed && (from === "earliest" ? 0 : from) >= state.tailOffset) {
    return c.body(null, 204, { ...upToDate(state, state.tailOffset), ...liveHeaders() });
  }
  const waitMs = live ? Math.min(LONG_POLL_WAIT_MS, c.get("limits").maxWaitMs) : 0;
  const fetched = await fetchStream(c, state, from, waitMs, null);
  if (!fetched.ok) {
    if (fetched.error.code === "OFFSET_OUT_OF_RANGE") {
      throw new EdgelogError("INVALID_REQUEST", "the offset is not one of this stream's");
    }
    return streamFailure(c, fetched.error);
  }
  charge(c, "fetchBytes", fetched.sizeBytes);
  if (live && fetched.recordCount === 0) {
    return c.body(null, 204, { ...upToDate(state, fetched.nextOffset), ...liveHeaders() });
  }
  const atTail = fetched.nextOffset >= fetched.highWatermark;
  const etag = `"${state.topicId}:${fetched.fetchOffset}:${fetched.nextOffset}${atTail && state.closed ? ":closed" : ""}"`;
  const headers: Record<string, string> = {
    ...stateHeaders(state, fetched.nextOffset),
    ...(atTail ? { "stream-up-to-date": "true" } : {}),
    ...liveHeaders(),
    etag,
    "cache-control": atTail ? "no-cache" : CACHEABLE,
  };
  if (!(atTail && state.closed && fetched.nextOffset >= state.tailOffset)) delete headers["stream-closed"];
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  return c.body(readBody(state.contentType, fetched.records) as Uint8Array<ArrayBuffer>, 200, headers);
}

/** offset=now without live: nothing, and where the tail is. */
function nowAnswer(c: AppContext, state: StreamState): Response {
  const body = isJsonStream(state.contentType) ? "[]" : "";
  return c.body(body, 200, { ...upToDate(state, state.tailOffset), "cache-control": "no-store" });
}

function upToDate(state: StreamState, nextOffset: number): Record<string, string> {
  return {
    ...stateHeaders(state, nextOffset),
    "stream-up-to-date": "true",
    "stream-next-offset": formatOffset(nextOffset),
  };
}
