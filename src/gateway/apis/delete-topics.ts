// DeleteTopics (key 20), v0-v3: DELETE /v1/topics/{topic} per name.

import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";

export const deleteTopicsApi: KafkaApi = {
  key: 20,
  name: "DeleteTopics",
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const names = request.array(false, (r) => r.string(false));
    request.int32(); // timeout_ms
    const results = await mapBounded(names, context.limits.maxConcurrentCalls, async (name) => {
      try {
        await context.edgelog.deleteTopic(name);
        return { name, errorCode: KAFKA_ERROR.NONE };
      } catch (error) {
        return { name, errorCode: errorCodeOf(error) };
      }
    });
    const writer = new Writer();
    if (context.version >= 1) writer.int32(NO_THROTTLE_MS);
    return writer.array(results, false, (w, result) => w.string(result.name, false).int16(result.errorCode));
  },
};
