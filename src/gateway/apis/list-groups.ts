// ListGroups (key 16), v0-v4: GET /v1/groups (admin scope). Every Edgelog group is a
// consumer group. v4 answers each group's state (GET /v1/groups/{g}, as DescribeGroups)
// and keeps only the states asked for, when any are.

import { mapBounded } from "../../common/bounded-map.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";
import { errorCodeOf } from "./call-error.js";
import { CONSUMER_PROTOCOL_TYPE } from "./consumer-protocol.js";
import { describeGroup, KAFKA_STATE } from "./describe-groups.js";

const STATES_FROM = 4;

interface Listed {
  groupId: string;
  /** v4+: its Kafka state; null before. */
  state: string | null;
}

export const listGroupsApi: KafkaApi = {
  key: 16,
  name: "ListGroups",
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const statesFilter = version >= STATES_FROM ? request.array(true, (r) => r.string(true)) : [];
    request.endStruct(flexible);
    let groups: Listed[] = [];
    let errorCode: number = KAFKA_ERROR.NONE;
    try {
      const ids = await context.edgelog.listGroups();
      groups =
        version >= STATES_FROM ? await withStates(ids, context) : ids.map((groupId) => ({ groupId, state: null }));
    } catch (error) {
      errorCode = errorCodeOf(error);
    }
    const shown = statesFilter.length === 0 ? groups : groups.filter((g) => statesFilter.includes(g.state ?? ""));
    const writer = new Writer();
    if (version >= 1) writer.int32(NO_THROTTLE_MS);
    writer.int16(errorCode).array(shown, flexible, (w, group) => {
      w.string(group.groupId, flexible).string(CONSUMER_PROTOCOL_TYPE, flexible);
      if (version >= STATES_FROM) w.string(group.state ?? "", true);
      w.endStruct(flexible);
    });
    return writer.endStruct(flexible);
  },
};

async function withStates(ids: string[], context: RequestContext): Promise<Listed[]> {
  const described = await mapBounded(ids, context.limits.maxConcurrentCalls, (id) => describeGroup(id, context));
  return described.map(({ groupId, group }) => ({ groupId, state: group ? KAFKA_STATE[group.state] : "Dead" }));
}
