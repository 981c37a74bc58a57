// JoinGroup (key 11), v0-v9, onto the coordinator's heartbeat (classic-groups.ts). The
// answer names a leader that is no member and lists no members, so the client follows.

import { join, NO_LEADER } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { CONSUMER_PROTOCOL_TYPE, readSubscription } from "./consumer-protocol.js";

export const joinGroupApi: KafkaApi = {
  key: 11,
  name: "JoinGroup",
  minVersion: 0,
  maxVersion: 9,
  flexibleFrom: 6,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const groupId = request.string(flexible);
    const sessionTimeoutMs = request.int32();
    const rebalanceTimeoutMs = version >= 1 ? request.int32() : sessionTimeoutMs;
    const memberId = request.string(flexible);
    if (version >= 5) request.nullableString(flexible); // group_instance_id: static membership is not built
    const protocolType = request.string(flexible);
    const protocols = request.array(flexible, (p) => {
      const protocol = { name: p.string(flexible), metadata: p.bytes(flexible) };
      p.endStruct(flexible);
      return protocol;
    });
    if (version >= 8) request.nullableString(flexible); // reason: for the broker's log
    request.endStruct(flexible);
    const chosen = protocols[0];
    const subscription = chosen ? readSubscription(chosen.metadata) : null;
    if (protocolType !== CONSUMER_PROTOCOL_TYPE || !chosen || !subscription || subscription.topics.length === 0) {
      return body(version, KAFKA_ERROR.INCONSISTENT_GROUP_PROTOCOL, -1, null, memberId);
    }
    const joined = await join(context, { groupId, memberId, sessionTimeoutMs, rebalanceTimeoutMs, subscription });
    if (!("memberId" in joined)) return body(version, joined.errorCode, -1, null, memberId);
    return body(version, KAFKA_ERROR.NONE, joined.generationId, chosen.name, joined.memberId);
  },
};

/** `protocol` is null when none was chosen: v7+ says so, older versions take "". */
function body(
  version: number,
  errorCode: number,
  generationId: number,
  protocol: string | null,
  memberId: string,
): Writer {
  const flexible = version >= joinGroupApi.flexibleFrom;
  const writer = new Writer();
  if (version >= 2) writer.int32(NO_THROTTLE_MS);
  writer.int16(errorCode).int32(generationId);
  if (version >= 7) {
    writer
      .nullableString(protocol === null ? null : CONSUMER_PROTOCOL_TYPE, flexible)
      .nullableString(protocol, flexible);
  } else writer.string(protocol ?? "", flexible);
  writer.string(NO_LEADER, flexible);
  if (version >= 9) writer.bool(false); // skip_assignment: only a static leader rejoining skips it
  writer.string(memberId, flexible);
  return writer.array([], flexible, () => {}).endStruct(flexible);
}
