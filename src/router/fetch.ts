// Reading: GET .../partitions/{p}/records, GET .../partitions/{p}/offsets and the
// multi-partition long-poll POST /v1/fetch.

import { Hono } from "hono";
import type { FetchRequest, FetchResponse } from "../partition/replica-types.js";
import { errorBody, refuse, unwrap } from "../protocol/errors.js";
import {
  fetchQuerySchema,
  listOffsetsQuerySchema,
  liveTailQuerySchema,
  multiFetchSchema,
} from "../protocol/schemas.js";
import { checkTopicName } from "../protocol/topic.js";
import { authorize } from "./authorization.js";
import type { AppContext, AppEnv } from "./context.js";
import { callLeader } from "./leader-call.js";
import { liveTail, wantsEventStream } from "./live-tail.js";
import { fetchPartition, longPoll, type PartitionAnswer, recordsText } from "./long-poll.js";
import { jsonBody, parseWith, partitionParam, queryOf, topicParam } from "./parse-input.js";
import { charge } from "./quotas.js";
import { callerRegion } from "./replica-choice.js";

export const fetchRoutes = new Hono<AppEnv>()
  .get("/v1/topics/:topic/partitions/:partition/records", async (c) => {
    const partition = partitionParam(c);
    if (wantsEventStream(c)) {
      const { offset, encoding } = parseWith(liveTailQuerySchema, queryOf(c), "live tail query");
      return liveTail(c, topicParam(c), partition, offset, encoding);
    }
    const query = parseWith(fetchQuerySchema(c.get("limits")), queryOf(c), "fetch query");
    const request: FetchRequest = { ...query, waitKey: null, allowFollower: true };
    const result = unwrap(await fetchPartition(c.env, topicParam(c), partition, request, callerRegion(c.req.raw)));
    c.header("x-edgelog-replica", String(result.replica));
    return fetchAnswer(c, fetchBody(result));
  })
  .get("/v1/topics/:topic/partitions/:partition/offsets", async (c) => {
    const partition = partitionParam(c);
    const { at } = parseWith(listOffsetsQuerySchema, queryOf(c), "offsets query");
    const { ok: _, ...offset } = unwrap(
      await callLeader(c.env, topicParam(c), partition, async (leader) => await leader.listOffsets(at)),
    );
    return c.json(offset);
  })
  .post("/v1/fetch", multiFetch);

const utf8 = new TextEncoder();
const RECORDS_HEAD = utf8.encode(`{"records":`);

/** The records are spliced in without re-parsing. */
export function renderFetch(r: FetchResponse): string {
  return `{"records":${recordsText(r)}${renderFetchTail(r)}`;
}

/** One partition's answer as bytes: the records are copied in, not even decoded. */
function fetchBody(r: FetchResponse): Uint8Array<ArrayBuffer> {
  const tail = utf8.encode(renderFetchTail(r));
  const body = new Uint8Array(RECORDS_HEAD.length + r.records.length + tail.length);
  body.set(RECORDS_HEAD);
  body.set(r.records, RECORDS_HEAD.length);
  body.set(tail, RECORDS_HEAD.length + r.records.length);
  return body;
}

function renderFetchTail(r: FetchResponse): string {
  return `,"nextOffset":${r.nextOffset},"highWatermark":${r.highWatermark},"logStartOffset":${r.logStartOffset}}`;
}

/** A fetch's JSON answer, its bytes charged to the caller's fetch quota here, where
 * they are known (a middleware would have to copy the response to count them). */
export function fetchAnswer(c: AppContext, body: string | Uint8Array<ArrayBuffer>): Response {
  // TextEncoder's result always has an ArrayBuffer of its own; its type does not say so.
  const bytes = typeof body === "string" ? (utf8.encode(body) as Uint8Array<ArrayBuffer>) : body;
  charge(c, "fetchBytes", bytes.length);
  return c.body(bytes, 200, { "content-type": "application/json; charset=UTF-8" });
}

/** Long-polls every listed partition at once (see long-poll.ts). */
async function multiFetch(c: AppContext): Promise<Response> {
  const limits = c.get("limits");
  const body = parseWith(multiFetchSchema(limits), await jsonBody(c, limits.maxRequestBytes), "fetch request");
  for (const { topic } of body.partitions) {
    refuse(checkTopicName(topic, limits));
    authorize(c, { kind: "consume", topic });
  }
  const answers = await longPoll(c, body.partitions, body);
  return fetchAnswer(c, `{"partitions":[${answers.map(renderAnswer).join(",")}]}`);
}

function renderAnswer(a: PartitionAnswer): string {
  const head = `"topic":${JSON.stringify(a.topic)},"partition":${a.partition}`;
  if (!a.ok) return `{${head},${JSON.stringify(errorBody(a.error)).slice(1, -1)}}`;
  return `{${head},${renderFetch(a.response).slice(1)}`;
}
