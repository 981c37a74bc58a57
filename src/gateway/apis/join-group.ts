// JoinGroup (key 11), v0-v5, onto the coordinator's heartbeat (classic-groups.ts). The
// answer names a leader that is no member and lists no members, so the client follows.

import { join, NO_LEADER } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { readSubscription } from "./consumer-protocol.js";
import { CONSUMER_PROTOCOL_TYPE } from "./list-groups.js";

export const joinGroupApi: KafkaApi = {
  key: 11,
  name: "JoinGroup",
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 6,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version } = context;
    const groupId = request.string(false);
    const sessionTimeoutMs = request.int32();
    const rebalanceTimeoutMs = version >= 1 ? request.int32() : sessionTimeoutMs;
    const memberId = request.string(false);
    if (version >= 5) request.nullableString(false); // group_instance_id: static membership is not built
    const protocolType = request.string(false);
    const protocols = request.array(false, (p) => ({ name: p.string(false), metadata: p.bytes(false) }));
    const chosen = protocols[0];
    const subscription = chosen ? readSubscription(chosen.metadata) : null;
    if (protocolType !== CONSUMER_PROTOCOL_TYPE || !chosen || !subscription || subscription.topics.length === 0) {
      return body(version, KAFKA_ERROR.INCONSISTENT_GROUP_PROTOCOL, -1, "", memberId);
    }
    const joined = await join(context, { groupId, memberId, sessionTimeoutMs, rebalanceTimeoutMs, subscription });
    if (!("memberId" in joined)) return body(version, joined.errorCode, -1, "", memberId);
    return body(version, KAFKA_ERROR.NONE, joined.generationId, chosen.name, joined.memberId);
  },
};

function body(version: number, errorCode: number, generationId: number, protocol: string, memberId: string): Writer {
  const writer = new Writer();
  if (version >= 2) writer.int32(NO_THROTTLE_MS);
  writer.int16(errorCode).int32(generationId).string(protocol, false).string(NO_LEADER, false).string(memberId, false);
  return writer.array([], false, () => {});
}
