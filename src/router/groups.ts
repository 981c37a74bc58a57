// Consumer groups (Kafka KIP-848 over HTTP): heartbeat, offset commit and fetch,
// committed offsets with lag, list, describe, delete, offset reset, group fetch.
// Each group's state lives in its coordinator DO; the router validates and adds what
// only partition leaders know (highWatermark, reset targets).

import { Hono } from "hono";
import { mapBounded } from "../common/bounded-map.js";
import { groupDirectoryStub, groupStub } from "../group/group-stubs.js";
import { unwrap } from "../protocol/errors.js";
import type { ResetTarget } from "../protocol/group.js";
import { commitBodySchema, heartbeatBodySchema, resetOffsetsBodySchema } from "../protocol/group-schemas.js";
import type { AppContext, AppEnv } from "./context.js";
import { groupFetch } from "./group-fetch.js";
import { checkConsumable, groupParam } from "./group-input.js";
import { totalLag, withLag } from "./group-lag.js";
import { visibleDescription, visibleOffsets } from "./group-visibility.js";
import { callLeader } from "./leader-call.js";
import { topicMetadata } from "./metadata-cache.js";
import { jsonBody, parseWith } from "./parse-input.js";

export const groupRoutes = new Hono<AppEnv>()
  .get("/v1/groups", async (c) =>
    c.json({ groups: (await groupDirectoryStub(c.env).list()).map((groupId) => ({ groupId })) }),
  )
  .get("/v1/groups/:group", async (c) => {
    const { description, offsets } = unwrap(await groupStub(c.env, groupParam(c)).describe());
    const lagged = await withLag(c.env, c.get("limits"), visibleOffsets(c, offsets));
    return c.json({ ...visibleDescription(c, description), offsets: lagged, lag: totalLag(lagged) });
  })
  .delete("/v1/groups/:group", async (c) => {
    unwrap(await groupStub(c.env, groupParam(c)).deleteGroup());
    return c.body(null, 204);
  })
  .post("/v1/groups/:group/heartbeat", async (c) => {
    const limits = c.get("limits");
    const groupId = groupParam(c);
    const body = parseWith(heartbeatBodySchema(limits), await jsonBody(c, limits.maxRequestBytes), "heartbeat");
    checkConsumable(c, [...(body.topics ?? []), ...Object.keys(body.ownedPartitions ?? {})]);
    // Cloudflare's own header: the client's address, which a client cannot forge.
    const clientHost = c.req.header("cf-connecting-ip") ?? "";
    const { ok: _, ...response } = unwrap(await groupStub(c.env, groupId).heartbeat(groupId, body, clientHost));
    return c.json(response);
  })
  .post("/v1/groups/:group/offsets", async (c) => {
    const limits = c.get("limits");
    const groupId = groupParam(c);
    const body = parseWith(commitBodySchema(limits), await jsonBody(c, limits.maxRequestBytes), "offset commit");
    checkConsumable(
      c,
      body.offsets.map((o) => o.topic),
    );
    unwrap(await groupStub(c.env, groupId).commitOffsets(body.memberId, body.memberEpoch, body.offsets));
    return c.json({ groupId, offsets: body.offsets });
  })
  .get("/v1/groups/:group/offsets", async (c) => {
    const groupId = groupParam(c);
    const { offsets } = unwrap(await groupStub(c.env, groupId).committedOffsets());
    return c.json({ groupId, offsets: await withLag(c.env, c.get("limits"), visibleOffsets(c, offsets)) });
  })
  .post("/v1/groups/:group/offsets/reset", resetOffsets)
  .post("/v1/groups/:group/fetch", async (c) => await groupFetch(c, groupParam(c)));

/** Sets the committed offset of every partition of one topic, only while the group
 * is empty (the coordinator checks that last, so a refused reset changes nothing). */
async function resetOffsets(c: AppContext): Promise<Response> {
  const limits = c.get("limits");
  const groupId = groupParam(c);
  const { topic, to } = parseWith(resetOffsetsBodySchema, await jsonBody(c, limits.maxRequestBytes), "offset reset");
  checkConsumable(c, [topic]);
  const metadata = await topicMetadata(c.env, topic, true);
  const offsets = await mapBounded(metadata.partitions, limits.maxFanOut, async ({ partition }) => ({
    partition,
    offset: await resetOffset(c.env, topic, partition, to),
  }));
  unwrap(await groupStub(c.env, groupId).resetOffsets(groupId, topic, offsets));
  return c.json({ groupId, topic, offsets });
}

async function resetOffset(env: Env, topic: string, partition: number, to: ResetTarget): Promise<number> {
  const ask = async (at: "earliest" | "latest" | number) =>
    unwrap(await callLeader(env, topic, partition, async (leader) => leader.listOffsets(at))).offset;
  if (to === "earliest" || to === "latest") return await ask(to);
  if ("timestamp" in to) return await ask(to.timestamp);
  // An offset out of the log's range is clamped into it, as kafka-consumer-groups does.
  const [earliest, latest] = await Promise.all([ask("earliest"), ask("latest")]);
  return Math.min(Math.max(to.offset, earliest), latest);
}
