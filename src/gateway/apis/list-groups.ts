// ListGroups (key 16), v0-v2: GET /v1/groups (admin scope). Every Edgelog group is a
// consumer group.

import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";

export const CONSUMER_PROTOCOL_TYPE = "consumer";

export const listGroupsApi: KafkaApi = {
  key: 16,
  name: "ListGroups",
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 3,
  async handle(_request: Reader, context: RequestContext): Promise<Writer> {
    let groups: string[] = [];
    let errorCode: number = KAFKA_ERROR.NONE;
    try {
      groups = await context.edgelog.listGroups();
    } catch (error) {
      errorCode = errorCodeOf(error);
    }
    const writer = new Writer();
    if (context.version >= 1) writer.int32(NO_THROTTLE_MS);
    return writer
      .int16(errorCode)
      .array(groups, false, (w, group) => w.string(group, false).string(CONSUMER_PROTOCOL_TYPE, false));
  },
};
