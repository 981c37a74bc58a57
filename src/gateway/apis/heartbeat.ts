// Heartbeat (key 12), v0-v3: REBALANCE_IN_PROGRESS when the coordinator's assignment
// for the member is no longer what it was handed.

import { heartbeat } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";

export const heartbeatApi: KafkaApi = {
  key: 12,
  name: "Heartbeat",
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const groupId = request.string(false);
    const generationId = request.int32();
    const memberId = request.string(false);
    if (context.version >= 3) request.nullableString(false); // group_instance_id
    const errorCode = await heartbeat(context, groupId, memberId, generationId);
    const writer = new Writer();
    if (context.version >= 1) writer.int32(NO_THROTTLE_MS);
    return writer.int16(errorCode);
  },
};
