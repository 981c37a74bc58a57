// DescribeGroups (key 15), v0-v5: GET /v1/groups/{g}. Edgelog's Reconciling is Kafka's
// CompletingRebalance; a group that does not exist is Dead, as brokers answer. Members
// show their subscription and their current assignment in the consumer protocol.

import { EdgelogClientError } from "../../client/errors.js";
import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { GroupDescription } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_AUTHORIZED_OPERATIONS, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";
import { CONSUMER_PROTOCOL_TYPE, writeAssignment, writeSubscription } from "./consumer-protocol.js";

export const KAFKA_STATE: Record<GroupDescription["state"], string> = {
  Empty: "Empty",
  Reconciling: "CompletingRebalance",
  Stable: "Stable",
};

/** The assignor is the coordinator's own; DescribeGroups names it. */
const PROTOCOL_NAME = "edgelog";

export type Described = { groupId: string; errorCode: number; group: GroupDescription | null };

export const describeGroupsApi: KafkaApi = {
  key: 15,
  name: "DescribeGroups",
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 5,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const groupIds = request.array(flexible, (r) => r.string(flexible));
    if (version >= 3) request.bool(); // include_authorized_operations: ACLs are not reported
    request.endStruct(flexible);
    const described = await mapBounded(groupIds, context.limits.maxConcurrentCalls, (groupId) =>
      describeGroup(groupId, context),
    );
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    writer.array(described, flexible, (w, { groupId, errorCode, group }) => {
      w.int16(errorCode).string(groupId, flexible);
      w.string(group ? KAFKA_STATE[group.state] : "Dead", flexible);
      w.string(group ? CONSUMER_PROTOCOL_TYPE : "", flexible);
      w.string(group && group.members.length > 0 ? PROTOCOL_NAME : "", flexible);
      w.array(group?.members ?? [], flexible, (m, member) => {
        m.string(member.memberId, flexible);
        if (version >= 4) m.nullableString(null, flexible); // group_instance_id: no static members
        m.string("", flexible).string("", flexible); // client_id, client_host: not known to Edgelog
        m.nullableBytes(writeSubscription(member.topics), flexible);
        m.nullableBytes(writeAssignment(member.assignment, member.topics), flexible).endStruct(flexible);
      });
      if (version >= 3) w.int32(NO_AUTHORIZED_OPERATIONS);
      w.endStruct(flexible);
    });
    return writer.endStruct(flexible);
  },
};

export async function describeGroup(groupId: string, context: RequestContext): Promise<Described> {
  try {
    return { groupId, errorCode: KAFKA_ERROR.NONE, group: await context.edgelog.describeGroup(groupId) };
  } catch (error) {
    if (error instanceof EdgelogClientError && error.code === "GROUP_ID_NOT_FOUND") {
      return { groupId, errorCode: KAFKA_ERROR.NONE, group: null };
    }
    return { groupId, errorCode: errorCodeOf(error), group: null };
  }
}
