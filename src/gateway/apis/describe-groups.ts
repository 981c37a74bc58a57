// DescribeGroups (key 15), v0-v2: GET /v1/groups/{g}. Edgelog's Reconciling is Kafka's
// CompletingRebalance; a group that does not exist is Dead, as brokers answer. Members
// show their subscription and their current assignment in the consumer protocol.

import { EdgelogClientError } from "../../client/errors.js";
import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import type { GroupDescription } from "../edgelog-api.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";
import { writeAssignment, writeSubscription } from "./consumer-protocol.js";
import { CONSUMER_PROTOCOL_TYPE } from "./list-groups.js";

const KAFKA_STATE: Record<GroupDescription["state"], string> = {
  Empty: "Empty",
  Reconciling: "CompletingRebalance",
  Stable: "Stable",
};

/** The assignor is the coordinator's own; DescribeGroups names it. */
const PROTOCOL_NAME = "edgelog";

type Described = { groupId: string; errorCode: number; group: GroupDescription | null };

export const describeGroupsApi: KafkaApi = {
  key: 15,
  name: "DescribeGroups",
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 5,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const groupIds = request.array(false, (r) => r.string(false));
    const described = await mapBounded(groupIds, context.limits.maxConcurrentCalls, (groupId) =>
      describe(groupId, context),
    );
    const writer = new Writer();
    if (context.version >= 1) writer.int32(NO_THROTTLE_MS);
    return writer.array(described, false, (w, { groupId, errorCode, group }) => {
      w.int16(errorCode).string(groupId, false);
      w.string(group ? KAFKA_STATE[group.state] : "Dead", false).string(group ? CONSUMER_PROTOCOL_TYPE : "", false);
      w.string(group && group.members.length > 0 ? PROTOCOL_NAME : "", false);
      w.array(group?.members ?? [], false, (m, member) => {
        m.string(member.memberId, false).string("", false).string("", false);
        m.nullableBytes(writeSubscription(member.topics), false);
        m.nullableBytes(writeAssignment(member.assignment, member.topics), false);
      });
    });
  },
};

async function describe(groupId: string, context: RequestContext): Promise<Described> {
  try {
    return { groupId, errorCode: KAFKA_ERROR.NONE, group: await context.edgelog.describeGroup(groupId) };
  } catch (error) {
    if (error instanceof EdgelogClientError && error.code === "GROUP_ID_NOT_FOUND") {
      return { groupId, errorCode: KAFKA_ERROR.NONE, group: null };
    }
    return { groupId, errorCode: errorCodeOf(error), group: null };
  }
}
