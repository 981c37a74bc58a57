// Topic administration: create, list, describe, alter config, add partitions, delete.

import { Hono } from "hono";
import { catalogStub } from "../catalog/catalog-stub.js";
import { controllerStub } from "../controller/controller-stub.js";
import { jurisdictionSupported } from "../partition/replica-stub.js";
import { refuse, unwrap } from "../protocol/errors.js";
import { addPartitionsSchema, alterTopicSchema, createTopicSchema } from "../protocol/schemas.js";
import {
  checkPartitionCount,
  checkTopicConfig,
  checkTopicName,
  type TopicDescription,
  type TopicMetadata,
  topicFieldCode,
} from "../protocol/topic.js";
import type { AppContext, AppEnv } from "./context.js";
import { forget, remember } from "./metadata-cache.js";
import { jsonBody, parseWith, topicParam } from "./parse-input.js";

export const topicRoutes = new Hono<AppEnv>()
  .post("/v1/topics", async (c) => {
    const limits = c.get("limits");
    const { name, partitions, ...config } = parseWith(
      createTopicSchema,
      await jsonBody(c, limits.maxRequestBytes),
      "topic",
      topicFieldCode,
    );
    refuse(checkTopicName(name, limits) ?? checkPartitionCount(partitions, limits) ?? checkTopicConfig(config, limits));
    if (config.jurisdiction && !jurisdictionSupported(c.env, config.jurisdiction)) {
      refuse({
        code: "INVALID_CONFIG",
        message: `jurisdiction ${config.jurisdiction} is not supported by this runtime (local workerd); it is on Cloudflare`,
      });
    }
    const created = unwrap(await catalogStub(c.env).createTopic(name, partitions, config));
    remember(created.metadata);
    return c.json(freshDescription(created.metadata), 201);
  })
  .get("/v1/topics", async (c) => c.json({ topics: await catalogStub(c.env).listTopics() }))
  .get("/v1/topics/:topic", async (c) => c.json(await describe(c, topicParam(c))))
  .patch("/v1/topics/:topic", async (c) => {
    const name = topicParam(c);
    const patch = parseWith(
      alterTopicSchema,
      await jsonBody(c, c.get("limits").maxRequestBytes),
      "config",
      topicFieldCode,
    );
    remember(unwrap(await catalogStub(c.env).alterConfig(name, patch)).metadata);
    return c.json(await describe(c, name));
  })
  .post("/v1/topics/:topic/partitions", async (c) => {
    const name = topicParam(c);
    const { count } = parseWith(
      addPartitionsSchema,
      await jsonBody(c, c.get("limits").maxRequestBytes),
      "partitions",
      topicFieldCode,
    );
    remember(unwrap(await catalogStub(c.env).addPartitions(name, count)).metadata);
    return c.json(await describe(c, name));
  })
  .delete("/v1/topics/:topic", async (c) => {
    const name = topicParam(c);
    unwrap(await catalogStub(c.env).deleteTopic(name));
    forget(name);
    return c.body(null, 204);
  });

async function describe(c: AppContext, name: string): Promise<TopicDescription> {
  const found = unwrap(await catalogStub(c.env).lookup(name));
  return unwrap(await controllerStub(c.env, found.topicId).describe()).description;
}

/** A topic just created: every partition is empty. */
function freshDescription(metadata: TopicMetadata): TopicDescription {
  return {
    name: metadata.name,
    topicId: metadata.topicId,
    config: metadata.config,
    partitions: metadata.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      logStartOffset: 0,
      highWatermark: 0,
      sizeBytes: 0,
    })),
    counters: { isrShrinks: 0, isrExpands: 0, elections: 0 },
  };
}
