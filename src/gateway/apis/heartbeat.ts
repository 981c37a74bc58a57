// Heartbeat (key 12), v0-v4: REBALANCE_IN_PROGRESS when the coordinator's assignment
// for the member is no longer what it was handed.

import { heartbeat } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";

export const heartbeatApi: KafkaApi = {
  key: 12,
  name: "Heartbeat",
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const groupId = request.string(flexible);
    const generationId = request.int32();
    const memberId = request.string(flexible);
    if (version >= 3) request.nullableString(flexible); // group_instance_id
    request.endStruct(flexible);
    const errorCode = await heartbeat(context, groupId, memberId, generationId);
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    return writer.int16(errorCode).endStruct(flexible);
  },
};
