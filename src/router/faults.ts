// Fault injection for tests: exists only when EDGELOG_FAULTS=1 (the test harness sets
// it; a deploy never does). Without the flag these paths answer as no route does.

import { Hono, type MiddlewareHandler } from "hono";
import { replicaStub } from "../partition/replica-stub.js";
import { refuse } from "../protocol/errors.js";
import { faultSchema, replicaLogQuerySchema } from "../protocol/schemas.js";
import { checkTopicName } from "../protocol/topic.js";
import type { AppContext, AppEnv } from "./context.js";
import { topicMetadata } from "./metadata-cache.js";
import { jsonBody, parseWith, queryOf } from "./parse-input.js";

const onlyWithFaults: MiddlewareHandler<AppEnv> = async (c, next) =>
  c.env.EDGELOG_FAULTS === "1" ? next() : c.notFound();

export const faultRoutes = new Hono<AppEnv>()
  .use("/v1/_faults", onlyWithFaults)
  .use("/v1/_faults/*", onlyWithFaults)
  .post("/v1/_faults", async (c) => {
    const { topic, partition, replica, fault } = parseWith(faultSchema, await jsonBody(c, 4096), "fault");
    await (await replicaOf(c, topic, partition, replica)).injectFault(fault);
    return c.json({ topic, partition, replica, fault });
  })
  .get("/v1/_faults/log", async (c) => {
    const { topic, partition, replica } = parseWith(replicaLogQuerySchema, queryOf(c), "replica log query");
    const dump = await (await replicaOf(c, topic, partition, replica)).dumpLog(0);
    const { records, ...offsets } = dump;
    return c.body(`{"offsets":${JSON.stringify(offsets)},"records":${records}}`, 200, {
      "content-type": "application/json; charset=UTF-8",
    });
  });

async function replicaOf(c: AppContext, topic: string, partition: number, replica: number) {
  refuse(checkTopicName(topic, c.get("limits")));
  const metadata = await topicMetadata(c.env, topic);
  const state = metadata.partitions[partition];
  if (!state?.replicas.includes(replica)) {
    refuse({ code: "UNKNOWN_TOPIC_OR_PARTITION", message: `no replica ${replica} of ${topic}/${partition}` });
  }
  return replicaStub(c.env, metadata.topicId, metadata.config, partition, replica);
}
