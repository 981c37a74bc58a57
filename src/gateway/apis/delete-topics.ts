// DeleteTopics (key 20), v0-v6: DELETE /v1/topics/{topic} per name. v6 names topics
// or gives their ids: an id alone is read back through the ids this gateway answered
// (topic-ids.ts), and is UNKNOWN_TOPIC_ID when it answered none such.

import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { TOPIC_ID_BYTES } from "../topic-ids.js";
import { type KafkaApi, NO_THROTTLE_MS, NO_TOPIC_ID, type RequestContext } from "./api.js";
import { errorCodeOf, errorMessageOf } from "./call-error.js";

const BY_ID_FROM = 6;

interface Deleted {
  name: string | null;
  errorCode: number;
  errorMessage: string | null;
}

export const deleteTopicsApi: KafkaApi = {
  key: 20,
  name: "DeleteTopics",
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const names = request.array(flexible, (r) => {
      if (version < BY_ID_FROM) return r.string(flexible);
      const name = r.nullableString(true);
      const id = r.raw(TOPIC_ID_BYTES);
      r.endStruct(true);
      return name ?? context.topicIds.nameOf(id) ?? null;
    });
    request.int32(); // timeout_ms
    request.endStruct(flexible);
    const results = await mapBounded(names, context.limits.maxConcurrentCalls, (name) => deleteTopic(name, context));
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    writer.array(results, flexible, (w, result) => {
      if (version >= BY_ID_FROM) {
        w.nullableString(result.name, true).raw(
          result.name === null ? NO_TOPIC_ID : context.topicIds.idOf(result.name),
        );
      } else w.string(result.name ?? "", flexible);
      w.int16(result.errorCode);
      if (version >= 5) w.nullableString(result.errorMessage, flexible);
      w.endStruct(flexible);
    });
    return writer.endStruct(flexible);
  },
};

async function deleteTopic(name: string | null, context: RequestContext): Promise<Deleted> {
  if (name === null) {
    return { name, errorCode: KAFKA_ERROR.UNKNOWN_TOPIC_ID, errorMessage: "no topic this gateway knows has that id" };
  }
  try {
    await context.edgelog.deleteTopic(name);
    return { name, errorCode: KAFKA_ERROR.NONE, errorMessage: null };
  } catch (error) {
    return { name, errorCode: errorCodeOf(error), errorMessage: errorMessageOf(error) };
  }
}
