// POST /v1/topics/{topic}/records and /v1/topics/{topic}/partitions/{p}/records.

import { Hono } from "hono";
import { z } from "zod";
import { catalogStub } from "../catalog/catalog-stub.js";
import { mapBounded } from "../common/bounded-map.js";
import type { ProducerBatch } from "../partition/producer-state.js";
import type { ProduceAnswer } from "../protocol/answers.js";
import { EdgelogError, ERROR_TABLE, type ErrorData, errorBody, refuse } from "../protocol/errors.js";
import { partitionForKey } from "../protocol/partitioner.js";
import { encodeBatch, type RecordFormat } from "../protocol/record-codec.js";
import { acksSchema, partitionProduceBodySchema, plainProduceBody, produceBodySchema } from "../protocol/schemas.js";
import { isCompacted, type TopicConfig } from "../protocol/topic.js";
import type { AppContext, AppEnv } from "./context.js";
import { callLeader } from "./leader-call.js";
import { produceBodyKind } from "./media-types.js";
import { topicMetadata } from "./metadata-cache.js";
import { jsonBody, parseWith, partitionParam, queryOf, topicParam } from "./parse-input.js";
import { produceBatch } from "./produce-batch.js";
import { type PreparedRecord, parseProduceBody, prepareRecords } from "./produce-records.js";
import { issuedProducers, producerOwner } from "./producer-ids.js";
import { charge } from "./quotas.js";

type RecordResult = { partition: number; offset: number } | { partition: number; error: ErrorData };

const produceQuerySchema = z.object({ acks: acksSchema }).strict();
type QueryAcks = z.output<typeof acksSchema>;
const ACKS: ReadonlySet<string> = new Set(acksSchema.removeDefault().options);

/** The acks query parameter. Its two plain forms (none, or `?acks=` a valid value and
 * nothing else) are read without zod; anything else goes through the schema, which
 * names the error. */
function acksOf(c: AppContext): QueryAcks {
  const url = c.req.url;
  const query = url.indexOf("?");
  if (query < 0) return "all";
  const value = url.startsWith("acks=", query + 1) ? url.slice(query + "?acks=".length) : "";
  if (ACKS.has(value)) return value as QueryAcks;
  return parseWith(produceQuerySchema, queryOf(c), "query").acks;
}

export const produceRoutes = new Hono<AppEnv>()
  .post("/v1/topics/:topic/records", (c) => produce(c, null))
  .post("/v1/topics/:topic/partitions/:partition/records", (c) => produce(c, partitionParam(c)));

async function produce(c: AppContext, pathPartition: number | null): Promise<Response> {
  const limits = c.get("limits");
  const topic = topicParam(c);
  if (produceBodyKind(c, pathPartition !== null) === "batch") return await produceBatch(c, topic, pathPartition!);
  const acks = acksOf(c);
  const { body: raw, escapes } = await jsonBody(c, limits.maxRequestBytes, parseProduceBody);
  charge(c, "produceBytes", c.get("bodyBytes"));
  const count = (raw as { records?: unknown })?.records;
  if (Array.isArray(count) && count.length > limits.maxRecordsPerRequest) {
    throw new EdgelogError(
      "RECORD_LIST_TOO_LARGE",
      `${count.length} records, over the limit of ${limits.maxRecordsPerRequest} per request`,
    );
  }
  const body =
    plainProduceBody(raw, pathPartition !== null) ??
    parseWith(pathPartition === null ? produceBodySchema : partitionProduceBodySchema, raw, "produce request");
  const producer = producerOf(body);
  const prepared = prepareRecords(body.records, body.encoding, limits, escapes);
  if (producer) {
    const caller = producerOwner(c.get("principal"));
    refuse(await issuedProducers.verify(producer, caller, (id) => catalogStub(c.env).producerRecord(id)));
  }
  const format: RecordFormat = body.encoding === "base64" ? "binary" : "json";
  const partitions = await choosePartitions(c.env, topic, prepared, pathPartition);
  const byPartition = groupByPartition(partitions);
  const appendAll = mapBounded([...byPartition], limits.maxFanOut, async ([partition, indexes]) => {
    const batch = encodeBatch(
      indexes.map((i) => prepared[i]!.record),
      format,
    );
    const result = await callLeader(
      c.env,
      topic,
      partition,
      async (leader) => await leader.produce({ batch, acks: acks === "-1" ? "all" : acks, producer }),
    );
    return { partition, indexes, result };
  });
  if (acks === "0") {
    c.executionCtx.waitUntil(appendAll.catch((e: unknown) => console.warn("acks=0 produce failed", String(e))));
    return c.json({}, 202);
  }
  const results = new Array<RecordResult>(prepared.length);
  const failures: ErrorData[] = [];
  for (const { partition, indexes, result } of await appendAll) {
    if (!result.ok) failures.push(result.error);
    indexes.forEach((recordIndex, i) => {
      results[recordIndex] = result.ok
        ? { partition, offset: result.baseOffset + i }
        : { partition, error: result.error };
    });
  }
  if (failures.length === byPartition.size) {
    const first = failures[0]!;
    return c.json(errorBody(first), ERROR_TABLE[first.code].status);
  }
  const answer: ProduceAnswer = {
    results: results.map((r) => ("error" in r ? { partition: r.partition, ...errorBody(r.error) } : r)),
  };
  return c.json(answer, failures.length > 0 ? 207 : 200);
}

/** Explicit partition, else Kafka's default partitioner on the key, else one random
 * partition for all key-less records of the request. */
async function choosePartitions(
  env: Env,
  topic: string,
  records: readonly PreparedRecord[],
  pathPartition: number | null,
): Promise<number[]> {
  let metadata = await topicMetadata(env, topic);
  const highest = Math.max(pathPartition ?? -1, ...records.map((r) => r.partition ?? -1));
  if (highest >= metadata.partitions.length) metadata = await topicMetadata(env, topic, true);
  refuseKeyless(metadata.config, records);
  const count = metadata.partitions.length;
  if (highest >= count)
    throw new EdgelogError(
      "UNKNOWN_TOPIC_OR_PARTITION",
      `topic ${topic} has ${count} partitions; there is no partition ${highest}`,
    );
  const random = Math.floor(Math.random() * count);
  return records.map(({ record, partition }) => {
    if (pathPartition !== null) {
      if (partition !== undefined && partition !== pathPartition) {
        throw new EdgelogError(
          "INVALID_REQUEST",
          `a record names partition ${partition} on the route of partition ${pathPartition}`,
        );
      }
      return pathPartition;
    }
    if (partition !== undefined) return partition;
    return record.key === null ? random : partitionForKey(record.key, count);
  });
}

/** A compacted topic keeps the last record of each key, so a record needs one (Kafka
 * refuses it too). */
function refuseKeyless(config: TopicConfig, records: readonly PreparedRecord[]): void {
  if (!isCompacted(config)) return;
  const keyless = records.findIndex(({ record }) => record.key === null);
  if (keyless >= 0) {
    throw new EdgelogError("INVALID_RECORD", `records[${keyless}] has no key; a compacted topic needs one per record`);
  }
}

function groupByPartition(partitions: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  partitions.forEach((partition, index) => {
    const group = groups.get(partition);
    if (group) group.push(index);
    else groups.set(partition, [index]);
  });
  return groups;
}

/** The idempotent producer's fields, present all together or not at all. */
function producerOf(body: object): ProducerBatch | null {
  const { producerId, producerEpoch, baseSequence } = body as Partial<ProducerBatch>;
  if (producerId === undefined || producerEpoch === undefined || baseSequence === undefined) return null;
  return { producerId, producerEpoch, baseSequence };
}
