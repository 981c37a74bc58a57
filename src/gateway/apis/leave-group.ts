// LeaveGroup (key 13), v0-v5: the member leaves at once (memberEpoch -1), so its
// partitions move without waiting for its session to expire.

import { leave } from "../classic-groups.js";
import type { Reader } from "../codec/reader.js";
import { Writer } from "../codec/writer.js";
import { KAFKA_ERROR } from "../kafka-errors.js";
import { MAX_MEMBERS_PER_CONNECTION } from "../session.js";
import { type KafkaApi, NO_THROTTLE_MS, type RequestContext } from "./api.js";

export const leaveGroupApi: KafkaApi = {
  key: 13,
  name: "LeaveGroup",
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  async handle(request: Reader, context: RequestContext): Promise<Writer> {
    const { version, flexible } = context;
    const groupId = request.string(flexible);
    const memberIds =
      version >= 3
        ? request.array(flexible, (m) => {
            const id = m.string(flexible);
            m.nullableString(flexible); // group_instance_id
            if (version >= 5) m.nullableString(flexible); // reason: for the broker's log
            m.endStruct(flexible);
            return id;
          })
        : [request.string(flexible)];
    request.endStruct(flexible);
    if (memberIds.length > MAX_MEMBERS_PER_CONNECTION) return body(version, KAFKA_ERROR.INVALID_REQUEST, []);
    const results: [string, number][] = [];
    for (const memberId of memberIds) results.push([memberId, await leave(context, groupId, memberId)]);
    return body(version, version >= 3 ? KAFKA_ERROR.NONE : (results[0]?.[1] ?? KAFKA_ERROR.NONE), results);
  },
};

function body(version: number, errorCode: number, results: [string, number][]): Writer {
  const flexible = version >= leaveGroupApi.flexibleFrom;
  const writer = new Writer();
  if (version >= 1) writer.int32(NO_THROTTLE_MS);
  writer.int16(errorCode);
  if (version >= 3) {
    writer.array(results, flexible, (w, [id, code]) =>
      w.string(id, flexible).nullableString(null, flexible).int16(code).endStruct(flexible),
    );
  }
  return writer.endStruct(flexible);
}
