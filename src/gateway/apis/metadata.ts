// Metadata (key 3): every partition's leader, replica and ISR is the gateway itself, so
// clients send it everything and it forwards to Edgelog. Leader epochs are reported as
// -1 (unknown), which makes clients skip OffsetForLeaderEpoch validation.

import { EdgelogClientError } from "../../client/errors.js";
import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { TopicListing } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KnownTopicIds, TOPIC_ID_BYTES } from "../topic-ids.js";
import {
  type GatewayIdentity,
  type KafkaApi,
  NO_AUTHORIZED_OPERATIONS,
  NO_THROTTLE_MS,
  NO_TOPIC_ID,
  type RequestContext,
} from "./api.js";
import { errorCodeOf } from "./call-error.js";

export const CLUSTER_ID = "edgelog";

const FLEXIBLE_FROM = 9;

/** v10+: the topic id of each topic; a topic asked by id alone is UNKNOWN_TOPIC_ID. */
const TOPIC_IDS_FROM = 10;
/** v11 dropped cluster_authorized_operations from the request and the answer. */
const CLUSTER_OPERATIONS_UNTIL = 10;

export type TopicAnswer = { name: string | null; errorCode: number; partitions: number };

export const metadataApi: KafkaApi = {
  key: 3,
  name: "Metadata",
  minVersion: 0,
  maxVersion: 12,
  flexibleFrom: FLEXIBLE_FROM,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const names = readMetadataRequest(request, context.version);
    const topics = names === null ? await allTopics(context) : await someTopics(names, context);
    return metadataBody(topics, context.version, context.gateway, context.topicIds);
  },
};

/** The topics asked for (null: one given by id alone), or null for every topic. */
export function readMetadataRequest(request: Reader, version: number): (string | null)[] | null {
  const flexible = version >= FLEXIBLE_FROM;
  const names = request.nullableArray(flexible, (topic) => {
    if (version >= TOPIC_IDS_FROM) topic.raw(TOPIC_ID_BYTES); // topic_id: derived from the name, which is read
    const name = version >= TOPIC_IDS_FROM ? topic.nullableString(true) : topic.string(flexible);
    topic.endStruct(flexible);
    return name;
  });
  if (version >= 4) request.bool(); // allow_auto_topic_creation: Edgelog creates topics only on request
  if (version >= 8 && version <= CLUSTER_OPERATIONS_UNTIL) request.bool(); // include_cluster_authorized_operations
  if (version >= 8) request.bool(); // include_topic_authorized_operations
  request.endStruct(flexible);
  return names === null || (version === 0 && names.length === 0) ? null : names;
}

async function allTopics(context: RequestContext): Promise<TopicAnswer[]> {
  let listing: TopicListing[];
  try {
    listing = await context.edgelog.listTopics();
  } catch (error) {
    // Listing takes admin scope: a scoped token sees no topics, as a broker shows only authorized ones.
    if (error instanceof EdgelogClientError && error.code === "CLUSTER_AUTHORIZATION_FAILED") return [];
    throw error;
  }
  return listing.map((topic) => ({ name: topic.name, errorCode: KAFKA_ERROR.NONE, partitions: topic.partitions }));
}

async function someTopics(names: (string | null)[], context: RequestContext): Promise<TopicAnswer[]> {
  return await mapBounded(names, context.limits.maxConcurrentCalls, async (name) => {
    if (name === null) return { name, errorCode: KAFKA_ERROR.UNKNOWN_TOPIC_ID, partitions: 0 };
    try {
      return { name, errorCode: KAFKA_ERROR.NONE, partitions: await context.edgelog.partitionCount(name) };
    } catch (error) {
      return { name, errorCode: errorCodeOf(error), partitions: 0 };
    }
  });
}

export function metadataBody(
  topics: TopicAnswer[],
  version: number,
  gateway: GatewayIdentity,
  topicIds: KnownTopicIds,
): Writer {
  const flexible = version >= FLEXIBLE_FROM;
  const writer = new Writer();
  if (version >= 3) writer.int32(NO_THROTTLE_MS);
  writer.array([gateway], flexible, (broker, node) => {
    broker.int32(node.nodeId).string(node.host, flexible).int32(node.port);
    if (version >= 1) broker.nullableString(null, flexible);
    broker.endStruct(flexible);
  });
  if (version >= 2) writer.nullableString(CLUSTER_ID, flexible);
  if (version >= 1) writer.int32(gateway.nodeId);
  writer.array(topics, flexible, (topic, answer) => {
    topic.int16(answer.errorCode).nullableString(answer.name ?? (version >= 12 ? null : ""), flexible);
    if (version >= TOPIC_IDS_FROM) topic.raw(answer.name === null ? NO_TOPIC_ID : topicIds.idOf(answer.name));
    if (version >= 1) topic.bool(false);
    const indexes = Array.from({ length: answer.partitions }, (_, index) => index);
    topic.array(indexes, flexible, (partition, index) => {
      partition.int16(KAFKA_ERROR.NONE).int32(index).int32(gateway.nodeId);
      if (version >= 7) partition.int32(-1);
      partition.array([gateway.nodeId], flexible, (w, id) => w.int32(id));
      partition.array([gateway.nodeId], flexible, (w, id) => w.int32(id));
      if (version >= 5) partition.array([], flexible, () => {});
      partition.endStruct(flexible);
    });
    if (version >= 8) topic.int32(NO_AUTHORIZED_OPERATIONS);
    topic.endStruct(flexible);
  });
  if (version >= 8 && version <= CLUSTER_OPERATIONS_UNTIL) writer.int32(NO_AUTHORIZED_OPERATIONS);
  return writer.endStruct(flexible);
}
