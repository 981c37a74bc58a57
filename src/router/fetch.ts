// Reading: GET .../partitions/{p}/records, GET .../partitions/{p}/offsets and the
// multi-partition long-poll POST /v1/fetch. The record reads answer in JSON, or with
// Accept: application/vnd.edgelog.batch in the binary fetch frame (fetch-frame.ts).

import { Hono } from "hono";
import type { FetchRequest } from "../partition/replica-types.js";
import { refuse, unwrap } from "../protocol/errors.js";
import { fetchFrame } from "../protocol/fetch-frame.js";
import { multiFetchBody, partitionFetchBody } from "../protocol/fetched-records.js";
import {
  fetchQuerySchema,
  listOffsetsQuerySchema,
  liveTailQuerySchema,
  multiFetchSchema,
} from "../protocol/schemas.js";
import { checkTopicName } from "../protocol/topic.js";
import { authorize } from "./authorization.js";
import type { AppContext, AppEnv } from "./context.js";
import { sendFetched, sendFetchFrame } from "./fetch-answer.js";
import { callLeader } from "./leader-call.js";
import { liveTail, wantsEventStream } from "./live-tail.js";
import { fetchPartition, longPoll } from "./long-poll.js";
import { acceptsBatch } from "./media-types.js";
import { jsonBody, parseWith, partitionParam, queryOf, topicParam } from "./parse-input.js";
import { callerRegion } from "./replica-choice.js";

export const fetchRoutes = new Hono<AppEnv>()
  .get("/v1/topics/:topic/partitions/:partition/records", async (c) => {
    const partition = partitionParam(c);
    if (wantsEventStream(c)) {
      const { offset, encoding } = parseWith(liveTailQuerySchema, queryOf(c), "live tail query");
      return liveTail(c, topicParam(c), partition, offset, encoding);
    }
    const query = parseWith(fetchQuerySchema(c.get("limits")), queryOf(c), "fetch query");
    const binary = acceptsBatch(c);
    const request: FetchRequest = {
      ...query,
      encoding: binary ? "batch" : query.encoding,
      waitKey: null,
      allowFollower: true,
    };
    const topic = topicParam(c);
    const result = unwrap(await fetchPartition(c.env, topic, partition, request, callerRegion(c.req.raw)));
    c.header("x-edgelog-replica", String(result.replica));
    if (binary) return sendFetchFrame(c, fetchFrame([{ topic, partition, ok: true, response: result }]));
    return sendFetched(c, partitionFetchBody(result));
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

/** Long-polls every listed partition at once (see long-poll.ts). */
async function multiFetch(c: AppContext): Promise<Response> {
  const limits = c.get("limits");
  const body = parseWith(multiFetchSchema(limits), await jsonBody(c, limits.maxRequestBytes), "fetch request");
  for (const { topic } of body.partitions) {
    refuse(checkTopicName(topic, limits));
    authorize(c, { kind: "consume", topic });
  }
  if (acceptsBatch(c)) {
    return sendFetchFrame(c, fetchFrame(await longPoll(c, body.partitions, { ...body, encoding: "batch" })));
  }
  const answers = await longPoll(c, body.partitions, body);
  return sendFetched(c, multiFetchBody(answers));
}
