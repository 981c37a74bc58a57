// SyncGroup (key 14), v0-v3: the coordinator's assignment for this member, whatever
// the client sent (no client is leader, so none sends assignments).

import { sync } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { writeAssignment } from "./consumer-protocol.js";

export const syncGroupApi: KafkaApi = {
  key: 14,
  name: "SyncGroup",
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version } = context;
    const groupId = request.string(false);
    const generationId = request.int32();
    const memberId = request.string(false);
    if (version >= 3) request.nullableString(false); // group_instance_id
    request.array(false, (a) => [a.string(false), a.bytes(false)]);
    const synced = await sync(context, groupId, memberId, generationId);
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    writer.int16(synced.errorCode);
    return writer.nullableBytes(
      "assignment" in synced ? writeAssignment(synced.assignment, synced.topics) : Buffer.alloc(0),
      false,
    );
  },
};
