// CreatePartitions (key 37), v0-v1: POST /v1/topics/{topic}/partitions with the new
// total. Manual assignments and validate_only are refused, as in CreateTopics.

import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";

export const createPartitionsApi: KafkaApi = {
  key: 37,
  name: "CreatePartitions",
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 2,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const topics = request.array(false, (topic) => ({
      name: topic.string(false),
      count: topic.int32(),
      assigned: topic.nullableArray(false, (a) => a.array(false, (b) => b.int32())) !== null,
    }));
    request.int32(); // timeout_ms
    const validateOnly = request.bool();
    const results = await mapBounded(topics, context.limits.maxConcurrentCalls, async (topic) => {
      if (validateOnly || topic.assigned) {
        const message = validateOnly ? "validate_only is not supported" : "Edgelog assigns replicas itself";
        return { name: topic.name, errorCode: KAFKA_ERROR.INVALID_REQUEST, errorMessage: message };
      }
      try {
        await context.edgelog.createPartitions(topic.name, topic.count);
        return { name: topic.name, errorCode: KAFKA_ERROR.NONE, errorMessage: null };
      } catch (error) {
        return { name: topic.name, errorCode: errorCodeOf(error), errorMessage: errorMessageOf(error) };
      }
    });
    return new Writer().int32(NO_THROTTLE_MS).array(results, false, (w, result) => {
      w.string(result.name, false).int16(result.errorCode).nullableString(result.errorMessage, false);
    });
  },
};
