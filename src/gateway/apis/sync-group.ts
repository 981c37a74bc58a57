// SyncGroup (key 14), v0-v5: the coordinator's assignment for this member, whatever
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
  maxVersion: 5,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const groupId = request.string(flexible);
    const generationId = request.int32();
    const memberId = request.string(flexible);
    if (version >= 3) request.nullableString(flexible); // group_instance_id
    // v5+: the protocol JoinGroup chose, which the answer echoes so the client can check it.
    const protocolType = version >= 5 ? request.nullableString(flexible) : null;
    const protocolName = version >= 5 ? request.nullableString(flexible) : null;
    request.array(flexible, (a) => {
      a.string(flexible);
      a.bytes(flexible);
      a.endStruct(flexible);
    });
    request.endStruct(flexible);
    const synced = await sync(context, groupId, memberId, generationId);
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    writer.int16(synced.errorCode);
    if (version >= 5) writer.nullableString(protocolType, flexible).nullableString(protocolName, flexible);
    return writer
      .nullableBytes(
        "assignment" in synced ? writeAssignment(synced.assignment, synced.topics) : Buffer.alloc(0),
        flexible,
      )
      .endStruct(flexible);
  },
};
