// Reading: GET .../partitions/{p}/records, GET .../partitions/{p}/offsets and the
// multi-partition long-poll POST /v1/fetch.

import { Hono } from "hono";
import type { FetchRequest, FetchResponse } from "../partition/replica-types.js";
import { EdgelogError, type ErrorData, errorBody, type Result, refuse, unwrap } from "../protocol/errors.js";
import { fetchQuerySchema, listOffsetsQuerySchema, multiFetchSchema } from "../protocol/schemas.js";
import { checkTopicName } from "../protocol/topic.js";
import type { AppContext, AppEnv } from "./context.js";
import { callLeader } from "./leader-call.js";
import { jsonBody, parseWith, partitionParam, queryOf, topicParam } from "./parse-input.js";
import { callerRegion } from "./replica-choice.js";

export const fetchRoutes = new Hono<AppEnv>()
  .get("/v1/topics/:topic/partitions/:partition/records", async (c) => {
    const partition = partitionParam(c);
    const query = parseWith(fetchQuerySchema(c.get("limits")), queryOf(c), "fetch query");
    const request: FetchRequest = { ...query, waitKey: null, allowFollower: true };
    const result = unwrap(await fetchPartition(c.env, topicParam(c), partition, request, callerRegion(c.req.raw)));
    return jsonText(c, renderFetch(result));
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

async function fetchPartition(
  env: Env,
  topic: string,
  partition: number,
  request: FetchRequest,
  region: string | null,
): Promise<Result<FetchResponse>> {
  return await callLeader(
    env,
    topic,
    partition,
    async (replica): Promise<Result<FetchResponse>> => await replica.fetchRecords(request),
    region,
  );
}

/** The records are a JSON array text from the replica, spliced in without re-parsing. */
function renderFetch(r: FetchResponse): string {
  return `{"records":${r.records},"nextOffset":${r.nextOffset},"highWatermark":${r.highWatermark},"logStartOffset":${r.logStartOffset}}`;
}

function jsonText(c: AppContext, text: string): Response {
  return c.body(text, 200, { "content-type": "application/json; charset=UTF-8" });
}

type PartitionAnswer = { topic: string; partition: number } & (
  | { ok: true; response: FetchResponse }
  | { ok: false; error: ErrorData }
);

/** Long-polls every listed partition at once and answers as soon as one has records:
 * the other parked waits are cancelled, so no replica stays awake for nothing.
 * maxBytes is shared evenly between the partitions, so the answer stays near it (each
 * partition still returns at least one record, KIP-74). */
async function multiFetch(c: AppContext): Promise<Response> {
  const limits = c.get("limits");
  const body = parseWith(multiFetchSchema(limits), await jsonBody(c, limits.maxRequestBytes), "fetch request");
  for (const { topic } of body.partitions) refuse(checkTopicName(topic, limits));
  const waitKey = crypto.randomUUID();
  const region = callerRegion(c.req.raw);
  const pending = new Set<number>();
  let answered = false;
  let cancelling: Promise<unknown> = Promise.resolve();
  const cancelOthers = () => {
    if (answered) return;
    answered = true;
    cancelling = Promise.all(
      [...pending].map((i) => {
        const { topic, partition } = body.partitions[i]!;
        return callLeader(
          c.env,
          topic,
          partition,
          async (replica) => ({ ok: true as const, cancelled: await replica.cancelWait(waitKey) }),
          region,
        );
      }),
    );
  };
  const answers = await Promise.all(
    body.partitions.map(async ({ topic, partition, offset }, i): Promise<PartitionAnswer> => {
      pending.add(i);
      const request: FetchRequest = {
        offset,
        maxRecords: body.maxRecords,
        maxBytes: Math.max(1, Math.floor(body.maxBytes / body.partitions.length)),
        maxWaitMs: body.maxWaitMs,
        encoding: body.encoding,
        waitKey,
        allowFollower: true,
      };
      let result: Result<FetchResponse>;
      try {
        result = await fetchPartition(c.env, topic, partition, request, region);
      } catch (e) {
        result = {
          ok: false,
          error: e instanceof EdgelogError ? e.data : { code: "INTERNAL_ERROR", message: String(e) },
        };
      } finally {
        pending.delete(i);
      }
      if (!result.ok || result.recordCount > 0) cancelOthers();
      return result.ok
        ? { topic, partition, ok: true, response: result }
        : { topic, partition, ok: false, error: result.error };
    }),
  );
  c.executionCtx.waitUntil(cancelling.catch(() => undefined));
  return jsonText(c, `{"partitions":[${answers.map(renderAnswer).join(",")}]}`);
}

function renderAnswer(a: PartitionAnswer): string {
  const head = `"topic":${JSON.stringify(a.topic)},"partition":${a.partition}`;
  if (!a.ok) return `{${head},${JSON.stringify(errorBody(a.error)).slice(1, -1)}}`;
  return `{${head},${renderFetch(a.response).slice(1)}`;
}
