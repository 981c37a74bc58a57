// CreateTopics (key 19), v0-v7: POST /v1/topics per topic. Edgelog places replicas
// itself, so manual assignments and validate_only are refused rather than ignored;
// -1 partitions or replication factor means the server's default. From v5 the answer
// describes each created topic (GET /v1/topics/{t}), from v7 with its derived topic id.

import { mapBounded } from "../../common/bounded-map.js";
import { fromKafkaConfigs, kafkaConfigEntries } from "../../protocol/kafka-topic-configs.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { TopicDescription } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, NO_TOPIC_ID, type RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";
import { TOPIC_CONFIG_SOURCE } from "./topic-configs.js";

const DESCRIBED_FROM = 5;

interface TopicToCreate {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: number;
  configs: { name: string; value: string | null }[];
}

interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
  /** v5+: the topic as created, null when it was not (or could not be described). */
  created: TopicDescription | null;
}

export const createTopicsApi: KafkaApi = {
  key: 19,
  name: "CreateTopics",
  minVersion: 0,
  maxVersion: 7,
  flexibleFrom: 5,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const topics = request.array(flexible, (topic) => readTopic(topic, flexible));
    request.int32(); // timeout_ms
    const validateOnly = version >= 1 && request.bool();
    request.endStruct(flexible);
    const results = await mapBounded(topics, context.limits.maxConcurrentCalls, (topic) =>
      validateOnly ? refused(topic.name, "validate_only is not supported") : createTopic(topic, context),
    );
    const writer = new Writer();
    if (version >= 2) writer.int32(NO_THROTTLE_MS);
    writer.array(results, flexible, (w, result) => writeResult(w, result, context));
    return writer.endStruct(flexible);
  },
};

function readTopic(topic: Reader, flexible: boolean): TopicToCreate {
  const name = topic.string(flexible);
  const numPartitions = topic.int32();
  const replicationFactor = topic.int16();
  const assignments = topic.array(flexible, (a) => {
    a.int32();
    a.array(flexible, (b) => b.int32());
    a.endStruct(flexible);
  }).length;
  const configs = topic.array(flexible, (c) => {
    const config = { name: c.string(flexible), value: c.nullableString(flexible) };
    c.endStruct(flexible);
    return config;
  });
  topic.endStruct(flexible);
  return { name, numPartitions, replicationFactor, assignments, configs };
}

function writeResult(w: Writer, result: TopicResult, context: RequestContext): void {
  const { version, flexible } = context;
  w.string(result.name, flexible);
  if (version >= 7) w.raw(result.errorCode === KAFKA_ERROR.NONE ? context.topicIds.idOf(result.name) : NO_TOPIC_ID);
  w.int16(result.errorCode);
  if (version >= 1) w.nullableString(result.errorMessage, flexible);
  if (version >= DESCRIBED_FROM) {
    const { created } = result;
    w.int32(created ? created.partitions.length : -1).int16(created ? created.config.replicationFactor : -1);
    w.nullableArray(created ? kafkaConfigEntries(created.config) : null, flexible, (c, config) => {
      c.string(config.name, flexible).nullableString(config.value, flexible).bool(config.readOnly);
      c.int8(TOPIC_CONFIG_SOURCE).bool(false).endStruct(flexible); // is_sensitive: none is
    });
  }
  w.endStruct(flexible);
}

async function createTopic(topic: TopicToCreate, context: RequestContext): Promise<TopicResult> {
  if (topic.assignments > 0) return refused(topic.name, "Edgelog assigns replicas itself");
  const configs = fromKafkaConfigs(topic.configs);
  if (!configs.ok) {
    return { name: topic.name, errorCode: KAFKA_ERROR.INVALID_CONFIG, errorMessage: configs.message, created: null };
  }
  try {
    await context.edgelog.createTopic({
      name: topic.name,
      ...(topic.numPartitions > 0 ? { partitions: topic.numPartitions } : {}),
      ...(topic.replicationFactor > 0 ? { replicationFactor: topic.replicationFactor } : {}),
      ...configs.config,
    });
  } catch (error) {
    return { name: topic.name, errorCode: errorCodeOf(error), errorMessage: errorMessageOf(error), created: null };
  }
  const created = context.version >= DESCRIBED_FROM ? await describeCreated(topic.name, context) : null;
  return { name: topic.name, errorCode: KAFKA_ERROR.NONE, errorMessage: null, created };
}

/** The topic exists either way: a failed description leaves only its details unknown (-1). */
async function describeCreated(name: string, context: RequestContext): Promise<TopicDescription | null> {
  try {
    return await context.edgelog.describeTopic(name);
  } catch {
    return null;
  }
}

async function refused(name: string, message: string): Promise<TopicResult> {
  return { name, errorCode: KAFKA_ERROR.INVALID_REQUEST, errorMessage: message, created: null };
}
