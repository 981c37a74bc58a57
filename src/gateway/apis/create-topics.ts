// CreateTopics (key 19), v0-v4: POST /v1/topics per topic. Edgelog places replicas
// itself, so manual assignments and validate_only are refused rather than ignored;
// -1 partitions or replication factor means the server's default.

import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";
import { edgelogSettingsOf } from "./topic-configs.js";

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
}

export const createTopicsApi: KafkaApi = {
  key: 19,
  name: "CreateTopics",
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 5,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const topics = request.array(
      false,
      (topic): TopicToCreate => ({
        name: topic.string(false),
        numPartitions: topic.int32(),
        replicationFactor: topic.int16(),
        assignments: topic.array(false, (a) => [a.int32(), a.array(false, (b) => b.int32())]).length,
        configs: topic.array(false, (c) => ({ name: c.string(false), value: c.nullableString(false) })),
      }),
    );
    request.int32(); // timeout_ms
    const validateOnly = context.version >= 1 && request.bool();
    const results = await mapBounded(topics, context.limits.maxConcurrentCalls, (topic) =>
      validateOnly ? refused(topic.name, "validate_only is not supported") : createTopic(topic, context),
    );
    const writer = new Writer();
    if (context.version >= 2) writer.int32(NO_THROTTLE_MS);
    return writer.array(results, false, (w, result) => {
      w.string(result.name, false).int16(result.errorCode);
      if (context.version >= 1) w.nullableString(result.errorMessage, false);
    });
  },
};

async function createTopic(topic: TopicToCreate, context: RequestContext): Promise<TopicResult> {
  if (topic.assignments > 0) return refused(topic.name, "Edgelog assigns replicas itself");
  const configs = edgelogSettingsOf(topic.configs);
  if (!configs.ok) return { name: topic.name, errorCode: KAFKA_ERROR.INVALID_CONFIG, errorMessage: configs.message };
  try {
    await context.edgelog.createTopic({
      name: topic.name,
      ...(topic.numPartitions > 0 ? { partitions: topic.numPartitions } : {}),
      ...(topic.replicationFactor > 0 ? { replicationFactor: topic.replicationFactor } : {}),
      ...configs.settings,
    });
    return { name: topic.name, errorCode: KAFKA_ERROR.NONE, errorMessage: null };
  } catch (error) {
    return { name: topic.name, errorCode: errorCodeOf(error), errorMessage: errorMessageOf(error) };
  }
}

async function refused(name: string, message: string): Promise<TopicResult> {
  return { name, errorCode: KAFKA_ERROR.INVALID_REQUEST, errorMessage: message };
}
